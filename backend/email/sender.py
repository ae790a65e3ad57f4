"""Background delivery of the outbox over SMTP, with exponential backoff.

A mail leaves the outbox only when the SMTP server has accepted it; while the server is down
mails stay queued and are retried (backoff capped at EMAIL_RETRY_MAX_SECONDS), so none is lost.
Any number of backend workers may run a sender: each claims the mails it sends (`_claim_due`),
so each mail is handed to the SMTP server once. A worker killed in the middle of a delivery
leaves its claimed mails to be tried again after CLAIM_SECONDS. A mail's sealed secrets
(backend/email/outbox.py) are put into the message at delivery and deleted once it is sent.
"""

import asyncio
import logging
from datetime import timedelta
from email.message import EmailMessage

import aiosmtplib
from cryptography.fernet import InvalidToken
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.email.outbox import unseal_body
from backend.models import OutboxEmail, utcnow
from backend.periodic import PeriodicTask
from backend.settings import Settings

log = logging.getLogger("backend.email")

BATCH_SIZE = 50
CLAIM_SECONDS = 300.0


class EmailSender:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self._settings = settings
        self._sessions = sessions
        self._job = PeriodicTask(
            "email-sender", self.deliver_due, settings.email_send_interval_seconds
        )

    def start(self) -> None:
        self._job.start()

    async def stop(self) -> None:
        await self._job.stop()

    async def deliver_due(self) -> int:
        """Try every mail whose time has come; return how many were delivered."""
        due = await asyncio.to_thread(self._claim_due)
        delivered = 0
        for mail_id in due:
            delivered += await self._deliver(mail_id)
        return delivered

    def _claim_due(self) -> list[int]:
        """Claim the due mails: their next attempt moves CLAIM_SECONDS on, so no other worker
        finds them due. PostgreSQL skips the rows another worker is claiming (FOR UPDATE SKIP
        LOCKED); the repeated conditions make the claim exact on SQLite (one writer) too."""
        now = utcnow()
        due = (OutboxEmail.sent_at.is_(None), OutboxEmail.next_attempt_at <= now)
        batch = (
            select(OutboxEmail.id)
            .where(*due)
            .order_by(OutboxEmail.id)
            .limit(BATCH_SIZE)
            .with_for_update(skip_locked=True)
        )
        with self._sessions() as db:
            claimed = db.scalars(
                update(OutboxEmail)
                .where(OutboxEmail.id.in_(batch.scalar_subquery()), *due)
                .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
                .returning(OutboxEmail.id)
            ).all()
            db.commit()
        return sorted(claimed)

    def _message(self, mail_id: int) -> EmailMessage | None:
        with self._sessions() as db:
            mail = db.get(OutboxEmail, mail_id)
            if mail is None or mail.sent_at is not None:
                return None
            message = EmailMessage()
            message["From"] = self._settings.mail_from
            message["To"] = mail.to_address
            message["Subject"] = mail.subject
            body = mail.body
            if mail.secrets_encrypted is not None:
                body = unseal_body(self._settings, body, mail.secrets_encrypted)
            message.set_content(body)
            return message

    def _record(self, mail_id: int, error: Exception | None) -> None:
        with self._sessions() as db:
            mail = db.get(OutboxEmail, mail_id)
            if mail is None:
                return
            mail.attempts += 1
            if error is None:
                mail.sent_at = utcnow()
                mail.secrets_encrypted = None
            else:
                delay = min(
                    self._settings.email_retry_base_seconds * 2 ** (mail.attempts - 1),
                    self._settings.email_retry_max_seconds,
                )
                mail.next_attempt_at = utcnow() + timedelta(seconds=delay)
                mail.last_error = type(error).__name__
                log.warning(
                    "mail %s not delivered (attempt %s), will retry", mail_id, mail.attempts
                )
            db.commit()

    async def _deliver(self, mail_id: int) -> int:
        try:
            message = await asyncio.to_thread(self._message, mail_id)
        except InvalidToken as failure:  # sealed under another HETU_HMAC_KEY
            await asyncio.to_thread(self._record, mail_id, failure)
            return 0
        if message is None:
            return 0
        settings = self._settings
        error: Exception | None = None
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username,
                password=settings.smtp_password.get_secret_value()
                if settings.smtp_password
                else None,
                start_tls=settings.smtp_starttls,
                timeout=settings.smtp_timeout_seconds,
            )
        except (aiosmtplib.SMTPException, OSError) as failure:
            error = failure
        await asyncio.to_thread(self._record, mail_id, error)
        return int(error is None)
