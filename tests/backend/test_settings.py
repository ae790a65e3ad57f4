"""Settings added for the registration backend, and the backend tests' own."""

import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from backend.settings import Settings
from tests.backend.conftest import Mailbox
from tests.helpers import closed_port, random_secrets


@pytest.mark.parametrize("months", ["0", "6", "12"])
def test_rotation_is_off_6_or_12_months(months: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**random_secrets(), "PASSWORD_ROTATION_MONTHS": months}.items():
        monkeypatch.setenv(name, value)
    assert Settings().password_rotation_months == int(months)


def test_other_rotation_periods_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**random_secrets(), "PASSWORD_ROTATION_MONTHS": "7"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_the_backend_tests_reach_no_service_they_did_not_start(
    client: TestClient, artifacts: Path, smtp_server: tuple[Mailbox, int]
) -> None:
    """A developer keeps `make run` going beside `make test`, its services on the default
    addresses; the tests' app points at a server the tests started, or at a closed port."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    defaults = {name: field.default for name, field in Settings.model_fields.items()}
    for name in ("rasa_url", "smtp_port", "database_url", "tracker_db", "log_dir"):
        assert getattr(settings, name) != defaults[name], name
    assert settings.rasa_urls == [f"http://127.0.0.1:{closed_port()}"]
    assert settings.smtp_port == smtp_server[1]
    assert settings.tracker_db.is_relative_to(artifacts)
    assert settings.limits_storage_url == "memory://" and settings.tracker_db_url is None
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", closed_port()), timeout=2)
