"""The outbox survives an SMTP outage and a restart: nothing is lost, everything arrives."""

import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.models import OutboxEmail
from tests.backend.conftest import (
    PASSWORD,
    Mailbox,
    app_without_faq,
    free_port,
    start_smtp,
    test_settings,
)


def outbox(client: TestClient) -> list[OutboxEmail]:
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        return list(db.scalars(select(OutboxEmail)))


def test_smtp_down_keeps_mail_queued_until_it_is_back(tmp_path: Path) -> None:
    port = free_port()
    settings = test_settings(f"sqlite:///{tmp_path / 'mail.db'}", port, tmp_path / "log")
    with TestClient(app_without_faq(settings)) as client:
        response = client.post(
            "/api/v1/auth/register",
            json={
                "email": "a@example.org",
                "first_name": "A",
                "last_name": "B",
                "password": PASSWORD,
            },
        )
        assert response.status_code == 202
        deadline = time.monotonic() + 5
        while not any(mail.attempts >= 2 for mail in outbox(client)):
            assert time.monotonic() < deadline, "the sender never retried"
            time.sleep(0.05)
        [mail] = outbox(client)
        assert mail.sent_at is None and mail.last_error

    mailbox = Mailbox()
    controller = start_smtp(mailbox, port)
    try:
        with TestClient(app_without_faq(settings)) as restarted:
            [message] = mailbox.wait_for("a@example.org")
            deadline = time.monotonic() + 5
            while outbox(restarted)[0].sent_at is None:  # recorded just after the SMTP answer
                assert time.monotonic() < deadline, "the delivery was never recorded"
                time.sleep(0.05)
    finally:
        controller.stop()
    body = message.get_content()
    assert (
        body.index("Vahvistuskoodisi") < body.index("verifieringskod") < body.index("verification")
    )
    assert message["Subject"] == "Celia: Vahvistuskoodi"
