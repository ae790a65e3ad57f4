"""No hetu or e-mail address typed into the chat is found in any file the system wrote."""

import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from launcher.paths import APP_PYTHON
from launcher.services import Service, ServiceGroup, free_port
from privacy.redaction import HETU_MASK
from tests.conftest import make_test_hetu
from tests.helpers import random_secrets, say_to_rasa
from tests.integration.test_conversation_flows import REGISTRAR, Chat

pytestmark = pytest.mark.integration

# Valid by checksum; the first is the demo customer marked for deletion (reactivation flow).
HETUS = ["150162-906P", "010594Y9032", "131052-308T", "020304A123P"]
TYPED_EMAILS = ["nobody.here@kirjasto-example.fi", "kollega.virtanen@koulu-example.fi"]
PASSWORD_LIKE = "Salainen#Sana2024"


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.1)


def _files_written(workdir: Path) -> list[Path]:
    return [path for path in workdir.rglob("*") if path.is_file()]


def _leaks(workdir: Path, secrets: list[str]) -> list[str]:
    return [
        f"{path.relative_to(workdir)}: {secret}"
        for path in _files_written(workdir)
        for secret in secrets
        if secret.encode() in path.read_bytes() or secret.lower().encode() in path.read_bytes()
    ]


def test_conversations_with_personal_data_leave_none_at_rest(stack: dict[str, str]) -> None:
    with httpx.Client(base_url=stack["backend"], timeout=30) as client:
        credentials = {"email": REGISTRAR[0], "password": REGISTRAR[1]}
        assert client.post("/api/v1/auth/login", json=credentials).status_code == 200
        chat = Chat(client)
        chat.say("hetu on käytössä mutta asiakasta ei löydy")
        chat.say("kyllä")
        chat.say(HETUS[0])
        chat.say(f"toinen asiakas {HETUS[1]} ja salasanani on {PASSWORD_LIKE}")
        chat.say("unohdin salasanani")
        chat.say(TYPED_EMAILS[0])
    with httpx.Client(base_url=stack["backend"], timeout=30) as anonymous:
        chat = Chat(anonymous)
        chat.say(f"haluan puhua ihmiselle, asiakkaan hetu on {HETUS[2]}")
        chat.say(f"kollegan osoite on {TYPED_EMAILS[1]} ja toinen hetu {HETUS[3]}")

    secrets = [*HETUS, *(h.replace("-", "") for h in HETUS), *TYPED_EMAILS, PASSWORD_LIKE]
    names = {path.name for path in _files_written(Path(stack["workdir"]))}
    assert {"celia.db", "tracker.db", "backend.log", "rasa.out", "actions.out"} <= names
    assert _leaks(Path(stack["workdir"]), secrets) == []


def test_an_exception_inside_a_request_leaves_no_personal_data(
    tmp_path: Path, faq_index_dir: Path
) -> None:
    """A bug whose exception holds the request body (hetu, address) is logged redacted by
    uvicorn and the backend alike, in backend.log and in the process's own output."""
    port = free_port()
    env = {
        **random_secrets(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'celia.db'}",
        "INDEX_DIR": str(faq_index_dir),
        "LOG_DIR": str(tmp_path / "log"),
        "PYTHONUNBUFFERED": "1",
    }
    argv = [str(APP_PYTHON), "-m", "uvicorn", "tests.integration.raising_backend:create_app"]
    argv += ["--factory", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with ServiceGroup([Service("backend", port, "BACKEND_PORT", argv, "/healthz", env)], tmp_path):
        reply = httpx.post(
            f"http://127.0.0.1:{port}/test/fail",
            json={"hetu": HETUS[2], "email": TYPED_EMAILS[0]},
            timeout=30,
        )
    assert reply.status_code == 500
    assert HETUS[2] not in reply.text and TYPED_EMAILS[0] not in reply.text
    output = (tmp_path / "backend.out").read_text()
    assert "Traceback" in output and "[hetu]" in output  # uvicorn logged it, redacted
    assert _leaks(tmp_path, [HETUS[2], HETUS[2].replace("-", ""), TYPED_EMAILS[0]]) == []


def _forms_of(hetu: str) -> list[str]:
    """The hetu as typed, without its sign, compact and spaced: none may be found at rest."""
    return [hetu, hetu.replace("-", ""), f"{hetu[:2]} {hetu[2:4]} {hetu[4:]}"]


def test_a_warning_quoting_a_message_reaches_rasa_out_redacted(stack: dict[str, str]) -> None:
    """Rasa's "Failed to parse arguments in line '/inform{...}'" warning quotes the text as
    typed; it is logged, through the redacting filter, like any other line of Rasa's."""
    hetu = make_test_hetu(3, 4, 1971, 941)
    status, _ = say_to_rasa(
        stack["rasa"], stack["SERVICE_TOKEN"], uuid.uuid4().hex, f'/inform{{"hetu": {hetu}}}'
    )
    assert status == 200
    rasa_out = Path(stack["workdir"]) / "log" / "rasa.out"
    wait_for(lambda: "Failed to parse arguments" in rasa_out.read_text())
    warning = next(
        line for line in rasa_out.read_text().splitlines() if "Failed to parse arguments" in line
    )
    assert "py.warnings" in warning and HETU_MASK in warning
    assert _leaks(Path(stack["workdir"]), _forms_of(hetu)) == []


def test_the_public_chat_passes_no_typed_intent_to_rasa(stack: dict[str, str]) -> None:
    """A typed "/inform{...}" would set the hetu slot past the form's validation: the backend
    sends it to Rasa as plain text; only the payloads of the bot's own buttons pass. A hetu
    typed with spaces is masked at rest like any other."""
    hetu = make_test_hetu(4, 5, 1972, 942)
    spaced, marker = f"{hetu[:2]} {hetu[2:4]} {hetu[4:]}", uuid.uuid4().hex
    with httpx.Client(base_url=stack["backend"], timeout=30) as client:
        chat = Chat(client)
        chat.say(f'/inform{{"hetu": "{hetu}"}}')
        chat.say(f'/inform{{"hetu": {hetu}, "note": "{marker}"}}')
        chat.say(f"asiakkaan hetu on {spaced}")
        chat.say("/deny")
    with sqlite3.connect(Path(stack["workdir"]) / "tracker.db") as tracker:
        rows = tracker.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name IN ('user', 'slot')",
            (chat.conversation_id,),
        ).fetchall()
    events = [json.loads(data) for (data,) in rows]
    typed = [event["text"] for event in events if event["event"] == "user"]
    assert typed[0].startswith('inform{"hetu": "[hetu]"}') and typed[-1] == "/deny"
    assert not any(event.get("name") == "hetu" and event.get("value") for event in events)
    rasa_out = (Path(stack["workdir"]) / "log" / "rasa.out").read_text().splitlines()
    assert not any("Failed to parse" in line and marker in line for line in rasa_out)
    assert _leaks(Path(stack["workdir"]), [*_forms_of(hetu), spaced]) == []
