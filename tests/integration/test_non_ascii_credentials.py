"""A non-ASCII byte in a bearer token or a session cookie is a wrong credential (401) on every
process, never a crash (comparing text with non-ASCII characters raises)."""

import httpx
import pytest

pytestmark = pytest.mark.integration

NON_ASCII_BEARER = {b"Authorization": "Bearer tökkö-ääkkönen".encode()}


@pytest.mark.parametrize(
    ("service", "path", "body"),
    [
        ("actions", "/webhook", {"next_action": "action_greet", "sender_id": "x"}),
        ("rasa", "/webhooks/rest/webhook", {"sender": "x", "message": "hei"}),
        ("backend", "/api/v1/service/password-reset", {"email": "a@example.org"}),
    ],
)
def test_a_non_ascii_bearer_token_is_refused(
    stack: dict[str, str], service: str, path: str, body: dict
) -> None:
    reply = httpx.post(f"{stack[service]}{path}", json=body, headers=NON_ASCII_BEARER, timeout=10)
    assert reply.status_code == 401


def test_a_non_ascii_session_cookie_on_the_public_chat_is_ignored(stack: dict[str, str]) -> None:
    reply = httpx.post(
        f"{stack['backend']}/api/v1/chat",
        json={"conversation_id": None, "message": "hei"},
        headers={b"Cookie": "celia_session=tökkö.ääkkönen; celia_conversation=ö.ä".encode()},
        timeout=30,
    )
    assert reply.status_code == 200
    assert "Et ole kirjautunut" in reply.text  # answered as anonymous
