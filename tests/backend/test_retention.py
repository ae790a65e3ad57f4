"""Retention: old conversations and tracker events go; open work and business records stay."""

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi.testclient import TestClient

from backend.models import (
    Conversation,
    Escalation,
    EscalationReason,
    EscalationStatus,
    OutboxEmail,
)
from backend.retention import purge
from backend.settings import Settings

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def _tracker(path: Path, ages_in_days: list[int]) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, timestamp REAL)")
        connection.executemany(
            "INSERT INTO events (timestamp) VALUES (?)",
            [((NOW - timedelta(days=age)).timestamp(),) for age in ages_in_days],
        )


def _escalation(
    conversation_id: str, status: EscalationStatus, age_days: int, contact_email: str | None = None
) -> Escalation:
    when = NOW - timedelta(days=age_days)
    return Escalation(
        contact_email=contact_email,
        conversation_id=conversation_id,
        reason=EscalationReason.asked_for_human,
        transcript="user: [hetu]",
        status=status,
        created_at=when,
        updated_at=when,
    )


def test_purge_removes_only_what_is_past_retention(client: TestClient, tmp_path: Path) -> None:
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    settings = settings.model_copy(update={"tracker_db": tmp_path / "tracker.db"})
    _tracker(settings.tracker_db, [40, 31, 29, 1])
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        for cid, age in (("a" * 32, 45), ("b" * 32, 31), ("c" * 32, 2)):
            when = NOW - timedelta(days=age)
            db.add(Conversation(id=cid, created_at=when, last_message_at=when))
        db.add(_escalation("a" * 32, EscalationStatus.resolved, 40))
        db.add(_escalation("b" * 32, EscalationStatus.open, 40, "anon@example.org"))  # staff
        db.add(_escalation("c" * 32, EscalationStatus.resolved, 2, "kept@example.org"))
        for age, sent in ((31, True), (31, False), (2, True)):  # an unsent mail waits for SMTP
            when = NOW - timedelta(days=age)
            db.add(
                OutboxEmail(
                    to_address=f"{age}{sent}@example.org",
                    subject="s",
                    body="b",
                    created_at=when,
                    sent_at=when if sent else None,
                )
            )
        db.commit()

        purged = purge(db, settings, now=NOW)

        assert (purged.conversations, purged.escalations, purged.tracker_events) == (2, 1, 2)
        assert purged.mails == 1
        assert sorted(m.to_address for m in db.query(OutboxEmail)) == [
            "2True@example.org",
            "31False@example.org",
        ]
        assert [c.id for c in db.query(Conversation)] == ["c" * 32]
        assert sorted((e.conversation_id, e.contact_email) for e in db.query(Escalation)) == [
            ("b" * 32, None),  # still open, but the reply address went with the conversation
            ("c" * 32, "kept@example.org"),
        ]
    with sqlite3.connect(settings.tracker_db) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (2,)


def test_purge_without_a_tracker_database_is_harmless(client: TestClient, tmp_path: Path) -> None:
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    settings = settings.model_copy(update={"tracker_db": tmp_path / "missing.db"})
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        assert purge(db, settings, now=NOW).tracker_events == 0
