"""The staff console's working day: live queue, waiting time, reply mail, contact address,
canned replies and search."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.email.outbox import unseal_body
from backend.handoff import handle_message_during_handoff
from backend.models import (
    Conversation,
    Escalation,
    OutboxEmail,
    Registrar,
    StaffUser,
    UnlockRequest,
    WebSession,
    utcnow,
)
from backend.services.reply_mail import conversation_link, mail_unfetched_replies
from tests.backend.conftest import Seed, service_headers, staff_login

TRANSCRIPT = "user: haluan puhua ihmiselle\nbot: Välitin keskustelun."


def escalate(client: TestClient, conversation: str, language: str = "fi") -> dict:
    answer = client.post(
        "/api/v1/service/escalations",
        json={
            "conversation_id": conversation,
            "reason": "asked_for_human",
            "transcript": TRANSCRIPT,
            "language": language,
        },
        headers=service_headers(client),
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def reply(client: TestClient, headers: dict[str, str], escalation_id: int, text: str) -> None:
    sent = client.post(
        f"/api/v1/staff/escalations/{escalation_id}/replies", json={"text": text}, headers=headers
    )
    assert sent.status_code == 201, sent.text


def mail_due(client: TestClient, after_seconds: float = 3600) -> list[OutboxEmail]:
    """Run the reply-mail round as if `after_seconds` had passed; the mails it queued."""
    app = client.app
    with app.state.db.sessions() as db:  # type: ignore[attr-defined]
        before = {row.id for row in db.scalars(select(OutboxEmail))}
        mail_unfetched_replies(
            db,
            app.state.settings,  # type: ignore[attr-defined]
            utcnow() + timedelta(seconds=after_seconds),
        )
        return [row for row in db.scalars(select(OutboxEmail)) if row.id not in before]


def test_the_hand_off_says_when_staff_answer_in_its_language(
    client: TestClient, seed: Seed
) -> None:
    created = escalate(client, seed.conversation(), "sv")
    assert created["language"] == "sv"
    assert created["answer_expected"].startswith("Kundtjänsten")
    bad = client.post(
        "/api/v1/service/escalations",
        json={"conversation_id": seed.conversation(), "reason": "asked_for_human",
              "transcript": "", "language": "de"},
        headers=service_headers(client),
    )  # fmt: skip
    assert bad.status_code == 422


def test_live_queue_counts_and_what_arrived_after_the_cursor(
    client: TestClient, seed: Seed
) -> None:
    seed.staff()
    headers = staff_login(client)
    first = client.get("/api/v1/staff/queue/live").json()
    assert first["new"] == [] and first["open_escalations"] == 0
    assert first["waiting_alert_minutes"] == 60
    created = escalate(client, seed.conversation())
    cursor = {"after_escalation": first["latest_escalation_id"], "after_request": 0}
    later = client.get("/api/v1/staff/queue/live", params=cursor).json()
    assert later["open_escalations"] == 1
    assert later["latest_escalation_id"] == created["id"]
    assert later["new"] == [
        {"source": "escalation", "id": created["id"], "reference": created["reference"]}
    ]
    assert client.get("/api/v1/staff/queue/live", params={"after_request": -1}).status_code == 422
    client.post("/api/v1/staff/auth/logout", headers=headers)
    assert client.get("/api/v1/staff/queue/live").status_code == 401


def test_a_background_poll_does_not_keep_an_idle_session_alive(
    client: TestClient, seed: Seed
) -> None:
    seed.staff()
    staff_login(client)
    long_ago = utcnow() - timedelta(minutes=10)
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        for row in db.scalars(select(WebSession)):
            row.last_seen_at = long_ago
        db.commit()

    def last_seen() -> set:
        with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
            return {row.last_seen_at for row in db.scalars(select(WebSession))}

    polled = client.get("/api/v1/staff/queue/live", headers={"X-Background-Poll": "1"})
    assert polled.status_code == 200
    assert last_seen() == {long_ago}
    assert client.get("/api/v1/staff/queue/live").status_code == 200
    assert last_seen() != {long_ago}


def test_waiting_time_starts_at_the_hand_off_and_stops_at_a_reply(
    client: TestClient, seed: Seed
) -> None:
    seed.staff()
    headers = staff_login(client)
    conversation = seed.conversation()
    created = escalate(client, conversation)
    assert created["waiting_since"] is not None
    reply(client, headers, created["id"], "Hei, katsotaan.")
    detail = client.get(f"/api/v1/staff/escalations/{created['id']}").json()["escalation"]
    assert detail["waiting_since"] is None
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        escalation = db.get(Escalation, created["id"])
        handle_message_during_handoff(db, escalation, "kiitos, entä sitten?")
    detail = client.get(f"/api/v1/staff/escalations/{created['id']}").json()["escalation"]
    assert detail["waiting_since"] is not None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("ja", "Ditt meddelande har skickats"),  # Swedish "yes", Finnish "and": no evidence
        ("ok", "Ditt meddelande har skickats"),
        ("anna@example.org", "Ditt meddelande har skickats"),
        ("Can you hurry please?", "Your message has been passed"),
        ("peruuta", "Selvä, peruin välityksen"),
    ],
)
def test_a_message_during_a_hand_off_is_answered_in_the_hand_offs_language_unless_it_shows_one(
    client: TestClient, seed: Seed, message: str, expected: str
) -> None:
    created = escalate(client, seed.conversation(), "sv")
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        escalation = db.get(Escalation, created["id"])
        assert handle_message_during_handoff(db, escalation, message).startswith(expected)


def test_an_unfetched_reply_is_mailed_once_in_the_registrars_language(
    client: TestClient, seed: Seed
) -> None:
    seed.staff()
    headers = staff_login(client)
    registrar = seed.registrar("sven@example.org")
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.get(Registrar, registrar).language = "sv"  # the profile's: all account mail
        db.commit()
    created = escalate(client, seed.conversation(registrar_id=registrar), "fi")
    reply(client, headers, created["id"], "Hej! Vi har öppnat kontot.")
    assert mail_due(client, after_seconds=10) == []  # not yet: the widget may still fetch it
    mails = mail_due(client)
    assert [mail.to_address for mail in mails] == ["sven@example.org"]
    assert mails[0].subject == f"Celia: Kundtjänsten har svarat ({created['reference']})"
    settings = client.app.state.settings  # type: ignore[attr-defined]
    assert "⟦link⟧" in mails[0].body  # the link waits sealed until it is sent
    assert mails[0].secrets_encrypted is not None
    body = unseal_body(settings, mails[0].body, mails[0].secrets_encrypted)
    assert f"/?chat={created['conversation_id']}" in body
    assert "Vi har öppnat kontot" not in body
    assert mail_due(client) == []  # never twice


def test_a_reply_the_widget_fetched_is_not_mailed(client: TestClient, seed: Seed) -> None:
    seed.staff()
    headers = staff_login(client)
    conversation = seed.conversation()
    created = escalate(client, conversation)
    client.put(
        f"/api/v1/conversations/{conversation}/contact-email", json={"email": "anon@example.org"}
    )
    reply(client, headers, created["id"], "Hei!")
    fetched = client.get(f"/api/v1/conversations/{conversation}/replies").json()
    assert [r["text"] for r in fetched["replies"]] == ["Hei!"]
    assert mail_due(client) == []


def test_an_anonymous_registrar_gets_the_answer_at_the_address_they_left(
    client: TestClient, seed: Seed
) -> None:
    seed.staff()
    headers = staff_login(client)
    conversation = seed.conversation()
    url = f"/api/v1/conversations/{conversation}/contact-email"
    assert client.put(url, json={"email": "anon@example.org"}).status_code == 404  # no hand-off
    created = escalate(client, conversation, "en")
    assert client.put(url, json={"email": "not an address"}).status_code == 422
    assert client.put(url, json={"email": "Anon@Example.org"}).status_code == 204
    detail = client.get(f"/api/v1/staff/escalations/{created['id']}").json()["escalation"]
    assert detail["reply_by_email"] is True
    reply(client, headers, created["id"], "Hello!")
    mails = mail_due(client)
    assert [(m.to_address, m.subject) for m in mails] == [
        ("anon@example.org", f"Celia: Customer service answered ({created['reference']})")
    ]

    bound = seed.conversation(registrar_id=seed.registrar())
    escalate(client, bound)
    answer = client.put(
        f"/api/v1/conversations/{bound}/contact-email", json={"email": "x@example.org"}
    )
    assert answer.status_code == 409


def test_no_address_no_mail(client: TestClient, seed: Seed) -> None:
    seed.staff()
    headers = staff_login(client)
    created = escalate(client, seed.conversation())
    reply(client, headers, created["id"], "Hei!")
    assert mail_due(client) == []


def test_canned_replies_are_kept_in_three_languages(client: TestClient, seed: Seed) -> None:
    seed.staff()
    headers = staff_login(client)
    body = {"title": "Kiitos", "text_fi": "Kiitos!", "text_sv": "Tack!", "text_en": "Thanks!"}
    url = "/api/v1/staff/canned-replies"
    created = client.post(url, json=body, headers={**headers, "Idempotency-Key": "k1"})
    assert created.status_code == 201, created.text
    again = client.post(url, json=body, headers={**headers, "Idempotency-Key": "k1"})
    assert again.json() == created.json()
    assert client.post(url, json=body, headers=headers).status_code == 409  # same title
    hetu = {**body, "title": "Hetu", "text_fi": "Asiakas 131052-308T"}
    assert client.post(url, json=hetu, headers=headers).status_code == 422
    assert client.post(url, json={**body, "text_sv": " "}, headers=headers).status_code == 422
    reply_id = created.json()["id"]
    changed = client.put(f"{url}/{reply_id}", json={**body, "text_sv": "Tack så mycket!"},
                         headers=headers)  # fmt: skip
    assert changed.status_code == 200 and changed.json()["text_sv"] == "Tack så mycket!"
    assert [r["title"] for r in client.get(url).json()] == ["Kiitos"]
    assert client.delete(f"{url}/{reply_id}", headers=headers).status_code == 204
    assert client.delete(f"{url}/{reply_id}", headers=headers).status_code == 404
    assert client.get(url).json() == []
    audit = client.get("/api/v1/staff/audit", params={"target_kind": "canned_reply"}).json()
    assert [event["action"] for event in audit] == [
        "canned_reply.deleted",
        "canned_reply.changed",
        "canned_reply.created",
    ]


def test_search_by_reference_words_and_registrar_email(client: TestClient, seed: Seed) -> None:
    seed.staff()
    staff_login(client)
    registrar = seed.registrar("haku@example.org")
    mine = escalate(client, seed.conversation(registrar_id=registrar))
    other = escalate(client, seed.conversation())

    def found(**params: str) -> list[int]:
        answer = client.get("/api/v1/staff/escalations", params=params)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert found(q=mine["reference"]) == [mine["id"]]
    assert found(q=mine["reference"].lower().replace("-", "")) == [mine["id"]]
    assert set(found(q="puhua ihmiselle")) == {mine["id"], other["id"]}
    assert found(q="100%_") == []
    assert found(registrar_email="haku@example.org") == [mine["id"]]
    assert found(registrar_email="nobody@example.org") == []
    assert (
        client.get("/api/v1/staff/escalations", params={"registrar_email": "nope"}).status_code
        == 422
    )


def test_requests_are_found_by_reference_note_words_and_registrar_email(
    client: TestClient, seed: Seed
) -> None:
    seed.staff()
    staff_login(client)
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        mine = UnlockRequest(registrar_id=seed.registrar("pyynto@example.org"))
        other = UnlockRequest(
            registrar_id=seed.registrar("muu@example.org"), decision_note="Soitettu 100%_ varmasti"
        )
        db.add_all([mine, other])
        db.commit()
        ids = {"mine": mine.id, "other": other.id}
        reference = mine.reference

    def found(**params: str) -> list[int]:
        answer = client.get("/api/v1/staff/requests", params=params)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert found(q=reference) == [ids["mine"]]
    assert found(q=reference.lower().replace("-", "")) == [ids["mine"]]
    assert found(q="ESC-1") == []  # an escalation's reference is not a request's
    assert found(q="100%_") == [ids["other"]]
    assert found(q="100%x") == []  # % and _ are literal, not wildcards
    assert found(registrar_email="pyynto@example.org") == [ids["mine"]]
    assert found(registrar_email="nobody@example.org") == []


def test_colleagues_are_the_active_staff_by_name(client: TestClient, seed: Seed) -> None:
    seed.staff()
    other = seed.staff("outi@celia.fi")
    gone = seed.staff("gone@celia.fi")
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.get(StaffUser, gone).active = False
        db.commit()
    staff_login(client)
    listed = client.get("/api/v1/staff/colleagues").json()
    assert [row["name"] for row in listed] == sorted(row["name"] for row in listed)
    assert other in {row["id"] for row in listed} and gone not in {row["id"] for row in listed}
    assert all(set(row) == {"id", "name"} for row in listed)  # no addresses


def test_two_workers_mailing_at_once_send_one_mail(client: TestClient, seed: Seed) -> None:
    seed.staff()
    headers = staff_login(client)
    registrar = seed.registrar("kaksi@example.org")
    created = escalate(client, seed.conversation(registrar_id=registrar))
    reply(client, headers, created["id"], "Hei!")
    app = client.app
    later = utcnow() + timedelta(hours=1)
    start = threading.Barrier(2)

    def worker() -> int:
        with app.state.db.sessions() as db:  # type: ignore[attr-defined]
            start.wait()
            return mail_unfetched_replies(db, app.state.settings, later)  # type: ignore[attr-defined]

    with ThreadPoolExecutor(2) as pool:
        results = [future.result() for future in [pool.submit(worker), pool.submit(worker)]]
    assert sorted(results) == [0, 1]
    with app.state.db.sessions() as db:  # type: ignore[attr-defined]
        mails = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "kaksi@example.org"))
        assert len(list(mails)) == 1


def test_the_mailed_link_gives_another_browser_the_conversation_once(
    client: TestClient, seed: Seed
) -> None:
    """An anonymous conversation answers only the browser holding its cookie: another browser
    with the id reads no reply and leaves no address, until it opens the mailed link, whose
    token works once and expires."""
    seed.staff()
    headers = staff_login(client)
    conversation = seed.conversation()  # held by `client`, the browser that started it
    created = escalate(client, conversation)
    url = f"/api/v1/conversations/{conversation}"
    assert client.put(f"{url}/contact-email", json={"email": "anon@example.org"}).status_code == 204
    reply(client, headers, created["id"], "Hei nimetön!")
    [mail] = mail_due(client)
    settings = client.app.state.settings  # type: ignore[attr-defined]
    assert mail.secrets_encrypted is not None
    link = unseal_body(settings, mail.body, mail.secrets_encrypted)
    token = re.search(rf"/\?chat={conversation}#claim=(\S+)", link)[1]  # type: ignore[index]

    other = TestClient(client.app)  # another browser: the id, no cookie
    assert other.get(f"{url}/replies").status_code == 404
    assert other.put(f"{url}/contact-email", json={"email": "evil@example.org"}).status_code == 404
    assert other.post(f"{url}/claim", json={"token": "x" * 43}).status_code == 404
    assert other.post(f"{url}/claim", json={"token": token}).status_code == 204
    assert [r["text"] for r in other.get(f"{url}/replies").json()["replies"]] == ["Hei nimetön!"]
    third = TestClient(client.app)
    assert third.post(f"{url}/claim", json={"token": token}).status_code == 404  # used up

    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        row = db.get(Conversation, conversation)
        expired = conversation_link(db, settings, conversation)
        row.link_expires_at = utcnow() - timedelta(seconds=1)
        db.commit()
    expired_token = expired.rsplit("#claim=", 1)[1]
    assert third.post(f"{url}/claim", json={"token": expired_token}).status_code == 404
