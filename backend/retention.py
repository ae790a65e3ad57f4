"""Delete conversations older than CONVERSATION_RETENTION_DAYS (default 30).

What goes: the backend's conversation records, resolved escalations of those conversations
(their redacted transcripts, notes and replies, the reply address an anonymous registrar
left), the reply address of the old conversations' open escalations, Rasa's tracker
events (redacted already) in TRACKER_DATABASE_URL, and mails sent that long ago (the outbox
keeps a sent mail's address and text, never its tokens: backend/email/outbox.py). What
stays: staff requests and the audit log, which are Celia's business records, and open
escalations, which staff still work on.
Runs hourly inside the backend (`make run`), once per interval across all backend workers
(backend/periodic.py: claim_turn), or once with `python -m backend.retention`.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend import tracker_events
from backend.models import Conversation, Escalation, EscalationStatus, OutboxEmail
from backend.periodic import PeriodicTask, claim_turn
from backend.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    conversations: int
    escalations: int
    tracker_events: int
    mails: int


def purge(db: Session, settings: Settings, now: datetime | None = None) -> Purged:
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(
        days=settings.conversation_retention_days
    )
    old = list(db.scalars(select(Conversation.id).where(Conversation.last_message_at < cutoff)))
    escalations = 0
    for escalation in db.scalars(
        select(Escalation).where(
            Escalation.status == EscalationStatus.resolved, Escalation.updated_at < cutoff
        )
    ):
        db.delete(escalation)
        escalations += 1
    if old:
        db.execute(delete(Conversation).where(Conversation.id.in_(old)))
        db.execute(  # an open escalation stays for the staff, its reply address does not
            update(Escalation).where(Escalation.conversation_id.in_(old)).values(contact_email=None)
        )
    sent = delete(OutboxEmail).where(OutboxEmail.sent_at < cutoff).returning(OutboxEmail.id)
    mails = len(db.scalars(sent).all())
    db.commit()
    return Purged(len(old), escalations, tracker_events.delete_older_than(settings, cutoff), mails)


POLL_SECONDS = 60.0  # how often each worker asks whether the cluster's turn has come


def retention_job(settings: Settings, sessions: sessionmaker[Session]) -> PeriodicTask:
    """The hourly purge inside the running backend: whichever worker claims the turn runs it."""
    interval = settings.retention_interval_seconds

    def purge_if_my_turn() -> Purged | None:
        if not claim_turn(sessions, "retention", interval):
            return None
        with sessions() as db:
            purged = purge(db, settings)
        log.info("retention: %s", purged)
        return purged

    return PeriodicTask(
        "retention", lambda: asyncio.to_thread(purge_if_my_turn), min(interval, POLL_SECONDS)
    )


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    from backend.db import Database

    current = get_settings()
    database = Database(current.database_url)
    with database.sessions() as session:
        print(purge(session, current))
