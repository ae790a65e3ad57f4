"""One limits mechanism (backend/limits.py): separate windows per limit, numbers from the
settings, shared across backend workers through Redis."""

import ast
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import limits.storage.memory
import pytest
from fastapi.testclient import TestClient

import backend.limits
from backend.settings import PROJECT_ROOT, Settings
from tests.backend.conftest import (
    PASSWORD,
    Mailbox,
    Seed,
    app_without_faq,
    test_settings,
    wait_until,
)

WRONG = {"password": "Wrong-pass-1"}


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The limits' clock, moved by hand (memory storage: the backend tests' default)."""
    clock = Clock()
    fake = SimpleNamespace(time=clock.time)
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(backend.limits, "time", fake)
    return clock


def ask_reset(client: TestClient, email: str) -> int:
    return client.post("/api/v1/auth/password-reset", json={"email": email}).status_code


def test_a_used_up_hourly_limit_stays_used_after_a_short_window_call(
    client: TestClient, clock: Clock
) -> None:
    """The database-kept limits' clean-up deleted every bucket's events older than twice the
    caller's window: a failed staff log-in (15 minutes) freed the hourly reset limit."""
    client.app.state.settings.password_reset_per_client_per_hour = 2  # type: ignore[attr-defined]
    assert [ask_reset(client, a) for a in ("a@example.org", "b@example.org")] == [202, 202]
    clock.now += 40 * 60
    wrong = client.post("/api/v1/staff/auth/login", json={"email": "x@celia.fi", **WRONG})
    assert wrong.status_code == 401
    refused = client.post("/api/v1/auth/password-reset", json={"email": "c@example.org"})
    assert refused.status_code == 429
    assert 19 * 60 < int(refused.headers["Retry-After"]) <= 20 * 60
    clock.now += 20 * 60 + 1  # the first requests have left the hour
    assert ask_reset(client, "c@example.org") == 202


def test_staff_log_in_failures_are_limited_per_account(client: TestClient, clock: Clock) -> None:
    client.app.state.settings.staff_login_failures_per_account_per_15_minutes = 2  # type: ignore[attr-defined]
    statuses = [
        client.post("/api/v1/staff/auth/login", json={"email": "x@celia.fi", **WRONG}).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
    other = client.post("/api/v1/staff/auth/login", json={"email": "y@celia.fi", **WRONG})
    assert other.status_code == 401
    clock.now += 15 * 60 + 1
    again = client.post("/api/v1/staff/auth/login", json={"email": "x@celia.fi", **WRONG})
    assert again.status_code == 401


def test_limit_numbers_are_settings_and_no_module_keeps_its_own() -> None:
    """Every limit names a setting; only backend/limits.py uses the `limits` library."""
    fields = Settings.model_fields
    assert all(limit.setting in fields for limit in backend.limits.Limit)
    for path in (PROJECT_ROOT / "backend").rglob("*.py"):
        if path.name == "limits.py":
            continue
        tree = ast.parse(path.read_text())
        modules = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)] + [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        assert not [m for m in modules if m and m.split(".")[0] == "limits"], path


# --- the client address ------------------------------------------------------------------------


def _is_client(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "client"


def client_attribute_uses(path: Path) -> list[str]:
    """Where a module reads the socket peer (`<x>.client`, `scope["client"]`, `.get("client")`)."""
    tree = ast.parse(path.read_text())
    functions = {
        id(child): node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.walk(node)
    }
    uses = []
    for node in ast.walk(tree):
        reads_client = (
            (isinstance(node, ast.Attribute) and node.attr == "client")
            or (isinstance(node, ast.Subscript) and _is_client(node.slice))
            or (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and bool(node.args)
                and _is_client(node.args[0])
            )
        )
        if reads_client:
            uses.append(f"{path.relative_to(PROJECT_ROOT)}:{functions.get(id(node), '<module>')}")
    return uses


def names_used(path: Path) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Name)}


def test_only_client_address_reads_the_socket_peer() -> None:
    """Every limit keyed on a client goes through backend/api/deps.py: client_address; the
    socket peer is read in one place, and besides client_address only the request id's
    trust check (backend/request_context.py) asks for it."""
    sources = list((PROJECT_ROOT / "backend").rglob("*.py"))
    uses = [use for path in sources for use in client_attribute_uses(path)]
    assert uses and set(uses) == {"backend/api/deps.py:socket_peer"}
    callers = {str(p.relative_to(PROJECT_ROOT)) for p in sources if "socket_peer" in names_used(p)}
    assert callers == {"backend/api/deps.py", "backend/request_context.py"}


def test_a_forged_forwarded_for_does_not_escape_the_bucket(client: TestClient) -> None:
    """No trusted proxies (the default): the header is ignored, whatever it says."""
    client.app.state.settings.login_per_client_per_minute = 2  # type: ignore[attr-defined]
    statuses = [
        client.post(
            "/api/v1/auth/login",
            json={"email": "nobody@example.org", **WRONG},
            headers={"X-Forwarded-For": f"198.51.100.{number}"},
        ).status_code
        for number in range(3)
    ]
    assert statuses == [401, 401, 429]


@pytest.fixture
def behind_proxy(client: TestClient) -> TestClient:
    """The app as a trusted proxy on 10.0.0.2 sees it (X-Forwarded-For appended by it)."""
    settings = client.app.state.settings  # type: ignore[attr-defined]
    settings.trusted_proxies = Settings.model_validate(
        {**settings.model_dump(), "trusted_proxies": "10.0.0.2, 10.1.0.0/16"}
    ).trusted_proxies
    settings.login_per_client_per_minute = 2
    return TestClient(client.app, client=("10.0.0.2", 40000))  # no second lifespan


def login_from(client: TestClient, forwarded_for: str) -> int:
    return client.post(
        "/api/v1/auth/login",
        json={"email": "nobody@example.org", **WRONG},
        headers={"X-Forwarded-For": forwarded_for},
    ).status_code


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(behind_proxy: TestClient) -> None:
    assert [login_from(behind_proxy, "203.0.113.7") for _ in range(3)] == [401, 401, 429]
    assert login_from(behind_proxy, "203.0.113.8") == 401
    # What the client wrote itself stands left of the address the proxy appended.
    assert login_from(behind_proxy, "198.51.100.1, 203.0.113.7") == 429
    assert login_from(behind_proxy, "garbage, 203.0.113.7") == 429
    # Hops through a second trusted proxy are skipped.
    assert login_from(behind_proxy, "203.0.113.7, 10.1.4.4") == 429


def test_a_client_reaching_a_worker_directly_is_its_own_peer(
    client: TestClient, behind_proxy: TestClient
) -> None:
    direct = TestClient(client.app, client=("192.0.2.9", 40000))
    assert [login_from(direct, f"203.0.113.{n}") for n in range(3)] == [401, 401, 429]
    assert login_from(behind_proxy, "192.0.2.10") == 401  # the proxy's clients are unaffected


# --- shared across workers ---------------------------------------------------------------------


@pytest.fixture
def two_workers(
    tmp_path: Path, redis_url: str, smtp_server: tuple[Mailbox, int]
) -> Iterator[list[TestClient]]:
    """Two app instances (two backend workers) on one database, counting in one Redis."""
    settings = [
        test_settings(f"sqlite:///{tmp_path / 'shared.db'}", smtp_server[1], tmp_path / "log")
        for _ in range(2)
    ]
    secret = settings[0].session_secret
    for each in settings:
        each.limits_storage_url = redis_url
        each.session_secret = secret  # the limit keys are HMACs under it
        each.login_per_client_per_minute = 3
    with TestClient(app_without_faq(settings[0])) as first:
        first.app.state.limits.reset()  # type: ignore[attr-defined]
        with TestClient(app_without_faq(settings[1])) as second:
            yield [first, second]
        first.app.state.limits.reset()  # type: ignore[attr-defined]


def test_two_workers_share_one_bucket_in_redis(two_workers: list[TestClient]) -> None:
    first, second = two_workers
    attempt = {"json": {"email": "nobody@example.org", **WRONG}}
    statuses = [
        worker.post("/api/v1/auth/login", **attempt).status_code  # type: ignore[arg-type]
        for worker in (first, second, first, second)
    ]
    assert statuses == [401, 401, 401, 429]
    refused = first.post("/api/v1/auth/login", **attempt)  # type: ignore[arg-type]
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60


def test_each_worker_handles_its_reset_requests_under_one_shared_account_limit(
    two_workers: list[TestClient], mailbox: Mailbox
) -> None:
    """Each worker's reset queue is its own (memory only) and drains there; the per-account
    limit counts in Redis, so one mail goes out whichever worker takes the requests."""
    first, second = two_workers
    Seed(first).registrar("reija@example.org")
    for worker in two_workers:
        worker.app.state.settings.password_reset_per_account_per_hour = 1  # type: ignore[attr-defined]
    for worker in (first, second, first):
        reply = worker.post("/api/v1/auth/password-reset", json={"email": "reija@example.org"})
        assert reply.status_code == 202
    for worker in two_workers:
        wait_until(lambda w=worker: w.app.state.reset_worker.pending == 0)  # type: ignore[misc]
    assert len(mailbox.wait_for("reija@example.org")) == 1
    time.sleep(0.5)  # the senders have had time for any second mail
    assert len(mailbox.to("reija@example.org")) == 1


def test_in_memory_limits_are_per_process(tmp_path: Path, smtp_server: tuple[Mailbox, int]) -> None:
    """The embedded default: each process counts alone (why workers need Redis)."""
    settings = test_settings(f"sqlite:///{tmp_path / 'one.db'}", smtp_server[1], tmp_path / "l")
    settings.login_per_client_per_minute = 1
    attempt = {"json": {"email": "nobody@example.org", **WRONG}}
    with (
        TestClient(app_without_faq(settings)) as first,
        TestClient(app_without_faq(settings)) as second,
    ):
        assert first.post("/api/v1/auth/login", **attempt).status_code == 401  # type: ignore[arg-type]
        assert second.post("/api/v1/auth/login", **attempt).status_code == 401  # type: ignore[arg-type]
        assert first.post("/api/v1/auth/login", **attempt).status_code == 429  # type: ignore[arg-type]


def test_redis_down_answers_503_not_500(tmp_path: Path, smtp_server: tuple[Mailbox, int]) -> None:
    from launcher.services import free_port

    settings = test_settings(f"sqlite:///{tmp_path / 'x.db'}", smtp_server[1], tmp_path / "l")
    settings.limits_storage_url = f"redis://127.0.0.1:{free_port()}/0"
    with TestClient(app_without_faq(settings), raise_server_exceptions=False) as worker:
        reply = worker.post("/api/v1/auth/login", json={"email": "a@example.org", **WRONG})
    assert reply.status_code == 503 and "Retry-After" in reply.headers


def test_registrations_are_limited_per_client_and_per_address(
    behind_proxy: TestClient, seed: Seed
) -> None:
    """Each registration costs a hash and a mail: one client gets 429 after its limit, and so
    does an address asked for from many clients, known or not alike."""
    settings = behind_proxy.app.state.settings  # type: ignore[attr-defined]
    settings.registrations_per_client_per_hour, settings.registrations_per_address_per_hour = 4, 2
    seed.registrar(email="reija@example.org")

    def attempt(email: str, client_ip: str) -> int:
        return behind_proxy.post(
            "/api/v1/auth/register",
            json={"email": email, "first_name": "A", "last_name": "B", "password": PASSWORD},
            headers={"X-Forwarded-For": client_ip},
        ).status_code

    one_client = [attempt(f"eri{n}@example.org", "198.51.100.1") for n in range(5)]
    assert one_client == [202, 202, 202, 202, 429]
    for address in ("reija@example.org", "tuntematon@example.org"):
        spread = [attempt(address, f"198.51.100.{n}") for n in range(10, 13)]
        assert spread == [202, 202, 429]
