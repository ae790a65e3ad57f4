"""Where things may be done in the backend, checked on the source: only backend/main.py (which
builds the app's parts) and backend/api/deps.py (which hands them to routes as typed
dependencies) touch `app.state`."""

import ast
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"
STATE_OWNERS = {BACKEND / "main.py", BACKEND / "api" / "deps.py"}


def app_state_reads(path: Path) -> list[int]:
    """Lines of `<something>.app.state` or `app.state` in a module."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr == "state"
        and (
            (isinstance(node.value, ast.Attribute) and node.value.attr == "app")
            or (isinstance(node.value, ast.Name) and node.value.id == "app")
        )
    )


def test_the_finder_sees_app_state() -> None:
    assert app_state_reads(BACKEND / "main.py")
    assert app_state_reads(BACKEND / "api" / "deps.py")


def test_only_main_and_deps_touch_app_state() -> None:
    readers = {
        str(path.relative_to(BACKEND.parent)): lines
        for path in sorted(BACKEND.rglob("*.py"))
        if path not in STATE_OWNERS and (lines := app_state_reads(path))
    }
    assert readers == {}, "use a dependency from backend/api/deps.py instead"
