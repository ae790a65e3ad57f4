"""A working day's conversation (100+ turns) across the tracker store's session bound, through the
real backend, Rasa and action server: the form, the language and the registrar binding carry over,
and the staff see every turn.

The first turn goes through /api/v1/chat (it binds the logged-in registrar to the conversation);
the rest go straight to Rasa's REST channel, as the backend sends them, since the backend allows
30 messages per conversation a minute.
"""

import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.helpers import log_in_demo_staff, say_to_rasa
from tests.integration.test_conversation_flows import Chat, _log_in_registrar

pytestmark = pytest.mark.integration

QUESTIONS = (
    "Hur registrerar jag en ny kund i Celianet?",
    "Jag är ny registrerare på biblioteket, hur går registreringen till?",
    "tack",
)


def _sessions(stack: dict[str, str], conversation_id: str) -> int:
    with sqlite3.connect(Path(stack["workdir"]) / "tracker.db") as db:
        (count,) = db.execute(
            "SELECT count(*) FROM events WHERE sender_id = ? AND type_name = 'session_started'",
            (conversation_id,),
        ).fetchone()
    return int(count)


def test_a_day_long_conversation_keeps_form_language_and_registrar_and_the_staff_see_all(
    stack: dict[str, str], customer_marked_for_deletion: str
) -> None:
    with httpx.Client(base_url=stack["backend"], timeout=30) as client:
        _log_in_registrar(client)
        chat = Chat(client)
        assert "Hej!" in chat.say("hej")
    conversation = chat.conversation_id
    assert conversation is not None
    said = ["hej"]

    def say(text: str) -> str:
        status, messages = say_to_rasa(stack["rasa"], stack["SERVICE_TOKEN"], conversation, text)
        assert status == 200, messages
        said.append(text)
        return "\n".join(m.get("text", "") for m in messages)

    for turn in range(45):
        assert say(QUESTIONS[turn % len(QUESTIONS)])
    assert _sessions(stack, conversation) >= 3  # the bound was crossed, more than once

    offer = say("personbeteckningen används redan men kunden hittas inte")
    assert "Ska jag" in offer or "?" in offer
    assert "personbeteckning" in say("ja")  # the form asks for the hetu, in Swedish
    sessions_with_form = _sessions(stack, conversation)
    for turn in range(20):  # questions inside the form: answered, and the form asks again
        assert "personbeteckning" in say(QUESTIONS[turn % 2])
    assert _sessions(stack, conversation) > sessions_with_form  # the form crossed the bound

    hetu = customer_marked_for_deletion
    wrong = hetu[:-1] + ("A" if hetu[-1] != "A" else "B")
    assert "inte giltig" in say(wrong)  # no language evidence in a hetu: Swedish carried over
    done = say(hetu)
    assert "REQ-" in done and "återaktivering" in done  # filed for the bound registrar
    for turn in range(35):
        say(QUESTIONS[turn % len(QUESTIONS)])
    assert "ESC-" in say("jag vill prata med en människa")
    assert len(said) > 100

    with httpx.Client(base_url=stack["backend"], timeout=30) as staff:
        log_in_demo_staff(staff, stack["database_url"])
        queue = staff.get("/api/v1/staff/escalations").json()["items"]
        escalation = next(e for e in queue if e["conversation_id"] == conversation)
        transcript = staff.get(f"/api/v1/staff/escalations/{escalation['id']}").json()["transcript"]
    user_lines = [line for line in transcript.splitlines() if line.startswith("user: ")]
    assert len(user_lines) == len(said)
    assert user_lines[0] == "user: hej"
    assert user_lines[-1] == "user: jag vill prata med en människa"
    assert hetu not in transcript and "user: [hetu]" in transcript
