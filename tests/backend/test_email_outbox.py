"""The outbox survives an SMTP outage and a restart: nothing is lost, everything arrives; no
live token waits in it in clear, and none stays after delivery."""

import re
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.db import Base
from backend.models import OutboxEmail, StaffRole
from tests.backend.conftest import (
    PASSWORD,
    Mailbox,
    Seed,
    app_without_faq,
    free_port,
    staff_login,
    start_smtp,
    test_settings,
    wait_until,
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


def _every_stored_value(client: TestClient) -> str:
    """Every column of every row of every table, as one text (what a backup holds)."""
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        return "\n".join(
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in connection.execute(table.select())
        )


def test_no_live_token_or_code_is_stored_before_or_after_delivery(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    """A database reader takes over no account: the reset token, the verification code and
    the staff set-password token are in the mail, never in a stored row; the sealed values
    beside a queued mail are deleted once it is sent."""
    seed.registrar(email="reija@example.org")
    seed.staff("anna@celia.fi", role=StaffRole.admin)
    sender = client.app.state.email_sender  # type: ignore[attr-defined]
    client.portal.call(sender.stop)  # type: ignore[union-attr]
    try:
        client.post("/api/v1/auth/password-reset", json={"email": "reija@example.org"})
        registration = {"email": "uusi@example.org", "first_name": "U", "last_name": "R"}
        client.post("/api/v1/auth/register", json={**registration, "password": PASSWORD})
        staff = {"email": "olli@celia.fi", "name": "Olli", "role": "agent"}
        client.post(
            "/api/v1/staff/admin/staff", json=staff, headers=staff_login(client, "anna@celia.fi")
        )
        wait_until(lambda: len(outbox(client)) == 3)
        queued = outbox(client)
        assert all(mail.secrets_encrypted and "⟦" in mail.body for mail in queued)
    finally:
        client.portal.call(sender.start)  # type: ignore[union-attr]
    reset_token = re.search(r"#token=(\S+)", mailbox.last_body("reija@example.org"))[1]  # type: ignore[index]
    code = re.search(r"\b(\d{8})\b", mailbox.last_body("uusi@example.org"))[1]  # type: ignore[index]
    staff_token = re.search(r"#token=(\S+)", mailbox.last_body("olli@celia.fi"))[1]  # type: ignore[index]
    wait_until(lambda: all(mail.sent_at for mail in outbox(client)))
    assert all(mail.secrets_encrypted is None for mail in outbox(client))
    stored = _every_stored_value(client)
    for secret in (reset_token, code, staff_token):
        assert secret not in stored
    confirmed = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": reset_token, "new_password": "Uusi-Salasana-2025"},
    )
    assert confirmed.status_code == 200  # the mailed token is the live one
