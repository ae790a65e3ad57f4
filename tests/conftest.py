"""Fixtures shared by the whole suite: a freshly built FAQ index and the running services."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from backend.demo_data import load_into
from backend.settings import Settings
from knowledge.index import build_index
from knowledge.settings import KnowledgeSettings
from launcher import rasa_model
from launcher.services import Ports, ServiceGroup, assistant_services
from tests.helpers import random_secrets, settings_fields

# The actions' and Rasa extensions' unit tests import rasa-sdk and Rasa, which only the Rasa
# environment has: tests/test_actions_unit.py and tests/test_rasa_ext_unit.py run them there.
collect_ignore = ["actions", "rasa_ext"]

# What a test needs, read from the fixtures it uses: `make test-unit` deselects by these marks.
_NEEDS = {
    "rasa": {"stack", "rasa_model_file"},
    "postgres": {"postgres_url", "postgres_root", "scaled"},
    "redis": {"scaled", "redis_url"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        if "postgresql" in (params.get("running_app"), params.get("shared_database")):
            used.add("postgres_url")
        for mark, fixtures in _NEEDS.items():
            if used & fixtures:
                item.add_marker(mark)
        if "browser" in item.path.parts:
            item.add_marker("browser")


@pytest.fixture(scope="session")
def faq_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real FAQ, built from scratch once per test session."""
    index_dir = tmp_path_factory.mktemp("faq-index") / "index"
    build_index(KnowledgeSettings(index_dir=index_dir))
    return index_dir


@pytest.fixture(scope="session")
def knowledge_settings(faq_index_dir: Path) -> KnowledgeSettings:
    return KnowledgeSettings(index_dir=faq_index_dir)


@pytest.fixture(scope="session")
def rasa_model_file() -> Path:
    """The Rasa model, trained now if its inputs changed since the last training."""
    rasa_model.train_if_stale(Path(os.environ.get("LOG_DIR", "var/log")) / "rasa-train.log")
    return rasa_model.MODEL_FILE


@contextmanager
def running_stack(
    workdir: Path,
    faq_index_dir: Path,
    rasa_model_file: Path,
    *,
    demo_data: bool,
    extra_env: dict[str, str] | None = None,
) -> Iterator[dict[str, str]]:
    """Mail catcher, backend, action server and Rasa, really running on free ports, with a fresh
    database (holding the demo data of backend/demo_data.py when `demo_data`); `extra_env`
    adds settings."""
    ports = Ports.free()
    secrets = random_secrets()
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'celia.db'}",
        "INDEX_DIR": str(faq_index_dir),
        "LOG_DIR": str(workdir / "log"),
        "TRACKER_DB": str(workdir / "tracker.db"),
        "LOGIN_PER_CLIENT_PER_MINUTE": "1000",  # every test logs in from the same address
        "PASSWORD_RESET_PER_CLIENT_PER_HOUR": "1000",
        "REGISTRATIONS_PER_CLIENT_PER_HOUR": "1000",
        "PUBLIC_URL": f"http://127.0.0.1:{ports.backend}",  # links in mail
        "EMAIL_SEND_INTERVAL_SECONDS": "0.5",
        **(extra_env or {}),
    }
    if demo_data:
        load_into(Settings(**settings_fields({**secrets, **env})))
    with ServiceGroup(
        assistant_services(ports, secrets, env, rasa_model_file, workdir / "mail"),
        workdir / "log",
    ):
        yield {
            "backend": f"http://127.0.0.1:{ports.backend}",
            "rasa": f"http://127.0.0.1:{ports.rasa}",
            "actions": f"http://127.0.0.1:{ports.actions}",
            "database_url": env["DATABASE_URL"],
            "workdir": str(workdir),
            "mail_dir": str(workdir / "mail"),
            **secrets,
        }


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, faq_index_dir: Path, rasa_model_file: Path
) -> Iterator[dict[str, str]]:
    """The services with the demo data loaded (accounts in backend/demo_data.py)."""
    workdir = tmp_path_factory.mktemp("stack")
    with running_stack(workdir, faq_index_dir, rasa_model_file, demo_data=True) as started:
        yield started


def make_test_hetu(day: int, month: int, year: int, individual: int) -> str:
    """A hetu valid by checksum, in the temporary 900-999 range (no real person's)."""
    sign = "-" if year < 2000 else "A"
    birth = f"{day:02d}{month:02d}{year % 100:02d}"
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(f"{birth}{individual:03d}") % 31]
    return f"{birth}{sign}{individual:03d}{check}"


@pytest.fixture
def customer_marked_for_deletion(stack: dict[str, str]) -> str:
    """A fresh DEMO customer marked for deletion in the registrar's library; returns the hetu."""
    import itertools

    from sqlalchemy import select

    from backend.db import Database
    from backend.models import Customer, CustomerStatus, Unit
    from backend.security import Security

    settings = Settings(
        database_url=stack["database_url"],
        **settings_fields(
            {k: stack[k] for k in ("SERVICE_TOKEN", "HETU_HMAC_KEY", "SESSION_SECRET")}
        ),
    )
    security = Security(settings)
    database = Database(settings.database_url)
    try:
        with database.sessions() as db:
            for individual in itertools.count(950):
                hetu = make_test_hetu(14, 3, 1988, individual)
                if (
                    db.scalar(
                        select(Customer).where(Customer.hetu_hmac == security.hetu_hmac(hetu))
                    )
                    is None
                ):
                    break
            library = db.scalar(select(Unit).where(Unit.name.like("DEMO%kirjasto%")))
            db.add(
                Customer(
                    hetu_hmac=security.hetu_hmac(hetu),
                    hetu_encrypted=security.encrypt_hetu(hetu),
                    first_name="Testi",
                    last_name="Poistettava",
                    unit=library,
                    status=CustomerStatus.marked_for_deletion,
                )
            )
            db.commit()
    finally:
        database.engine.dispose()
    return hetu
