"""No hetu or e-mail address typed into the chat is found in any file the system wrote."""

from pathlib import Path

import httpx
import pytest

from tests.integration.test_conversation_flows import REGISTRAR, Chat

pytestmark = pytest.mark.integration

# Valid by checksum; the first is the demo customer marked for deletion (reactivation flow).
HETUS = ["150162-906P", "010594Y9032", "131052-308T", "020304A123P"]
TYPED_EMAILS = ["nobody.here@kirjasto-example.fi", "kollega.virtanen@koulu-example.fi"]
PASSWORD_LIKE = "Salainen#Sana2024"


def _files_written(workdir: Path) -> list[Path]:
    return [path for path in workdir.rglob("*") if path.is_file()]


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
    files = _files_written(Path(stack["workdir"]))
    names = {path.name for path in files}
    assert {"celia.db", "tracker.db", "backend.log", "rasa.out", "actions.out"} <= names
    leaks = [
        f"{path.relative_to(stack['workdir'])}: {secret}"
        for path in files
        for secret in secrets
        if secret.encode() in path.read_bytes() or secret.lower().encode() in path.read_bytes()
    ]
    assert leaks == []
