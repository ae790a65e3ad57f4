"""A busy or stopped database: the request waits or answers 503, and is never half-written.

An unlock request writes several rows in one transaction (the staff request, its audit event,
the idempotency record); after a failure there must be none of them, and the client's retry
with the same Idempotency-Key must create exactly one request.
"""

import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.models import AuditEvent, IdempotencyRecord, OutboxEmail, Registrar, StaffRequest
from launcher.local_servers import (
    MissingServer,
    create_database,
    postgres_bin_dir,
    postgres_service,
)
from launcher.services import ServiceGroup, free_port
from tests.backend.conftest import (
    Seed,
    app_without_faq,
    service_headers,
    test_settings,
    wait_until,
)
from tests.helpers import server_missing

EMAIL = "lukittu@example.org"


def rows_written(client: TestClient) -> tuple[int, int, int]:
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        return tuple(
            db.scalar(select(func.count()).select_from(model))
            for model in (StaffRequest, AuditEvent, IdempotencyRecord)
        )


def file_unlock(client: TestClient, conversation: str, key: str):
    return client.post(
        "/api/v1/service/unlock-requests",
        json={"conversation_id": conversation, "email": EMAIL},
        headers={**service_headers(client), "Idempotency-Key": key},
    )


def locked_registrar_and_conversation(client: TestClient) -> str:
    seed = Seed(client)
    registrar_id = seed.registrar(email=EMAIL)
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.get(Registrar, registrar_id).locked = True
        db.commit()
    return seed.conversation()


def app_on(url: str, smtp_port: int, log_dir: Path, busy_timeout: float) -> TestClient:
    settings = test_settings(url, smtp_port, log_dir)
    settings.database_busy_timeout_seconds = busy_timeout
    return TestClient(app_without_faq(settings))


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "busy.db"


def hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    """Another writer takes SQLite's write lock and keeps it for `seconds`."""
    locked = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(seconds)
        connection.execute("COMMIT")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(5)
    return thread


def test_a_briefly_busy_sqlite_database_is_waited_for(
    sqlite_path: Path, smtp_server: tuple, tmp_path: Path
) -> None:
    with app_on(f"sqlite:///{sqlite_path}", smtp_server[1], tmp_path, 5.0) as client:
        conversation = locked_registrar_and_conversation(client)
        holder = hold_write_lock(sqlite_path, 1.0)
        started = time.monotonic()
        reply = file_unlock(client, conversation, "busy-1")
        holder.join()
        assert reply.status_code == 202, reply.text
        assert time.monotonic() - started >= 0.9  # it really waited for the lock
        assert rows_written(client)[0] == 1


def test_a_database_locked_too_long_answers_503_and_writes_nothing(
    sqlite_path: Path, smtp_server: tuple, tmp_path: Path
) -> None:
    with app_on(f"sqlite:///{sqlite_path}", smtp_server[1], tmp_path, 0.3) as client:
        conversation = locked_registrar_and_conversation(client)
        before = rows_written(client)
        holder = hold_write_lock(sqlite_path, 2.0)
        reply = file_unlock(client, conversation, "busy-2")
        holder.join()
        assert reply.status_code == 503
        assert reply.headers["Retry-After"] == "2"
        assert "try again" in reply.json()["detail"]
        assert "INSERT" not in reply.text and EMAIL not in reply.text
        assert rows_written(client) == before  # nothing half-written
        retried = file_unlock(client, conversation, "busy-2")
        assert retried.status_code == 202, retried.text
        again = file_unlock(client, conversation, "busy-2")
        assert (again.status_code, again.content) == (retried.status_code, retried.content)
        requests, audits, keys = rows_written(client)
        assert requests == before[0] + 1
        assert audits > before[1] and keys == before[2] + 1


def mails_to(client: TestClient, address: str) -> int:
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        return db.scalar(
            select(func.count()).select_from(OutboxEmail).where(OutboxEmail.to_address == address)
        )


def reset_while_locked(client: TestClient, sqlite_path: Path, lock_seconds: float) -> None:
    """Hand the reset worker a request while another writer holds the database; wait for both."""
    Seed(client).registrar(email=EMAIL)
    worker = client.app.state.reset_worker  # type: ignore[attr-defined]
    holder = hold_write_lock(sqlite_path, lock_seconds)
    client.portal.call(worker.submit, EMAIL)  # type: ignore[union-attr]
    wait_until(lambda: worker.pending == 0)
    holder.join()


def test_the_reset_worker_retries_a_briefly_busy_database(
    sqlite_path: Path, smtp_server: tuple, tmp_path: Path
) -> None:
    with app_on(f"sqlite:///{sqlite_path}", smtp_server[1], tmp_path, 0.2) as client:
        reset_while_locked(client, sqlite_path, 1.5)  # longer than the busy timeout
        assert mails_to(client, EMAIL) == 1


def test_a_reset_the_worker_cannot_write_is_logged_without_the_address(
    sqlite_path: Path, smtp_server: tuple, tmp_path: Path
) -> None:
    with app_on(f"sqlite:///{sqlite_path}", smtp_server[1], tmp_path, 0.2) as client:
        reset_while_locked(client, sqlite_path, 4.0)  # outlasts every attempt
        assert mails_to(client, EMAIL) == 0
    log = (tmp_path / "backend.log").read_text()
    assert "password reset request not handled: OperationalError" in log
    assert EMAIL not in log


@pytest.fixture
def postgres_root() -> Iterator[Path]:
    try:
        postgres_bin_dir()
    except MissingServer as error:
        server_missing(str(error))
    # Not under pytest's tmp_path: its root-only parent folders shut out the postgres user.
    root = Path(tempfile.mkdtemp(prefix="celia-pg-fault-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_a_stopped_postgres_answers_503_and_a_restarted_one_is_used_again(
    postgres_root: Path, smtp_server: tuple, tmp_path: Path
) -> None:
    port = free_port()
    server = ServiceGroup([postgres_service(postgres_root, port)], postgres_root)
    server.start(timeout_seconds=60)
    try:
        url = create_database(port, "celia")
        with app_on(url, smtp_server[1], tmp_path, 2.0) as client:
            conversation = locked_registrar_and_conversation(client)
            before = rows_written(client)
            server.stop()
            started = time.monotonic()
            reply = file_unlock(client, conversation, "down-1")
            assert reply.status_code == 503, reply.text
            assert time.monotonic() - started < 10
            server = ServiceGroup([postgres_service(postgres_root, port)], postgres_root)
            server.start(timeout_seconds=60)
            assert rows_written(client) == before
            retried = file_unlock(client, conversation, "down-1")
            assert retried.status_code == 202, retried.text
            assert rows_written(client)[0] == before[0] + 1
    finally:
        server.stop()
