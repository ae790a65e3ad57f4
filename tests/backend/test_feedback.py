"""POST /api/v1/feedback and the staff report of answer feedback (issue 16)."""

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.models import AnswerFeedback
from tests.backend.conftest import Seed, make_hetu, staff_login

ENTRY = "how-to-register"


def vote(client: TestClient, conversation: str, helpful: bool, comment: str | None = None):
    """A vote on the answer id the chat would have issued with ENTRY in the conversation."""
    return client.post(
        "/api/v1/feedback",
        json={
            "conversation_id": conversation,
            "entry_id": ENTRY,
            "answer_id": Seed(client).security.answer_id(conversation, ENTRY),
            "helpful": helpful,
            "comment": comment,
        },
    )


def test_a_vote_with_a_hetu_in_the_comment_is_stored_redacted_and_reported(
    client: TestClient, seed: Seed
) -> None:
    hetu = make_hetu(date(2010, 3, 4), 912)
    no = vote(client, seed.conversation(), False, f"Ei auttanut asiakasta {hetu}")
    assert no.status_code == 201, no.text
    assert vote(client, seed.conversation(), True).status_code == 201
    assert vote(client, seed.conversation(), False).status_code == 201
    with seed._session() as db:
        stored = db.scalars(select(AnswerFeedback.comment)).all()
    assert all(hetu not in (comment or "") for comment in stored)

    seed.staff()
    headers = staff_login(client)
    report = client.get("/api/v1/staff/insights/answer-feedback", headers=headers).json()
    (entry,) = report["entries"]
    assert (entry["entry_id"], entry["no"], entry["yes"]) == (ENTRY, 2, 1)
    (comment,) = entry["comments"]
    assert hetu not in comment["comment"] and "Ei auttanut asiakasta" in comment["comment"]
    assert comment["helpful"] is False


def test_one_vote_per_answer(client: TestClient, seed: Seed) -> None:
    conversation = seed.conversation()
    assert vote(client, conversation, True).status_code == 201
    second = vote(client, conversation, False)
    assert second.status_code == 409 and "already" in second.json()["detail"]


def test_unknown_entry_or_conversation_and_bad_input(client: TestClient, seed: Seed) -> None:
    conversation = seed.conversation()
    unknown_entry = client.post(
        "/api/v1/feedback",
        json={"conversation_id": conversation, "entry_id": "no-such", "helpful": True},
    )
    assert unknown_entry.status_code == 422
    assert vote(client, "0" * 32, True).status_code == 404
    assert vote(client, conversation, True, "x" * 1001).status_code == 422
    assert client.post("/api/v1/feedback", json={"helpful": "maybe"}).status_code == 422


def test_a_registrars_conversation_takes_votes_only_from_that_registrar(
    client: TestClient, seed: Seed
) -> None:
    conversation = seed.conversation(registrar_id=seed.registrar())
    assert vote(client, conversation, True).status_code == 404


def test_the_report_is_for_staff_only(client: TestClient) -> None:
    assert client.get("/api/v1/staff/insights/answer-feedback").status_code == 401


def test_votes_are_rate_limited_per_client(client: TestClient, seed: Seed) -> None:
    limit = client.app.state.settings.feedback_per_client_per_minute  # type: ignore[attr-defined]
    codes = [vote(client, seed.conversation(), True).status_code for _ in range(limit + 1)]
    assert codes[:limit] == [201] * limit
    assert codes[-1] == 429


def test_a_vote_needs_the_answer_id_the_chat_issued_for_that_entry(
    client: TestClient, seed: Seed
) -> None:
    """An entry never shown in the conversation cannot be voted on: the id is the backend's
    keyed signature of the conversation and the entry, so it cannot be guessed or reused."""
    conversation, other = seed.conversation(), seed.conversation()
    security = seed.security

    def vote_with(answer_id: str | None, entry: str = ENTRY) -> int:
        body = {"conversation_id": conversation, "entry_id": entry, "helpful": False}
        if answer_id is not None:
            body["answer_id"] = answer_id
        return client.post("/api/v1/feedback", json=body).status_code

    assert vote_with(None) == 422
    assert vote_with("0" * 32) == 422
    assert vote_with(security.answer_id(other, ENTRY)) == 422  # another conversation's answer
    assert vote_with(security.answer_id(conversation, "qa-hours")) == 422  # another entry's
    assert vote_with(security.answer_id(conversation, ENTRY)) == 201


def test_a_hetu_typed_with_spaces_in_a_comment_is_stored_redacted(
    client: TestClient, seed: Seed
) -> None:
    hetu = make_hetu(date(1962, 1, 15), 906)
    spaced = f"{hetu[:2]} {hetu[2:4]} {hetu[4:6]} {hetu[6:]}"
    assert vote(client, seed.conversation(), False, f"asiakas {spaced} ei löydy").status_code == 201
    with seed._session() as db:
        (stored,) = db.scalars(select(AnswerFeedback.comment)).all()
    assert stored == "asiakas [hetu] ei löydy"
