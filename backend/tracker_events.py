"""Read Rasa's tracker store (TRACKER_DB, or TRACKER_DB_URL in scale-out mode) from the backend.

Rasa keeps one row per event, already redacted, with the conversation id as `sender_id` and a
UNIX `timestamp`. The tracker store starts a new session when a conversation grows long, and Rasa
hands its actions only the latest session, so the earlier sessions of a transcript come from here.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, make_url, text

from backend.settings import Settings
from privacy.transcript import transcript_lines

_EARLIER_SESSIONS = text(
    "SELECT data FROM events WHERE sender_id = :sender AND type_name IN ('user', 'bot') "
    "AND timestamp < (SELECT max(timestamp) FROM events "
    "WHERE sender_id = :sender AND type_name = 'session_started') ORDER BY id"
)


@contextmanager
def tracker_connection(settings: Settings) -> Iterator[Connection | None]:
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
    with tracker_connection(settings) as connection:
        if connection is None:
            return ""
        rows = connection.execute(_EARLIER_SESSIONS, {"sender": conversation_id})
        return "\n".join(transcript_lines(json.loads(data) for (data,) in rows))
