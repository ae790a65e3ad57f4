"""Where things may be done in the backend, checked on the source: only backend/main.py (which
builds the app's parts) and backend/api/deps.py (which hands them to routes as typed
dependencies) touch `app.state`; routers translate HTTP and leave the queries to services."""

import ast
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"
STATE_OWNERS = {BACKEND / "main.py", BACKEND / "api" / "deps.py"}
ROUTES = BACKEND / "api" / "routes"
# What a query looks like in a router: building a statement, or asking the session for rows.
STATEMENTS = {"select", "insert", "update", "delete"}
SESSION_READS = {"execute", "scalars", "scalar", "get", "get_one", "query", "add"}


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


def queries(source: str) -> list[str]:
    """`select(...)` and the like, and `db.execute(...)`, `db.get(...)` and the like."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = node.func
        if isinstance(called, ast.Name) and called.id in STATEMENTS:
            found.append((node.lineno, f"{called.id}("))
        elif (
            isinstance(called, ast.Attribute)
            and isinstance(called.value, ast.Name)
            and called.value.id == "db"
            and called.attr in SESSION_READS
        ):
            found.append((node.lineno, f"db.{called.attr}("))
    return [f"{line}: {call}" for line, call in sorted(found)]


def test_the_query_finder_sees_queries() -> None:
    source = "rows = db.scalars(select(A).where(A.x == 1))\none = db.get(A, 1)\ndb.execute(q)\n"
    assert queries(source) == ["1: db.scalars(", "1: select(", "2: db.get(", "3: db.execute("]
    assert queries("db.commit()\nservice.select(x)\n") == []


def test_routers_run_no_queries() -> None:
    found = {
        path.name: hits
        for path in sorted(ROUTES.glob("*.py"))
        if (hits := queries(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "move the query into the router's service (backend/services/)"


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, at any depth of the module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_the_bottom_rooms_import_nothing_above_them() -> None:
    """knowledge/ and privacy/ are the bottom rooms: the backend, the actions and Rasa's
    extensions build on them, never the other way round."""
    above = {"backend", "actions", "rasa_ext", "launcher", "benchmarks"}
    root = BACKEND.parent
    reaching_up = {
        str(path.relative_to(root)): sorted(imported_packages(path) & above)
        for room in ("knowledge", "privacy")
        for path in sorted((root / room).rglob("*.py"))
        if imported_packages(path) & above
    }
    assert reaching_up == {}
    assert "backend" in imported_packages(BACKEND / "admin.py")  # the finder sees imports
