"""Services really down: the user still gets a clear answer, never silence or a stack trace."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from launcher.services import Ports, ServiceGroup, assistant_services
from tests.helpers import chat, random_secrets, say_to_rasa

pytestmark = pytest.mark.integration


def _group(
    names: set[str],
    ports: Ports,
    workdir: Path,
    env: dict[str, str],
    model_file: Path,
    secrets: dict[str, str] | None = None,
) -> ServiceGroup:
    secrets = secrets or random_secrets()
    services = [s for s in assistant_services(ports, secrets, env, model_file) if s.name in names]
    return ServiceGroup(services, workdir / "log")


@pytest.fixture
def backend_without_rasa(
    tmp_path: Path, faq_index_dir: Path, rasa_model_file: Path
) -> Iterator[str]:
    ports = Ports.free()  # nothing on rasa
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "INDEX_DIR": str(faq_index_dir)}
    with _group({"backend"}, ports, tmp_path, env, rasa_model_file):
        yield f"http://127.0.0.1:{ports.backend}"


def test_rasa_down_gives_503_with_a_message(backend_without_rasa: str) -> None:
    status, body = chat(backend_without_rasa, "hei")
    assert status == 503
    assert "palvelut@celia.fi" in body["detail"]


@pytest.fixture
def rasa_without_backend(tmp_path: Path, rasa_model_file: Path) -> Iterator[tuple[str, str, int]]:
    """Rasa's URL, the service token its channel wants, and the backend port nobody serves."""
    ports = Ports.free()  # no backend
    env = {"TRACKER_DB": str(tmp_path / "tracker.db")}
    secrets = random_secrets()
    with _group({"actions", "rasa"}, ports, tmp_path, env, rasa_model_file, secrets):
        yield f"http://127.0.0.1:{ports.rasa}", secrets["SERVICE_TOKEN"], ports.backend


@contextmanager
def silent_server(port: int) -> Iterator[None]:
    """A backend that accepts connections and never answers: slower than any timeout."""
    listener = socket.create_server(("127.0.0.1", port))
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for connection in [*held, listener]:
            connection.close()


def assert_helpful_answer_in_time(rasa: str, token: str, sender: str) -> None:
    started = time.monotonic()
    status, messages = say_to_rasa(rasa, token, sender, "Miten rekisteröin uuden asiakkaan?")
    elapsed = time.monotonic() - started
    assert status == 200
    assert "palvelut@celia.fi" in " ".join(m.get("text", "") for m in messages)
    assert elapsed < 4.0
    # The conversation goes on: a greeting still gets its answer.
    status, messages = say_to_rasa(rasa, token, sender, "hei")
    assert status == 200
    assert "Hei!" in " ".join(m.get("text", "") for m in messages)


def test_backend_down_or_hanging_the_action_answers_helpfully_within_4_s(
    rasa_without_backend: tuple[str, str, int],
) -> None:
    rasa, token, backend_port = rasa_without_backend
    assert_helpful_answer_in_time(rasa, token, "backend-down")  # nothing listens
    with silent_server(backend_port):  # listens, never answers
        assert_helpful_answer_in_time(rasa, token, "backend-hangs")


@pytest.fixture
def stack_without_actions(
    tmp_path: Path, faq_index_dir: Path, rasa_model_file: Path
) -> Iterator[str]:
    ports = Ports.free()  # nothing listens on ports.actions
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "INDEX_DIR": str(faq_index_dir),
        "TRACKER_DB": str(tmp_path / "tracker.db"),
    }
    with _group({"backend", "rasa"}, ports, tmp_path, env, rasa_model_file):
        yield f"http://127.0.0.1:{ports.backend}"


def test_action_server_down_the_user_is_not_left_in_silence(stack_without_actions: str) -> None:
    status, body = chat(stack_without_actions, "Miten rekisteröin uuden asiakkaan?")
    assert status == 200
    assert "palvelut@celia.fi" in " ".join(m["text"] for m in body["messages"])
    status, body = chat(stack_without_actions, "näkemiin")  # a plain response still works
    assert status == 200
    assert "Näkemiin" in body["messages"][0]["text"]
