"""Hand-offs from the chat to Celia staff, and staff replies polled by the widget."""

import pytest
from fastapi.testclient import TestClient

from backend.models import EscalationStatus
from backend.services import escalations
from tests.backend.conftest import Seed, login, service_headers, staff_login

TRANSCRIPT = (
    "user: asiakkaan hetu on 131052-308T ja s-posti aino@example.org\nbot: En osaa vastata."
)


@pytest.fixture
def conversation(seed: Seed) -> str:
    seed.staff()
    return seed.conversation(registrar_id=seed.registrar())


def escalate(client: TestClient, conversation: str, key: str | None = None, **fields: str):
    headers = service_headers(client)
    if key:
        headers["Idempotency-Key"] = key
    body = {
        "conversation_id": conversation,
        "reason": "unanswered_question",
        "transcript": TRANSCRIPT,
        **fields,
    }
    return client.post("/api/v1/service/escalations", json=body, headers=headers)


def handed_off(client: TestClient, conversation: str) -> bool:
    """Whether the conversation is with Celia's staff now (what the chat proxy checks)."""
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        current = escalations.latest_for(db, conversation)
        return current is not None and current.status != EscalationStatus.resolved


def test_create_and_read_the_hand_off(client: TestClient, conversation: str) -> None:
    assert handed_off(client, conversation) is False
    created = escalate(client, conversation)
    assert created.status_code == 201 and created.json()["reference"].startswith("ESC-")
    assert created.json()["registrar_id"] is not None
    assert handed_off(client, conversation) is True
    reused = escalate(client, conversation, reason="asked_for_human")
    assert reused.status_code == 200 and reused.json()["id"] == created.json()["id"]


def test_transcript_is_stored_redacted(client: TestClient, conversation: str) -> None:
    escalation_id = escalate(client, conversation).json()["id"]
    staff_login(client)
    transcript = client.get(f"/api/v1/staff/escalations/{escalation_id}").json()["transcript"]
    assert "131052-308T" not in transcript and "aino@example.org" not in transcript
    assert "[hetu]" in transcript and "En osaa vastata." in transcript


def test_unknown_conversation_and_bad_reason(client: TestClient, conversation: str) -> None:
    assert escalate(client, "0" * 32).status_code == 404
    assert escalate(client, conversation, reason="bored").status_code == 422
    assert escalate(client, "../../etc").status_code == 422
    assert escalate(client, conversation, transcript="x" * 50_001).status_code == 422


def test_idempotent_escalation(client: TestClient, conversation: str) -> None:
    first = escalate(client, conversation, key="esc-1")
    again = escalate(client, conversation, key="esc-1")
    assert (first.status_code, first.content) == (again.status_code, again.content)
    other = escalate(client, conversation, key="esc-1", reason="failed_flow")
    assert other.status_code == 422


def test_staff_handle_and_reply(client: TestClient, conversation: str) -> None:
    escalation_id = escalate(client, conversation).json()["id"]
    headers = staff_login(client)
    staff_id = client.get("/api/v1/staff/auth/me").json()["staff"]["id"]
    listing = client.get("/api/v1/staff/escalations", params={"status": "open"}).json()
    assert listing["total"] == 1 and listing["counts"] == {"open": 1}

    assigned = client.post(
        f"/api/v1/staff/escalations/{escalation_id}/assign",
        json={"assignee_id": staff_id},
        headers=headers,
    )
    assert assigned.json()["escalation"]["status"] == "in_progress"
    client.post(
        f"/api/v1/staff/escalations/{escalation_id}/notes",
        json={"text": "Tarkistan asian."},
        headers=headers,
    )
    replies_url = f"/api/v1/conversations/{conversation}/replies"
    assert client.get(replies_url).status_code == 403  # bound: only its registrar's session
    login(client, "reija@example.org")
    assert client.get(replies_url).json()["replies"] == []  # notes stay internal
    first = client.post(
        f"/api/v1/staff/escalations/{escalation_id}/replies",
        json={"text": "Hei! Asiakas on nyt aktivoitu."},
        headers=headers,
    )
    assert first.status_code == 201
    polled = client.get(replies_url).json()
    assert polled["handed_off"] is True
    assert [r["text"] for r in polled["replies"]] == ["Hei! Asiakas on nyt aktivoitu."]
    since = polled["replies"][-1]["created_at"]
    client.post(
        f"/api/v1/staff/escalations/{escalation_id}/replies",
        json={"text": "Toinen viesti."},
        headers=headers,
    )
    newer = client.get(replies_url, params={"since": since}).json()["replies"]
    assert [r["text"] for r in newer] == ["Toinen viesti."]

    with_hetu = client.post(
        f"/api/v1/staff/escalations/{escalation_id}/replies",
        json={"text": "Hetu 131052-308T on kunnossa"},
        headers=headers,
    )
    assert with_hetu.status_code == 422 and "131052" not in with_hetu.text

    resolved = client.post(
        f"/api/v1/staff/escalations/{escalation_id}/status",
        json={"status": "resolved", "note": "Valmis."},
        headers=headers,
    )
    assert resolved.json()["escalation"]["status"] == "resolved"
    assert client.get(replies_url).json()["handed_off"] is False
    actions = [e["action"] for e in resolved.json()["audit"]]
    assert actions == [
        "escalation.created",
        "escalation.assigned",
        "escalation.note",
        "escalation.reply",
        "escalation.reply",
        "escalation.resolved",
    ]
    audit = client.get("/api/v1/staff/audit", params={"actor_kind": "staff"}).json()
    assert len(audit) == 5


def test_filters_and_counts(client: TestClient, seed: Seed, conversation: str) -> None:
    escalate(client, conversation)
    escalate(client, seed.conversation(), reason="asked_for_human")
    staff_login(client)
    everything = client.get("/api/v1/staff/escalations").json()
    assert everything["total"] == 2 and everything["counts"] == {"open": 2}
    humans = client.get("/api/v1/staff/escalations", params={"reason": "asked_for_human"}).json()
    assert humans["total"] == 1
    assert client.get("/api/v1/staff/escalations", params={"status": "nope"}).status_code == 422


def test_replies_need_a_well_formed_conversation_id(client: TestClient) -> None:
    assert client.get("/api/v1/conversations/'%20OR%201=1/replies").status_code in (404, 422)
    assert client.get(f"/api/v1/conversations/{'a' * 32}/replies").status_code == 404
