"""A conversation id alone is not a capability: a bound conversation's replies go only to its
registrar, and an anonymous conversation is bound at log-in only in the browser that holds it."""

from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import log_in_demo_staff
from tests.integration.test_conversation_flows import REGISTRAR, Chat

pytestmark = pytest.mark.integration

OTHER_REGISTRAR = ("korkeakoulu@demo.celia.invalid", "Demo-Korkeakoulu-2025")


@pytest.fixture
def browsers(stack: dict[str, str]) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Two browsers: each keeps its own cookies."""
    with (
        httpx.Client(base_url=stack["backend"], timeout=30) as first,
        httpx.Client(base_url=stack["backend"], timeout=30) as second,
    ):
        yield first, second


def _log_in(client: httpx.Client, account: tuple[str, str], path: str = "/api/v1/auth") -> dict:
    reply = client.post(f"{path}/login", json={"email": account[0], "password": account[1]})
    assert reply.status_code == 200, reply.text
    return {"X-CSRF-Token": reply.json()["csrf_token"]}


def _reply_from_staff(stack: dict[str, str], conversation_id: str, text: str) -> None:
    with httpx.Client(base_url=stack["backend"], timeout=30) as staff:
        csrf = log_in_demo_staff(staff, stack["database_url"])
        queue = staff.get("/api/v1/staff/escalations", params={"limit": 200}).json()["items"]
        escalation = next(e for e in queue if e["conversation_id"] == conversation_id)
        sent = staff.post(
            f"/api/v1/staff/escalations/{escalation['id']}/replies",
            json={"text": text},
            headers=csrf,
        )
        assert sent.status_code == 201, sent.text


def test_replies_of_a_bound_conversation_reach_only_its_registrar(
    browsers: tuple[httpx.Client, httpx.Client], stack: dict[str, str]
) -> None:
    registrar, stranger = browsers
    _log_in(registrar, REGISTRAR)
    chat = Chat(registrar)
    assert "ESC-" in chat.say("haluan puhua ihmiselle")
    _reply_from_staff(stack, str(chat.conversation_id), "Vastaus rekisteröijälle")
    url = f"/api/v1/conversations/{chat.conversation_id}/replies"
    assert [r["text"] for r in registrar.get(url).json()["replies"]] == ["Vastaus rekisteröijälle"]
    anonymous = stranger.get(url)
    assert anonymous.status_code == 403 and "Vastaus" not in anonymous.text
    _log_in(stranger, OTHER_REGISTRAR)
    assert stranger.get(url).status_code == 403


def test_binding_someone_elses_anonymous_conversation_starts_a_new_one(
    browsers: tuple[httpx.Client, httpx.Client], stack: dict[str, str]
) -> None:
    owner, intruder = browsers
    anonymous = Chat(owner)
    assert "ESC-" in anonymous.say("haluan puhua ihmiselle")
    _reply_from_staff(stack, str(anonymous.conversation_id), "Vastaus nimettömälle")
    _log_in(intruder, OTHER_REGISTRAR)
    taken = Chat(intruder)
    taken.conversation_id = anonymous.conversation_id
    taken.say("hei")
    assert taken.conversation_id != anonymous.conversation_id  # a new conversation
    # The old one stays anonymous and its owner's: still handed off, the reply still theirs.
    url = f"/api/v1/conversations/{anonymous.conversation_id}/replies"
    assert [r["text"] for r in owner.get(url).json()["replies"]] == ["Vastaus nimettömälle"]
    assert "välitetty" in anonymous.say("onko uutisia?")


def test_the_browser_holding_an_anonymous_conversation_binds_it_at_log_in(
    browsers: tuple[httpx.Client, httpx.Client],
) -> None:
    owner, _ = browsers
    chat = Chat(owner)
    chat.say("hei")
    started = chat.conversation_id
    _log_in(owner, REGISTRAR)
    chat.say("hei taas")
    assert chat.conversation_id == started  # same browser: the conversation carries on, bound
    owner.cookies.delete("celia_conversation")
    chat.say("vielä kerran")
    assert chat.conversation_id == started  # bound to this registrar: the session suffices


def test_another_browser_with_the_id_of_an_anonymous_conversation_gets_nothing_of_it(
    browsers: tuple[httpx.Client, httpx.Client], stack: dict[str, str]
) -> None:
    """The id alone (a forwarded link, a shoulder-surfed URL) is not the conversation: without
    the browser's cookie it reads no staff reply, leaves no address and continues nothing."""
    owner, stranger = browsers
    anonymous = Chat(owner)
    assert "ESC-" in anonymous.say("haluan puhua ihmiselle")
    _reply_from_staff(stack, str(anonymous.conversation_id), "Vastaus vain omistajalle")
    url = f"/api/v1/conversations/{anonymous.conversation_id}"
    stolen = stranger.get(f"{url}/replies")
    assert stolen.status_code == 404 and "Vastaus" not in stolen.text
    contact = stranger.put(f"{url}/contact-email", json={"email": "evil@example.org"})
    assert contact.status_code == 404
    taken = Chat(stranger)
    taken.conversation_id = anonymous.conversation_id
    taken.say("hei")
    assert taken.conversation_id != anonymous.conversation_id  # a new conversation
    assert [r["text"] for r in owner.get(f"{url}/replies").json()["replies"]] == [
        "Vastaus vain omistajalle"
    ]
