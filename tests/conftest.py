"""Fixtures shared by the whole suite: a freshly built FAQ index and the running services."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.index import build_index
from knowledge.settings import KnowledgeSettings
from launcher import rasa_model
from launcher.services import Ports, ServiceGroup, assistant_services, free_port
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


def free_ports() -> Ports:
    return Ports(backend=free_port(), rasa=free_port(), actions=free_port())


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, faq_index_dir: Path, rasa_model_file: Path
) -> Iterator[dict[str, str]]:
    """Backend, action server and Rasa, really running on free ports with a fresh database."""
    workdir = tmp_path_factory.mktemp("stack")
    ports = free_ports()
    secrets = random_secrets()
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'celia.db'}",
        "INDEX_DIR": str(faq_index_dir),
        "LOG_DIR": str(workdir / "log"),
    }
    group = ServiceGroup(assistant_services(ports, secrets, env, rasa_model_file), workdir / "log")
    try:
        group.start()
        yield {
            "backend": f"http://127.0.0.1:{ports.backend}",
            "rasa": f"http://127.0.0.1:{ports.rasa}",
            "actions": f"http://127.0.0.1:{ports.actions}",
            "workdir": str(workdir),
            **secrets,
        }
    finally:
        group.stop()
