"""Scale-out mode, really running: PostgreSQL, Redis, the backend and two Rasa replicas."""

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from backend.demo_data import load_into
from backend.settings import Settings
from launcher import scale_out
from launcher.local_servers import MissingServer
from launcher.services import Ports, ServiceGroup, assistant_services, free_port
from tests.helpers import (
    chat,
    random_secrets,
    say_to_rasa,
    server_missing,
    settings_fields,
    texts,
)

pytestmark = pytest.mark.integration

ASKS_EMAIL = "sähköpostiosoite"
RESET_SENT = "/account/forgot"
TOKEN = random_secrets()["SERVICE_TOKEN"]


@pytest.fixture(scope="module")
def scaled(faq_index_dir: Path, rasa_model_file: Path) -> Iterator[dict]:
    # Not under pytest's tmp_path: its root-only parent folders shut out the postgres user.
    root = Path(tempfile.mkdtemp(prefix="celia-scale-out-"))
    root.chmod(0o755)  # the postgres user must reach its cluster folder inside
    try:
        data = ServiceGroup(scale_out.data_services(root, free_port(), free_port()), root / "log")
    except MissingServer as error:
        server_missing(str(error))
    try:
        with data:
            postgres, redis = data.services
            ports = Ports.free()
            wiring = scale_out.create_databases(
                postgres.port, redis.port, (free_port(), free_port())
            )
            secrets = {**random_secrets(), "SERVICE_TOKEN": TOKEN}
            env = {"INDEX_DIR": str(faq_index_dir), "LOG_DIR": str(root / "log")}
            load_into(
                Settings(
                    database_url=wiring.backend_database_url,
                    **settings_fields(secrets),
                )
            )
            with ServiceGroup(
                assistant_services(ports, secrets, env, rasa_model_file, root / "mail", wiring),
                root / "log",
            ) as group:
                yield {
                    "backend": f"http://127.0.0.1:{ports.backend}",
                    "replicas": [f"http://127.0.0.1:{port}" for port in wiring.rasa_ports],
                    "group": group,
                    "tracker_port": postgres.port,
                    "tracker_db": wiring.tracker_database,
                }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def say_to(replica: str, sender: str, message: str) -> str:
    status, reply = say_to_rasa(replica, TOKEN, sender, message)
    assert status == 200, reply
    return "\n".join(m.get("text", "") for m in reply)


def test_a_form_continues_on_whichever_replica_takes_the_next_turn(scaled: dict) -> None:
    first, second = scaled["replicas"]
    assert ASKS_EMAIL in say_to(first, "alternating-1", "unohdin salasanani")
    assert RESET_SENT in say_to(second, "alternating-1", "joku@koulu.example.invalid")


def test_the_invalid_answer_count_carries_across_replicas(scaled: dict) -> None:
    """Four turns, alternating: the third wrong answer ends the form only if both replicas
    saw the same tracker (the count lives in a slot in PostgreSQL)."""
    first, second = scaled["replicas"]
    say_to(first, "alternating-2", "unohdin salasanani")
    assert "sähköpostiosoitteelta" in say_to(second, "alternating-2", "en muista sitä")
    assert "sähköpostiosoitteelta" in say_to(first, "alternating-2", "matti at koulu piste fi")
    final = say_to(second, "alternating-2", "matti koulu fi")
    assert "kolmella yrityksellä" in final


def test_the_postgres_tracker_store_holds_no_typed_address(scaled: dict) -> None:
    first, second = scaled["replicas"]
    say_to(first, "redaction-1", "unohdin salasanani")
    say_to(second, "redaction-1", "salainen.osoite@koulu.example.invalid")
    with psycopg.connect(
        host="127.0.0.1", port=scaled["tracker_port"], user="postgres", dbname=scaled["tracker_db"]
    ) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = 'redaction-1'"
        ).fetchall()
    assert len(rows) > 4
    assert not [row for row in rows if "salainen.osoite" in row[0]]


def test_the_backend_goes_on_when_one_replica_stops(scaled: dict) -> None:
    """Runs last: it stops the first replica."""
    status, reply = chat(scaled["backend"], "unohdin salasanani")
    assert status == 200 and ASKS_EMAIL in texts(reply)
    conversation = reply["conversation_id"]
    replica = next(s for s in scaled["group"].services if s.name == "rasa-1")
    assert replica.process is not None
    os.killpg(replica.process.pid, signal.SIGTERM)
    replica.process.wait(timeout=30)
    status, reply = chat(scaled["backend"], "toinen@koulu.example.invalid", conversation)
    assert status == 200 and RESET_SENT in texts(reply)
    status, reply = chat(scaled["backend"], "hei")
    assert status == 200 and reply["messages"]
