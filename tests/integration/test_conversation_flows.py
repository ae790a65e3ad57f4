"""Whole conversations through /api/v1/chat against the real backend, Rasa and action server."""

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import log_in_demo_staff

pytestmark = pytest.mark.integration

REGISTRAR = ("rekisteroija@demo.celia.invalid", "Demo-Rekisteroija-2025")
STAFF = ("celia@demo.celia.invalid", "Demo-Celia-Staff-2025")


class Chat:
    """One browser-like client: keeps cookies and the conversation id."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.conversation_id: str | None = None

    def say(self, message: str) -> str:
        reply = self.client.post(
            "/api/v1/chat", json={"conversation_id": self.conversation_id, "message": message}
        )
        assert reply.status_code == 200, reply.text
        body = reply.json()
        self.conversation_id = body["conversation_id"]
        return "\n".join(m["text"] for m in body["messages"])


@pytest.fixture
def client(stack: dict[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack["backend"], timeout=30) as http:
        yield http


def _log_in_registrar(client: httpx.Client) -> None:
    reply = client.post(
        "/api/v1/auth/login", json={"email": REGISTRAR[0], "password": REGISTRAR[1]}
    )
    assert reply.status_code == 200, reply.text


def test_logged_in_registrar_files_a_reactivation_and_never_sees_the_hetu_echoed(
    client: httpx.Client, customer_marked_for_deletion: str
) -> None:
    hetu = customer_marked_for_deletion
    _log_in_registrar(client)
    chat = Chat(client)
    assert "kirjautunut rekisteröijänä" in chat.say("hei")
    offer = chat.say("hetu on käytössä mutta asiakasta ei löydy")
    assert "poistettavaksi" in offer and "Tehdäänkö?" in offer
    assert "henkilötunnus" in chat.say("kyllä")
    wrong = hetu[:-1] + ("A" if hetu[-1] != "A" else "B")  # wrong check character
    retry = chat.say(wrong)
    assert "ei ole kelvollinen" in retry
    assert wrong not in retry
    done = chat.say(hetu)
    assert "REQ-" in done
    assert f"{hetu[:6]}-****" in done
    assert hetu not in done


def test_anonymous_user_is_told_to_log_in_for_reactivation(client: httpx.Client) -> None:
    chat = Chat(client)
    answer = chat.say("ohjelma sanoo että hetu on jo käytössä mutta asiakasta ei löydy")
    assert "Kirjaudu sisään" in answer


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client: httpx.Client,
) -> None:
    answers = []
    for address in (REGISTRAR[0], "nobody-here@demo.celia.invalid"):
        chat = Chat(client)
        assert "sähköpostiosoite" in chat.say("unohdin salasanani")
        answers.append(chat.say(address))
    assert answers[0] == answers[1]
    assert "linkki uuden salasanan asettamiseen" in answers[0]
    assert "/account/forgot" in answers[0]


def test_three_invalid_answers_end_the_form_with_a_hand_off_offer(client: httpx.Client) -> None:
    chat = Chat(client)
    chat.say("unohdin salasanani")
    assert "sähköpostiosoitteelta" in chat.say("en muista sitä")
    assert "sähköpostiosoitteelta" in chat.say("matti at koulu piste fi")
    final = chat.say("matti koulu fi")
    assert "kolmella yrityksellä" in final
    assert "asiakaspalvelulle" in final


def test_faq_question_inside_a_form_is_answered_and_the_form_resumes(
    client: httpx.Client,
) -> None:
    chat = Chat(client)
    chat.say("I forgot my password")
    interrupted = chat.say("does a child under 15 need a guardian's consent?")
    assert "consent" in interrupted.lower()
    assert "e-mail address" in interrupted  # the form asks again
    assert "cancelled" in chat.say("cancel").lower()


def test_hand_off_keeps_the_bot_quiet_and_the_staff_reply_reaches_the_chat(
    client: httpx.Client, stack: dict[str, str]
) -> None:
    chat = Chat(client)
    handed = chat.say("haluan puhua ihmiselle")
    assert "ESC-" in handed
    quiet = chat.say("asiakkaan hetu on 131052-308T, voitteko katsoa?")
    assert "välitetty" in quiet
    with httpx.Client(base_url=stack["backend"], timeout=30) as staff:
        csrf = log_in_demo_staff(staff, stack["database_url"])
        queue = staff.get("/api/v1/staff/escalations").json()["items"]
        escalation = next(e for e in queue if e["conversation_id"] == chat.conversation_id)
        detail = staff.get(f"/api/v1/staff/escalations/{escalation['id']}").json()
        assert "131052-308T" not in detail["transcript"]
        assert "[hetu]" in detail["transcript"]
        sent = staff.post(
            f"/api/v1/staff/escalations/{escalation['id']}/replies",
            json={"text": "Hei, katsotaan asiaa."},
            headers=csrf,
        )
        assert sent.status_code == 201, sent.text
    deadline = time.monotonic() + 5
    replies: list = []
    while time.monotonic() < deadline and not replies:
        replies = client.get(f"/api/v1/conversations/{chat.conversation_id}/replies").json()[
            "replies"
        ]
        if not replies:
            time.sleep(0.2)
    assert [r["text"] for r in replies] == ["Hei, katsotaan asiaa."]
    assert "peruin" in chat.say("peruuta")
    assert "Hei!" in chat.say("hei")  # the bot answers again
