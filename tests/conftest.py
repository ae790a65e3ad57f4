"""Fixtures shared by the whole suite: a freshly built FAQ index and the running services."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.demo_data import load_into
from backend.settings import Settings
from knowledge.index import build_index
from knowledge.settings import KnowledgeSettings
from launcher import rasa_model
from launcher.services import Ports, ServiceGroup, assistant_services
from tests.helpers import random_secrets


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


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, faq_index_dir: Path, rasa_model_file: Path
) -> Iterator[dict[str, str]]:
    """Mail catcher, backend, action server and Rasa, really running on free ports, with a fresh
    database holding the demo data (accounts in backend/demo_data.py)."""
    workdir = tmp_path_factory.mktemp("stack")
    ports = Ports.free()
    secrets = random_secrets()
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'celia.db'}",
        "INDEX_DIR": str(faq_index_dir),
        "LOG_DIR": str(workdir / "log"),
        "TRACKER_DB": str(workdir / "tracker.db"),
    }
    load_into(Settings(**{k.lower(): v for k, v in {**secrets, **env}.items()}))
    group = ServiceGroup(
        assistant_services(ports, secrets, env, rasa_model_file, workdir / "mail"),
        workdir / "log",
    )
    try:
        group.start()
        yield {
            "backend": f"http://127.0.0.1:{ports.backend}",
            "rasa": f"http://127.0.0.1:{ports.rasa}",
            "actions": f"http://127.0.0.1:{ports.actions}",
            "database_url": env["DATABASE_URL"],
            "workdir": str(workdir),
            "mail_dir": str(workdir / "mail"),
            **secrets,
        }
    finally:
        group.stop()
