"""Rasa's tracker store (TRACKER_DB, or TRACKER_DB_URL in scale-out mode) as the backend reads
and prunes it: the one module of the backend that knows its `events` table.

Rasa keeps one row per event, already redacted, with the conversation id as `sender_id`, the
event's `type_name`, its JSON as `data` and a UNIX `timestamp`. The tracker store starts a new
session when a conversation grows long, and Rasa hands its actions only the latest session, so
the earlier sessions of a transcript come from here; so do the reports' daily chat figures, and
retention deletes the old events here.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, inspect, make_url, text

from backend.settings import Settings
from privacy.transcript import transcript_lines

_EARLIER_SESSIONS = text(
    "SELECT data FROM events WHERE sender_id = :sender AND type_name IN ('user', 'bot') "
    "AND timestamp < (SELECT max(timestamp) FROM events "
    "WHERE sender_id = :sender AND type_name = 'session_started') ORDER BY id"
)
_USER_AND_BOT_BETWEEN = text(
    "SELECT sender_id, type_name, data FROM events WHERE timestamp >= :start "
    "AND timestamp < :end AND type_name IN ('user', 'bot') ORDER BY id"
)
_OLDER_THAN = text("DELETE FROM events WHERE timestamp < :cutoff")


@contextmanager
def _connection(settings: Settings) -> Iterator[Connection | None]:
    """A transaction on the tracker store, or None while Rasa has not created it (its SQLite
    file or its table)."""
    url = make_url(settings.tracker_database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        yield None
        return
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("events"):
            yield None
            return
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def earlier_sessions_transcript(settings: Settings, conversation_id: str) -> str:
    """The user and bot lines of every session before the conversation's latest one."""
    with _connection(settings) as connection:
        if connection is None:
            return ""
        rows = connection.execute(_EARLIER_SESSIONS, {"sender": conversation_id})
        return "\n".join(transcript_lines(json.loads(data) for (data,) in rows))


def user_and_bot_events(
    settings: Settings, start: datetime, end: datetime
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(conversation id, "user" or "bot", the event) for every user and bot event stored in
    [start, end), in the order stored; streamed, not loaded at once."""
    with _connection(settings) as connection:
        if connection is None:
            return
        rows = connection.execute(
            _USER_AND_BOT_BETWEEN, {"start": start.timestamp(), "end": end.timestamp()}
        )
        for sender, kind, data in rows:
            yield sender, kind, json.loads(data)


def delete_older_than(settings: Settings, cutoff: datetime) -> int:
    """Delete the events stored before `cutoff`; how many went."""
    with _connection(settings) as connection:
        if connection is None:
            return 0
        return int(connection.execute(_OLDER_THAN, {"cutoff": cutoff.timestamp()}).rowcount or 0)
