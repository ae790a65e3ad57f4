"""SQL tracker store that never writes a hetu, an e-mail address or a password-like text.

Rasa keeps every user message in its tracker store and has no masking of its own. This store
wraps Rasa's SQLTrackerStore: on save it writes a redacted copy of each new event (user text,
parse data, entity values, slot values, bot text), and an event broker, if one is configured,
gets the same redacted copies. The tracker in memory is untouched, so the
actions of the current turn still get what they need (a form that asks for a hetu completes and
files its request within the turn that received it); later turns read the redacted history.

It also bounds the work of a turn. Rasa retrieves, replays and featurises every event of the
current session on every turn, so a registrar's day-long conversation got slower with each
message. Once a session holds `max_session_events` events and the turn has ended (the bot
listens), the store appends a new session, as Rasa's own `action_session_start` would, carrying
every slot and the active form over. The next turn reads only that new session; all sessions
stay stored (`retrieve_full_tracker`, and the backend's escalation transcripts).
"""

import itertools
import json
import logging
from typing import Any

import sqlalchemy
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from privacy.redaction import EMAIL_MASK, HETU_MASK, redact

logger = logging.getLogger(__name__)

# Indexes for reading a conversation's latest session (RedactingSQLTrackerStore._index_sessions).
SESSION_INDEXES = {
    "events_sender_type_time": ("sender_id", "type_name", "timestamp"),
    "events_sender_time": ("sender_id", "timestamp"),
}

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


def redacted_data(event: Event) -> dict[str, Any]:
    """The event as Rasa serialises it, with personal data masked."""
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
    return data


def redact_event(event: Event) -> Event:
    redacted = Event.from_parameters(redacted_data(event))
    return redacted if redacted is not None else event


def _sqlite_connection_settings(dbapi_connection: Any, _record: Any) -> None:
    # Rasa writes the tracker on its event loop: with WAL + NORMAL a commit does not wait for
    # an fsync (the file is still never corrupt or half-written), and readers never wait.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _in_latest_session(events: sqlalchemy.Table) -> sqlalchemy.sql.ColumnElement[bool]:
    """Rasa's `_event_query(..., fetch_events_from_all_sessions=False)` filter: a conversation's
    events from its latest SessionStarted on, or all of them if it has none."""
    sender: sqlalchemy.sql.elements.BindParameter[str] = sqlalchemy.bindparam("sender_id")
    session_start = (
        sqlalchemy.select(sqlalchemy.func.max(events.c.timestamp))
        .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    return sqlalchemy.and_(
        events.c.sender_id == sender,
        sqlalchemy.or_(events.c.timestamp >= session_start, session_start.is_(None)),
    )


def events_in_session(tracker: DialogueStateTracker) -> int:
    """How many of the tracker's events belong to its latest session."""
    for back, event in enumerate(reversed(tracker.events)):
        if isinstance(event, SessionStarted):
            return back + 1
    return len(tracker.events)


def session_rollover(tracker: DialogueStateTracker) -> list[Event]:
    """The events that start a new session carrying over the slots and the active form.
    Made in order: the store reads a session from its SessionStarted's timestamp on."""
    events: list[Event] = [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted()]
    events += [
        SlotSet(slot.name, slot.value)
        for slot in tracker.slots.values()
        if slot.value != slot.initial_value
    ]
    if tracker.active_loop_name:
        events.append(ActiveLoop(tracker.active_loop_name))
    events.append(ActionExecuted(ACTION_LISTEN_NAME))
    return events


def should_roll_over(tracker: DialogueStateTracker, max_session_events: int) -> bool:
    """A long session whose turn has ended: the bot listens, nothing follows, not paused."""
    return (
        tracker.latest_action_name == ACTION_LISTEN_NAME
        and isinstance(tracker.events[-1], ActionExecuted)
        and tracker.followup_action in (None, ACTION_LISTEN_NAME)
        and not tracker.is_paused()
        and events_in_session(tracker) >= max_session_events
    )


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, writing (and streaming) only redacted copies of new events,
    and starting a new session when the current one grows long."""

    engine: sqlalchemy.engine.Engine  # set by SQLTrackerStore, which has no annotations

    def __init__(self, *args: Any, max_session_events: int = 30, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_session_events = int(max_session_events)
        if self.engine.dialect.name == "sqlite":
            self._pool_sqlite_connections()
        events = self.SQLEvent.__table__
        self._index_sessions()
        in_session = _in_latest_session(events)
        self._count_stored = sqlalchemy.select(sqlalchemy.func.count()).where(in_session)
        in_order = events.c.timestamp
        self._read_session = sqlalchemy.select(events.c.data).where(in_session).order_by(in_order)
        self._read_all = (
            sqlalchemy.select(events.c.data)
            .where(events.c.sender_id == sqlalchemy.bindparam("sender_id"))
            .order_by(in_order)
        )
        self._insert = events.insert()

    def _index_sessions(self) -> None:
        """Rasa indexes the events by conversation alone, so finding a conversation's latest
        session (on every read and save) scanned all of its events, and a day-long conversation
        got slower with each turn. These indexes make both a seek; every replica may try to
        create them at once, so "already there" is fine."""
        for name, columns in SESSION_INDEXES.items():
            try:
                with self.engine.begin() as connection:
                    connection.exec_driver_sql(
                        f"CREATE INDEX IF NOT EXISTS {name} ON events ({', '.join(columns)})"
                    )
            except sqlalchemy.exc.DBAPIError as error:
                logger.info("index %s not created here (%s)", name, type(error).__name__)

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

    # Reads and writes below are Rasa's, as SQL statements built once: Rasa's ORM queries,
    # built anew on every turn, and its one ORM object per new event were a quarter of the
    # store's time (py-spy); the statements are the same (`python -m benchmarks tracker`).

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        query = self._read_all if fetch_events_from_all_sessions else self._read_session
        with self.engine.connect() as connection:
            rows = connection.execute(query, {"sender_id": sender_id}).scalars()
            events = [json.loads(data) for data in rows]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if should_roll_over(tracker, self.max_session_events):
            for event in session_rollover(tracker):
                tracker.update(event)
        await self.stream_events(tracker)
        with self.engine.begin() as connection:
            rows = [
                _row(tracker.sender_id, event) for event in self._new_events(connection, tracker)
            ]
            if rows:
                connection.execute(self._insert, rows)

    def _new_events(self, connection: Connection | Session, tracker: DialogueStateTracker) -> list:
        """The tracker's events not stored yet (Rasa's `_additional_events`)."""
        stored = connection.execute(self._count_stored, {"sender_id": tracker.sender_id})
        return list(itertools.islice(tracker.events, stored.scalar(), len(tracker.events)))

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        redacted = [redact_event(event) for event in new_events]
        await super()._stream_new_events(event_broker, redacted, sender_id)


def _row(sender_id: str, event: Event) -> dict[str, Any]:
    """The row Rasa's SQLTrackerStore.save writes for an event, from its redacted copy."""
    data = redacted_data(event)
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": ((data.get("parse_data") or {}).get("intent") or {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
