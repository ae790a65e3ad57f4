"""The launcher as a user runs it: all healthy, a greeting, Ctrl-C leaves nothing behind."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from launcher.paths import PROJECT_ROOT
from launcher.services import free_port, port_is_free
from tests.helpers import chat, listening_pids, random_secrets, texts

pytestmark = pytest.mark.integration


def _launcher_env(tmp_path: Path, faq_index_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    return {
        **os.environ,
        **random_secrets(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'celia.db'}",
        "INDEX_DIR": str(faq_index_dir),
        "LOG_DIR": str(tmp_path / "log"),
        "TRACKER_DB": str(tmp_path / "tracker.db"),
        "BACKEND_PORT": str(ports["backend"]),
        "RASA_PORT": str(ports["rasa"]),
        "ACTION_PORT": str(ports["actions"]),
        "SMTP_PORT": str(ports["smtp"]),
    }


def _wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    seen = []
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        if needle in line:
            return "".join(seen)
    raise AssertionError(f"{needle!r} not printed; output:\n{''.join(seen)}")


def _processes_mentioning(port: int) -> list[str]:
    listing = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in listing.splitlines() if f"--port {port}" in line]


def test_run_serves_a_greeting_and_ctrl_c_stops_everything(
    tmp_path: Path, faq_index_dir: Path, rasa_model_file: Path
) -> None:
    ports = {
        "backend": free_port(),
        "rasa": free_port(),
        "actions": free_port(),
        "smtp": free_port(),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "launcher", "run"],
        cwd=PROJECT_ROOT,
        env=_launcher_env(tmp_path, faq_index_dir, ports),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = _wait_for_line(process, "All services healthy", timeout=240)
        assert f"http://127.0.0.1:{ports['backend']}/" in output
        status, reply = chat(f"http://127.0.0.1:{ports['backend']}", "hei")
        assert status == 200
        assert "Hei!" in texts(reply)
        # The action server dies: it is restarted and the greeting (a custom action) comes back.
        (actions,) = listening_pids(ports["actions"])
        os.kill(actions, signal.SIGKILL)
        restarted = _wait_for_line(process, "actions is healthy again.", timeout=90)
        assert "actions exited with code -9; restarting in 1 s." in restarted
        status, reply = chat(f"http://127.0.0.1:{ports['backend']}", "hei")
        assert status == 200
        assert "Hei!" in texts(reply)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    assert process.returncode == 0
    for port in ports.values():
        assert port_is_free(port), f"port {port} still bound after Ctrl-C"
    assert _processes_mentioning(ports["backend"]) == []
    assert _processes_mentioning(ports["rasa"]) == []


def test_port_in_use_is_named_in_a_clear_message(
    tmp_path: Path, faq_index_dir: Path, rasa_model_file: Path
) -> None:
    ports = {
        "backend": free_port(),
        "rasa": free_port(),
        "actions": free_port(),
        "smtp": free_port(),
    }
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", ports["rasa"]))
        squatter.listen()
        result = subprocess.run(
            [sys.executable, "-m", "launcher", "run"],
            cwd=PROJECT_ROOT,
            env=_launcher_env(tmp_path, faq_index_dir, ports),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"Port {ports['rasa']}" in result.stderr
    assert "RASA_PORT" in result.stderr
    for port in (ports["backend"], ports["actions"]):
        assert port_is_free(port)
