"""Fixtures for the registration backend: one app per database (SQLite and a throwaway
PostgreSQL cluster), a real local SMTP server, and a clean database for every test."""

import email
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from stdnum.fi import hetu as stdnum_hetu

from backend.db import Base
from backend.main import create_app
from backend.models import (
    Conversation,
    Customer,
    CustomerStatus,
    Delivery,
    OutboxEmail,
    Registrar,
    RegistrarRole,
    RegistrarStatus,
    StaffRole,
    Unit,
    UnitKind,
)
from backend.security import Security
from backend.services import second_factor
from backend.services.access import make_main_user
from backend.services.staff_accounts import create_staff_user
from backend.sessions import CONVERSATION_COOKIE
from backend.settings import Settings
from launcher.local_servers import MissingServer, create_database, postgres_service, redis_service
from launcher.services import ServiceGroup, free_port
from privacy.redaction import HETU_PATTERN
from tests.helpers import (
    TOTP_SECRET,
    closed_port,
    fresh_totp_code,
    last_totp_step,
    random_secrets,
    server_missing,
    settings_fields,
)

PASSWORD = "Kirjasto-Salasana-42"
CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGNS = {1800: "+", 1900: "-", 2000: "A"}


def make_hetu(born: date, individual: int = 123, sign: str | None = None) -> str:
    """A valid hetu for a birth date (individual 900–999 gives a temporary one)."""
    digits = f"{born:%d%m%y}{individual:03d}"
    return (
        f"{born:%d%m%y}{sign or CENTURY_SIGNS[born.year // 100 * 100]}{individual:03d}"
        + (CHECK_CHARS[int(digits) % 31])
    )


def years_ago(years: int, days: int = 0) -> date:
    today = date.today()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return date.fromordinal(born.toordinal() - days)


# --- SMTP ------------------------------------------------------------------------------------


class Mailbox:
    """What a real aiosmtpd server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} mail(s) to {address}, got {len(self.to(address))}")

    def last_body(self, address: str, count: int = 1) -> str:
        return self.wait_for(address, count)[-1].get_content()


def start_smtp(mailbox: Mailbox, port: int) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox, port = Mailbox(), free_port()
    controller = start_smtp(mailbox, port)
    yield mailbox, port
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: tuple[Mailbox, int]) -> Mailbox:
    smtp_server[0].clear()
    return smtp_server[0]


# --- PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server on a free port, for the whole session."""
    # Not under pytest's tmp_path: its root-only parent folders shut out the postgres user.
    root = Path(tempfile.mkdtemp(prefix="celia-pg-"))
    try:
        server = postgres_service(root, free_port())
    except MissingServer as error:
        server_missing(f"{error}: the PostgreSQL half of the backend tests did not run")
    try:
        with ServiceGroup([server], root):
            yield create_database(server.port, "celia")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis server on a free port, for the whole session."""
    try:
        server = redis_service(free_port())
    except MissingServer as error:
        pytest.fail(f"{error} (the Makefile's system-packages step installs it)")
    with ServiceGroup([server], tmp_path_factory.mktemp("redis")):
        yield f"redis://127.0.0.1:{server.port}/0"


# --- the app -----------------------------------------------------------------------------------


class _FaqStub:
    """The FAQ index is the platform's concern; these tests only need the app to start
    (and one entry to give feedback on)."""

    entries: ClassVar[dict[str, Any]] = {
        "how-to-register": {"questions": {"fi": ["Miten rekisteröin asiakkaan?"]}}
    }


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the SQLite file and the logs live; scanned for plaintext hetus at the end."""
    root = tmp_path_factory.mktemp("backend")
    yield root
    leaks = hetus_in_files([*root.rglob("*.db*"), *root.rglob("*.log")])
    assert not leaks, f"plaintext hetu found at rest in: {sorted(leaks)}"


def hetus_in_files(paths: list[Path]) -> set[str]:
    """Files holding a valid hetu anywhere (names only, never the hetu itself)."""
    found = set()
    for path in paths:
        content = path.read_bytes().decode("latin-1")
        for match in HETU_PATTERN.finditer(content):
            if stdnum_hetu.is_valid(re.sub(r"\s", "", match.group(0)), allow_temporary=True):
                found.add(path.name)
    return found


def test_settings(database_url: str, smtp_port: int, log_dir: Path) -> Settings:
    """No Rasa runs in the backend tests: its address refuses connections (never the default
    :5005, where a developer's running assistant answers), and Rasa's tracker database is a
    file of the test's own, beside its logs."""
    return Settings(
        database_url=database_url,
        log_dir=log_dir,
        smtp_port=smtp_port,
        rasa_url=f"http://127.0.0.1:{closed_port()}",
        tracker_db=log_dir.parent / "tracker.db",
        email_send_interval_seconds=0.05,
        email_retry_base_seconds=0.2,
        email_retry_max_seconds=0.5,
        argon2_time_cost=1,
        argon2_memory_kib=256,
        argon2_parallelism=1,
        login_per_client_per_minute=10_000,  # every test logs in from the same address
        **settings_fields(random_secrets()),
    )


test_settings.__test__ = False  # type: ignore[attr-defined]


def app_without_faq(settings: Settings) -> FastAPI:
    """The backend app with a stub in place of the FAQ index (not needed by these tests)."""
    return create_app(settings, load_faq=_FaqStub)  # type: ignore[arg-type]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def running_app(
    request: pytest.FixtureRequest,
    artifacts: Path,
    smtp_server: tuple[Mailbox, int],
) -> Iterator[TestClient]:
    if request.param == "sqlite":
        url = f"sqlite:///{artifacts / 'celia-test.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    settings = test_settings(url, smtp_server[1], artifacts / "log")
    with TestClient(app_without_faq(settings)) as client:
        yield client


WIPE_ATTEMPTS = 5


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.02)


def _drain_outbox(client: TestClient) -> None:
    """Wait until every reset request is handled and every queued mail delivered, so none
    reaches the next test's mailbox."""
    wait_until(lambda: client.app.state.reset_worker.pending == 0)  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        while db.scalar(select(func.count()).where(OutboxEmail.sent_at.is_(None))):
            assert time.monotonic() < deadline, "the outbox did not drain"
            time.sleep(0.02)
            db.rollback()


def _wipe(client: TestClient) -> None:
    """Empty every table. On PostgreSQL the TRUNCATE may deadlock with a background job of the
    running app (the report rollup, retention) and be the one aborted: then it is tried again."""
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    tables = list(reversed(Base.metadata.sorted_tables))
    for attempt in range(WIPE_ATTEMPTS):
        try:
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":
                    names = ", ".join(table.name for table in tables)
                    connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                else:
                    for table in tables:
                        connection.execute(table.delete())
            return
        except OperationalError as error:
            if "deadlock" not in str(error).lower() or attempt == WIPE_ATTEMPTS - 1:
                raise
            time.sleep(0.2)


@pytest.fixture
def client(running_app: TestClient, mailbox: Mailbox) -> Iterator[TestClient]:
    """The app with an empty database, no cookies and the default settings."""
    settings: Settings = running_app.app.state.settings  # type: ignore[attr-defined]
    saved = settings.model_dump()
    running_app.cookies.clear()
    yield running_app
    for name, value in saved.items():
        setattr(settings, name, value)
    _drain_outbox(running_app)
    _wipe(running_app)
    running_app.app.state.limits.reset()  # type: ignore[attr-defined]
    mailbox.clear()


# --- data ---------------------------------------------------------------------------------------


@dataclass
class Seed:
    """Creates rows directly, for the state a test starts from."""

    client: TestClient

    def _session(self) -> Session:
        return self.client.app.state.db.sessions()  # type: ignore[attr-defined]

    @property
    def security(self) -> Security:
        security: Security = self.client.app.state.security  # type: ignore[attr-defined]
        return security

    def unit(self, name: str = "Testikirjasto", kind: UnitKind = UnitKind.library) -> int:
        with self._session() as db:
            unit = Unit(name=name, kind=kind)
            db.add(unit)
            db.commit()
            return unit.id

    def registrar(
        self,
        email: str = "reija@example.org",
        units: tuple[int, ...] = (),
        role: RegistrarRole = RegistrarRole.registrar,
        password: str = PASSWORD,
    ) -> int:
        """A verified registrar in `units`, with `role` in each of them."""
        with self._session() as db:
            registrar = Registrar(
                email=email,
                first_name="Reija",
                last_name="Rekisteröijä",
                status=RegistrarStatus.active,
                password_hash=self.security.hash_password(password),
                units=[db.get(Unit, unit_id) for unit_id in units],
            )
            db.add(registrar)
            if role == RegistrarRole.main_user:
                for unit in registrar.units:
                    make_main_user(db, registrar, unit)
            db.commit()
            return registrar.id

    def staff(
        self,
        email: str = "sirpa@celia.fi",
        password: str = PASSWORD,
        role: StaffRole = StaffRole.agent,
        enrolled: bool = True,
    ) -> int:
        """A staff user; enrolled with TOTP_SECRET unless `enrolled` is False."""
        with self._session() as db:
            staff = create_staff_user(db, self.security, email, "Sirpa Celiasta", password, role)
            if enrolled:
                second_factor.enrol_known_secret(db, self.security, staff, TOTP_SECRET)
            db.commit()
            return staff.id

    def customer(
        self,
        hetu: str,
        unit_id: int,
        status: CustomerStatus = CustomerStatus.active,
        delivery: Delivery = Delivery.online,
    ) -> int:
        with self._session() as db:
            customer = Customer(
                hetu_hmac=self.security.hetu_hmac(hetu),
                hetu_encrypted=self.security.encrypt_hetu(hetu),
                first_name="Aino",
                last_name="Asiakas",
                unit_id=unit_id,
                status=status,
                delivery=delivery,
            )
            db.add(customer)
            db.commit()
            return customer.id

    def conversation(self, registrar_id: int | None = None) -> str:
        """A conversation; an anonymous one is held by the client, as by the browser that
        started it (its signed cookie)."""
        with self._session() as db:
            conversation = Conversation(id=os.urandom(16).hex(), registrar_id=registrar_id)
            db.add(conversation)
            db.commit()
        if registrar_id is None:
            self.hold(conversation.id)
        return conversation.id

    def hold(self, conversation_id: str) -> None:
        """Give the client the conversation's cookie, as the chat route does."""
        signature = self.security.sign(f"conversation:{conversation_id}")
        self.client.cookies.set(CONVERSATION_COOKIE, f"{conversation_id}.{signature}")

    def get(self, model: type, row_id: Any) -> Any:
        with self._session() as db:
            return db.get(model, row_id)

    def unit_ids_of(self, registrar_id: int) -> set[int]:
        with self._session() as db:
            registrar = db.get(Registrar, registrar_id)
            assert registrar is not None
            return {unit.id for unit in registrar.units}


@pytest.fixture
def seed(client: TestClient) -> Seed:
    return Seed(client)


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Log a registrar in; the headers carry the CSRF token for state-changing calls."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


def staff_code(client: TestClient, email: str = "sirpa@celia.fi") -> str:
    """A TOTP code the app accepts now for an enrolled staff user of the seed."""
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        return fresh_totp_code(TOTP_SECRET, last_totp_step(db, email))


def staff_login(client: TestClient, email: str = "sirpa@celia.fi") -> dict[str, str]:
    """Log an enrolled staff user in: password, then a fresh TOTP code."""
    response = client.post("/api/v1/staff/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["stage"] == "second_factor", response.text
    headers = {"X-CSRF-Token": response.json()["csrf_token"]}
    done = client.post(
        "/api/v1/staff/auth/second-factor",
        json={"code": staff_code(client, email)},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    return headers


def service_headers(client: TestClient) -> dict[str, str]:
    token = client.app.state.settings.service_token.get_secret_value()  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {token}"}
