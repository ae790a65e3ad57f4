"""Delete conversations older than CONVERSATION_RETENTION_DAYS (default 30).

What goes: the backend's conversation records, resolved escalations of those conversations
(their redacted transcripts, notes and replies), and Rasa's tracker events (redacted already)
in TRACKER_DATABASE_URL. What stays: staff requests and the audit log, which are Celia's
business records, and open escalations, which staff still work on.
Runs hourly inside the backend (`make run`), or once with `python -m backend.retention`.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, delete, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from backend.models import Conversation, Escalation, EscalationStatus
from backend.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    conversations: int
    escalations: int
    tracker_events: int


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
    db.commit()
    return Purged(len(old), escalations, _purge_tracker(settings, cutoff))


def _purge_tracker(settings: Settings, cutoff: datetime) -> int:
    """Rasa's SQL tracker store keeps one row per event with a UNIX timestamp."""
    engine = create_engine(settings.tracker_database_url)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as connection:
            result = connection.execute(
                text("DELETE FROM events WHERE timestamp < :cutoff"),
                {"cutoff": cutoff.timestamp()},
            )
            return int(result.rowcount or 0)
    finally:
        engine.dispose()


class RetentionJob:
    """Background task of the running backend."""

    def __init__(self, settings: Settings, sessions: sessionmaker) -> None:
        self._settings = settings
        self._sessions = sessions
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                purged = await asyncio.to_thread(self._purge_once)
                log.info("retention: %s", purged)
            except Exception as error:  # the job must outlive a busy or missing database
                log.warning("retention run failed: %s", type(error).__name__)
            await asyncio.sleep(self._settings.retention_interval_seconds)

    def _purge_once(self) -> Purged:
        with self._sessions() as db:
            return purge(db, self._settings)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    from backend.db import Database

    current = get_settings()
    database = Database(current.database_url)
    with database.sessions() as session:
        print(purge(session, current))
