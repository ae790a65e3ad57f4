"""How long the tracker store takes to count a conversation's stored events, Rasa's ORM query
against the redacting store's compiled statement, on the same SQLite database.

Runs in the Rasa environment (`.venv-rasa/bin/python -m benchmarks.tracker_count`); prints one
JSON line. Rasa counts on every save and on every new conversation.
"""

import asyncio
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session

from rasa_ext.tracker_store import RedactingSQLTrackerStore

CONVERSATIONS = 500
CALLS = 2000


async def filled_store(db: str) -> tuple[RedactingSQLTrackerStore, DialogueStateTracker]:
    domain = Domain.load("domain.yml")
    store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=db)
    for number in range(CONVERSATIONS):
        tracker = DialogueStateTracker(f"c{number}", domain.slots)
        for event in (
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered("hei"),
            ActionExecuted("action_listen"),
        ):
            tracker.update(event)
        await store.save(tracker)
    return store, tracker


def microseconds_per_count(
    store: RedactingSQLTrackerStore, count_with: Callable[[Session], Iterator]
) -> float:
    with store.session_scope() as session:
        list(count_with(session))  # warm
        started = time.perf_counter()
        for _ in range(CALLS):
            list(count_with(session))
        return round((time.perf_counter() - started) / CALLS * 1e6, 1)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(figures_in(str(Path(folder) / "tracker.db"))))


def figures_in(db: str) -> dict:
    store, tracker = asyncio.run(filled_store(db))
    return {
        "rasa_orm_query_us": microseconds_per_count(
            store, lambda s: SQLTrackerStore._additional_events(store, s, tracker)
        ),
        "compiled_statement_us": microseconds_per_count(
            store, lambda s: store._new_events(s, tracker)
        ),
        "conversations": CONVERSATIONS,
    }


if __name__ == "__main__":
    main()
