"""Forgotten password: identical answers, single-use expiring tokens, rate limits."""

import re
from datetime import timedelta
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from backend.models import AccountToken, OutboxEmail, Registrar
from backend.services.accounts import RESET_SENT
from tests.backend.conftest import Mailbox, Seed, login, service_headers, wait_until

KNOWN = "reija@example.org"
NEW_PASSWORD = "Uusi-Salasana-2025"
ROOT = Path(__file__).resolve().parents[2]


def token_from(body: str) -> str:
    return re.search(r"/account/reset#token=(\S+)", body).group(1)  # type: ignore[union-attr]


def ask_reset(client: TestClient, email: str):
    return client.post("/api/v1/auth/password-reset", json={"email": email})


def confirm(client: TestClient, token: str, password: str = NEW_PASSWORD):
    return client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": password}
    )


def test_known_and_unknown_addresses_get_byte_identical_answers(
    client: TestClient, seed: Seed
) -> None:
    seed.registrar()
    for _ in range(3):
        known, unknown = ask_reset(client, KNOWN), ask_reset(client, "nobody@example.org")
        assert known.status_code == unknown.status_code == 202
        assert known.content == unknown.content
        # Every answer has its own random request id, whatever the address.
        assert known.headers.pop("x-request-id") != unknown.headers.pop("x-request-id")
        assert sorted(known.headers.items()) == sorted(unknown.headers.items())


def test_the_answer_does_no_account_work_so_its_timing_tells_nothing(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    """The lookup, token and mail happen in the reset worker, after the answer."""
    seed.registrar()
    worker = client.app.state.reset_worker  # type: ignore[attr-defined]
    client.portal.call(worker.stop)  # type: ignore[union-attr]
    try:
        assert ask_reset(client, KNOWN).status_code == 202
        assert worker.pending == 1
        with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
            assert db.scalar(select(func.count()).select_from(AccountToken)) == 0
            assert db.scalar(select(func.count()).select_from(OutboxEmail)) == 0
    finally:
        client.portal.call(worker.start)  # type: ignore[union-attr]
    assert token_from(mailbox.last_body(KNOWN))
    assert worker.pending == 0


def test_service_reset_answers_the_same_too(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    seed.registrar()
    headers = service_headers(client)
    known = client.post("/api/v1/service/password-reset", json={"email": KNOWN}, headers=headers)
    unknown = client.post(
        "/api/v1/service/password-reset", json={"email": "no@example.org"}, headers=headers
    )
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    assert mailbox.wait_for(KNOWN)


def test_a_token_works_once(client: TestClient, seed: Seed, mailbox: Mailbox) -> None:
    seed.registrar()
    ask_reset(client, KNOWN)
    body = mailbox.last_body(KNOWN)
    token = token_from(body)
    assert f"koodi {token}" in body and f"koden {token}" in body and f"code {token}" in body
    assert confirm(client, token).status_code == 200
    assert confirm(client, token, "Toinen-Salasana-2025").status_code == 422
    login(client, KNOWN, NEW_PASSWORD)


def test_a_weak_new_password_does_not_burn_the_token(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    seed.registrar()
    ask_reset(client, KNOWN)
    token = token_from(mailbox.last_body(KNOWN))
    assert confirm(client, token, "weak").status_code == 422
    assert confirm(client, token).status_code == 200


def test_a_token_expires(client: TestClient, seed: Seed, mailbox: Mailbox) -> None:
    seed.registrar()
    ask_reset(client, KNOWN)
    token = token_from(mailbox.last_body(KNOWN))
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        row = db.scalars(select(AccountToken)).one()
        assert row.expires_at - row.created_at <= timedelta(hours=1, seconds=1)
        db.execute(update(AccountToken).values(expires_at=row.created_at))
        db.commit()
    response = confirm(client, token)
    assert response.status_code == 422 and "expired" in response.json()["detail"]


def test_a_newer_token_replaces_the_older(client: TestClient, seed: Seed, mailbox: Mailbox) -> None:
    seed.registrar()
    ask_reset(client, KNOWN)
    ask_reset(client, KNOWN)
    first, second = (token_from(m.get_content()) for m in mailbox.wait_for(KNOWN, count=2))
    assert confirm(client, first).status_code == 422
    assert confirm(client, second).status_code == 200


def test_reset_ends_existing_sessions_and_opens_a_new_one(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    seed.registrar()
    login(client, KNOWN)
    old_session = client.cookies["celia_session"]
    ask_reset(client, KNOWN)
    answer = confirm(client, token_from(mailbox.last_body(KNOWN)))
    assert answer.json()["session"]["registrar"]["email"] == KNOWN
    assert client.get("/api/v1/auth/me").status_code == 200  # logged in by the reset
    client.cookies.clear()
    client.cookies.set("celia_session", old_session)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_locked_account_gets_its_new_password_but_no_session(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    registrar_id = seed.registrar()
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.execute(update(Registrar).where(Registrar.id == registrar_id).values(locked=True))
        db.commit()
    ask_reset(client, KNOWN)
    answer = confirm(client, token_from(mailbox.last_body(KNOWN)))
    assert answer.status_code == 200 and answer.json()["session"] is None
    assert "Only Celia can unlock it" in answer.json()["detail"]
    assert "celia_session" not in client.cookies


def test_the_mail_holds_a_link_in_the_registrars_language(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    registrar_id = seed.registrar()
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.execute(update(Registrar).where(Registrar.id == registrar_id).values(language="sv"))
        db.commit()
    ask_reset(client, KNOWN)
    [message] = mailbox.wait_for(KNOWN)
    body = message.get_content().replace("\r\n", "\n")
    site = client.app.state.settings.site_url  # type: ignore[attr-defined]
    assert message["Subject"] == "Celia: Ställ in ett nytt lösenord"
    assert body.startswith(f"Ställ in ett nytt lösenord via den här länken:\n{site}/account/reset#")
    assert "På svenska" not in body
    assert body.index("Suomeksi:") < body.index("In English:")


def test_the_api_the_chat_and_the_page_say_the_same() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    answers = {
        variant.get("condition", [{"value": "fi"}])[0]["value"]: variant["text"]
        for variant in domain["responses"]["utter_password_reset_sent"]
    }
    assert answers["en"].startswith(RESET_SENT)
    page_strings = (ROOT / "web/assets/account/strings.js").read_text(encoding="utf-8")
    for language in ("fi", "sv"):
        first_sentence = answers[language].split(").")[0] + ")."
        assert f'"{first_sentence}"' in page_strings, language


def test_per_account_limit_sends_no_more_mail_but_answers_the_same(
    client: TestClient, seed: Seed
) -> None:
    seed.registrar()
    answers = {ask_reset(client, KNOWN).content for _ in range(5)}
    assert len(answers) == 1
    wait_until(lambda: client.app.state.reset_worker.pending == 0)  # type: ignore[attr-defined]
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        mails = db.query(OutboxEmail).filter(OutboxEmail.to_address == KNOWN).count()
    assert mails == 3


def test_per_client_limit(client: TestClient) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    settings.password_reset_per_client_per_hour = 2
    assert ask_reset(client, "a@example.org").status_code == 202
    assert ask_reset(client, "b@example.org").status_code == 202
    limited = ask_reset(client, "c@example.org")
    assert limited.status_code == 429 and "try again" in limited.json()["detail"]
