"""Every hop with real processes: backend -> Rasa -> action server -> backend."""

import urllib.request

import pytest

from tests.helpers import chat, post_json, say_to_rasa, texts

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("message", "greeting", "anonymous_note"),
    [
        ("hei", "Hei! Olen Celian", "Et ole kirjautunut"),
        ("moikka", "Hei! Olen Celian", "Et ole kirjautunut"),
        ("hej", "Hej! Jag är Celias", "Du är inte inloggad"),
        ("hello", "Hello! I am Celia's", "You are not logged in"),
    ],
)
def test_greeting_in_each_language_runs_the_custom_action(
    stack: dict[str, str], message: str, greeting: str, anonymous_note: str
) -> None:
    status, reply = chat(stack["backend"], message)
    assert status == 200
    assert len(reply["conversation_id"]) == 32
    text = texts(reply)
    assert greeting in text
    # Only action_greet, after asking the backend about the conversation, says this:
    assert anonymous_note in text


def test_faq_question_is_answered_with_its_source(stack: dict[str, str]) -> None:
    status, reply = chat(stack["backend"], "Tarvitaanko alle 15-vuotiaalta huoltajan suostumus?")
    assert status == 200
    text = texts(reply)
    assert "huoltajan suostumus" in text
    assert "Lähde:" in text


def test_question_outside_the_faq_is_not_guessed(stack: dict[str, str]) -> None:
    status, reply = chat(stack["backend"], "What is the weather like in Paris tomorrow?")
    assert status == 200
    assert "cannot find an answer" in texts(reply)


def test_issued_conversation_id_is_kept_and_a_foreign_one_is_replaced(
    stack: dict[str, str],
) -> None:
    _, first = chat(stack["backend"], "hei")
    issued = first["conversation_id"]
    _, second = chat(stack["backend"], "kiitos", issued)
    assert second["conversation_id"] == issued
    for foreign in ("0" * 32, "attacker-chosen-id", issued.upper()):
        _, reply = chat(stack["backend"], "hei", foreign)
        assert reply["conversation_id"] not in (foreign, issued)


@pytest.mark.parametrize(
    "payload",
    [
        {"conversation_id": None, "message": ""},
        {"conversation_id": None, "message": "   "},
        {"conversation_id": None, "message": "x" * 2001},
        {"conversation_id": None, "message": 42},
        {"conversation_id": None},
    ],
)
def test_bad_chat_input_gets_a_clear_422(stack: dict[str, str], payload: dict) -> None:
    status, body = post_json(f"{stack['backend']}/api/v1/chat", payload)
    assert status == 422
    assert "message" in body["detail"]
    assert "Traceback" not in str(body)


def test_action_server_refuses_calls_without_the_token(stack: dict[str, str]) -> None:
    call = {"next_action": "action_greet", "sender_id": "x", "tracker": {}, "domain": {}}
    status, _ = post_json(f"{stack['actions']}/webhook", call)
    assert status == 401
    status, _ = post_json(
        f"{stack['actions']}/webhook", call, {"Authorization": "Bearer wrong-token"}
    )
    assert status == 401


def test_rasa_takes_turns_only_from_the_backend(stack: dict[str, str]) -> None:
    """Rasa's channel needs the service token: nobody can post a turn under someone else's
    conversation id past the backend's session binding and limits."""
    for token in (None, "x" * 40):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        status, body = post_json(
            f"{stack['rasa']}/webhooks/rest/webhook",
            {"sender": "someone-elses-conversation", "message": "hei"},
            headers,
        )
        assert status == 401 and body == {"error": "A valid service token is required."}
    status, reply = say_to_rasa(stack["rasa"], stack["SERVICE_TOKEN"], "token-holder", "hei")
    assert status == 200 and reply
    with urllib.request.urlopen(f"{stack['rasa']}/webhooks/rest/", timeout=5) as health:
        assert health.status == 200


def test_service_endpoints_need_the_service_token(stack: dict[str, str]) -> None:
    import urllib.error
    import urllib.request

    url = f"{stack['backend']}/api/v1/service/conversations/abc"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=5)
    assert refused.value.code == 401
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {stack['SERVICE_TOKEN']}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def test_flooding_one_conversation_gets_429_with_retry_after(stack: dict[str, str]) -> None:
    import httpx

    _, first = chat(stack["backend"], "hei")
    conversation_id = first["conversation_id"]
    with httpx.Client(base_url=stack["backend"], timeout=30) as client:
        statuses = []
        for _ in range(35):
            reply = client.post(
                "/api/v1/chat", json={"conversation_id": conversation_id, "message": "kiitos"}
            )
            statuses.append(reply.status_code)
            if reply.status_code == 429:
                assert int(reply.headers["retry-after"]) >= 1
                assert "Too many messages" in reply.json()["detail"]
                break
    assert statuses.count(200) == 30  # 30 per minute per conversation
    assert statuses[-1] == 429
