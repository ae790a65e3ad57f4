"""SQL tracker store that never writes a hetu, an e-mail address or a password-like text.

Rasa keeps every user message in its tracker store and has no masking of its own. This store
wraps Rasa's SQLTrackerStore: on save it writes a redacted copy of each new event (user text,
parse data, entity values, slot values, bot text), and an event broker, if one is configured,
gets the same redacted copies. The tracker in memory is untouched, so the
actions of the current turn still get what they need (a form that asks for a hetu completes and
files its request within the turn that received it); later turns read the redacted history.
"""

import itertools
from collections.abc import Iterator
from typing import Any

import sqlalchemy
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from privacy.redaction import EMAIL_MASK, HETU_MASK, redact

# Slots whose whole value is personal data (see domain.yml).
SENSITIVE_SLOTS = {"email": EMAIL_MASK, "hetu": HETU_MASK}
SENSITIVE_ENTITIES = SENSITIVE_SLOTS


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    return value


def _redact_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for entity in entities:
        entity = dict(entity)
        mask = SENSITIVE_ENTITIES.get(entity.get("entity", ""))
        entity["value"] = mask if mask else _redact_value(entity.get("value"))
        cleaned.append(entity)
    return cleaned


def redact_event(event: Event) -> Event:
    data = event.as_dict()
    kind = data.get("event")
    if kind in ("user", "bot") and isinstance(data.get("text"), str):
        data["text"] = redact(data["text"])
    if kind == "user":
        parse_data = dict(data.get("parse_data") or {})
        if isinstance(parse_data.get("text"), str):
            parse_data["text"] = redact(parse_data["text"])
        parse_data["entities"] = _redact_entities(parse_data.get("entities") or [])
        data["parse_data"] = parse_data
        data["metadata"] = _redact_value(data.get("metadata") or {})
    if kind == "slot" and data.get("value") is not None:
        mask = SENSITIVE_SLOTS.get(data.get("name", ""))
        data["value"] = mask if mask else _redact_value(data["value"])
    if kind == "bot":
        data["data"] = _redact_value(data.get("data") or {})
    redacted = Event.from_parameters(data)
    return redacted if redacted is not None else event


def _sqlite_connection_settings(dbapi_connection: Any, _record: Any) -> None:
    # Rasa writes the tracker on its event loop: with WAL + NORMAL a commit does not wait for
    # an fsync (the file is still never corrupt or half-written), and readers never wait.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _stored_since_session_start(events: sqlalchemy.Table) -> sqlalchemy.sql.Select:
    """Rasa's `_event_query(..., fetch_events_from_all_sessions=False).count()`: a conversation's
    events from its latest SessionStarted on, or all of them if it has none."""
    sender: sqlalchemy.sql.elements.BindParameter[str] = sqlalchemy.bindparam("sender_id")
    session_start = (
        sqlalchemy.select(sqlalchemy.func.max(events.c.timestamp))
        .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    return (
        sqlalchemy.select(sqlalchemy.func.count())
        .select_from(events)
        .where(
            events.c.sender_id == sender,
            sqlalchemy.or_(events.c.timestamp >= session_start, session_start.is_(None)),
        )
    )


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, writing (and streaming) only redacted copies of new events."""

    engine: sqlalchemy.engine.Engine  # set by SQLTrackerStore, which has no annotations

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self._pool_sqlite_connections()
        self._count_stored = _stored_since_session_start(self.SQLEvent.__table__)

    def _pool_sqlite_connections(self) -> None:
        """SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool): a
        connect, the settings and a close on every turn were a sixth of Rasa's CPU under load.
        Rasa uses the store from its event loop only, so a small pool of kept connections is
        safe."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sqlalchemy.create_engine(
            url,
            poolclass=QueuePool,
            pool_size=2,
            max_overflow=4,
            connect_args={"check_same_thread": False},
        )
        sqlalchemy.event.listen(self.engine, "connect", _sqlite_connection_settings)
        self.sessionmaker = sessionmaker(bind=self.engine)

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator:
        """Redacted copies of the events not stored yet. Rasa counts the stored ones with an ORM
        query built anew on every save and every new conversation (0.5 ms); the same count as
        one Core statement compiled once takes 0.07 ms (`python -m benchmarks tracker`)."""
        stored = session.execute(self._count_stored, {"sender_id": tracker.sender_id}).scalar()
        new_events = itertools.islice(tracker.events, stored, len(tracker.events))
        return (redact_event(event) for event in new_events)

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        redacted = [redact_event(event) for event in new_events]
        await super()._stream_new_events(event_broker, redacted, sender_id)
