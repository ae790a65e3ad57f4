import socket
from pathlib import Path

import pytest

from launcher import rasa_model
from launcher.secrets_file import SECRET_NAMES, ensure_secrets
from launcher.services import PortInUse, Ports, ServiceGroup, assistant_services


def test_secrets_are_generated_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in SECRET_NAMES:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "secrets.env"
    first = ensure_secrets(path)
    assert set(first) == set(SECRET_NAMES)
    assert all(len(value) >= 32 for value in first.values())
    assert ensure_secrets(path) == first
    assert path.stat().st_mode & 0o077 == 0


def test_environment_overrides_the_secrets_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVICE_TOKEN", "x" * 40)
    assert ensure_secrets(tmp_path / "s.env")["SERVICE_TOKEN"] == "x" * 40


def test_fingerprint_changes_when_training_data_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("config.yml", "domain.yml"):
        (tmp_path / name).write_text(name)
    (tmp_path / "bot").mkdir()
    (tmp_path / "rasa_ext").mkdir()
    nlu = tmp_path / "bot" / "nlu.yml"
    nlu.write_text("a")
    monkeypatch.setattr(rasa_model, "PROJECT_ROOT", tmp_path)
    before = rasa_model.fingerprint()
    assert rasa_model.fingerprint() == before
    nlu.write_text("b")
    assert rasa_model.fingerprint() != before


def test_a_busy_port_is_reported_with_its_variable(tmp_path: Path) -> None:
    ports = Ports.free()
    group = ServiceGroup(assistant_services(ports, {}), tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", ports.actions))
        with pytest.raises(PortInUse, match=rf"Port {ports.actions} .*ACTION_PORT"):
            group.check_ports()
