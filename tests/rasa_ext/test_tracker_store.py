"""The redacting, session-bounding tracker store (rasa_ext/tracker_store.py) beside Rasa's own
SQLTrackerStore on the same database."""

import tempfile
import unittest
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.tracker_store import RedactingSQLTrackerStore

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


class StoreTestCase(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.db = str(Path(folder.name) / "tracker.db")


class CountingTests(StoreTestCase):
    """The store counts the events it has stored with its own statement; Rasa's store, on the
    same database, must count the same at every step, across a second conversation session."""

    def setUp(self) -> None:
        super().setUp()
        self.store = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=self.db)
        self.rasa_store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=self.db)
        self.clock = iter(range(1000, 2000))
        self.last = 0.0

    def pending(self, tracker: DialogueStateTracker) -> int:
        with self.store.session_scope() as session:
            ours = len(self.store._new_events(session, tracker))
            rasas = len(list(SQLTrackerStore._additional_events(self.rasa_store, session, tracker)))
        self.assertEqual(ours, rasas)
        return ours

    def at(self, event: Event) -> Event:
        """The event at the next moment; a session's first two events share one, as when Rasa
        starts a session."""
        if not isinstance(event, SessionStarted):
            self.last = float(next(self.clock))
        event.timestamp = self.last
        return event

    async def test_stored_events_are_counted_as_rasa_counts_them(self) -> None:
        store = self.store
        tracker = DialogueStateTracker("c1", DOMAIN.slots)
        for event in (
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered("hetu 131052-308T"),
        ):
            tracker.update(self.at(event))
        self.assertEqual(self.pending(tracker), 4)
        await store.save(tracker)
        self.assertEqual(self.pending(tracker), 0)
        tracker.update(self.at(SlotSet("email", "a@b.fi")))
        tracker.update(self.at(ActionExecuted("action_listen")))
        self.assertEqual(self.pending(tracker), 2)
        await store.save(tracker)
        self.assertEqual(self.pending(tracker), 0)
        # Rasa appends a new session to the same tracker when the old one expires; the next
        # turn retrieves the latest session only.
        for event in (
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
        ):
            tracker.update(self.at(event))
        self.assertEqual(self.pending(tracker), 3)
        await store.save(tracker)
        restored = await store.retrieve("c1")
        assert restored is not None
        self.assertEqual(len(restored.events), 3)
        self.assertEqual(self.pending(restored), 0)
        restored.update(self.at(UserUttered("hei taas")))
        self.assertEqual(self.pending(restored), 1)
        other = DialogueStateTracker("c2", DOMAIN.slots)
        other.update(self.at(UserUttered("hei")))
        self.assertEqual(self.pending(other), 1)
        everything = await store.retrieve_full_tracker("c1")
        self.assertEqual(len(everything.events), 9)
        self.assertNotIn("131052-308T", Path(self.db).read_bytes().decode("latin-1"))

    async def test_with_nothing_to_mask_rows_and_trackers_are_rasas_own(self) -> None:
        for name, writer in (("ours", self.store), ("rasas", self.rasa_store)):
            tracker = DialogueStateTracker(name, DOMAIN.slots)
            for event in (
                ActionExecuted("action_session_start"),
                SessionStarted(),
                ActionExecuted("action_listen"),
                UserUttered("hei", {"name": "greet"}),
                SlotSet("language", "fi"),
                ActionExecuted("action_listen"),
            ):
                event.timestamp = 5000.0 + len(tracker.events)
                tracker.update(event)
            await writer.save(tracker)
        with self.store.engine.connect() as connection:
            rows = {
                name: [
                    tuple(row)
                    for row in connection.exec_driver_sql(
                        "select type_name, intent_name, action_name, data from events "
                        "where sender_id = ? order by id",
                        (name,),
                    )
                ]
                for name in ("ours", "rasas")
            }
        self.assertEqual(len(rows["ours"]), 6)
        self.assertEqual(rows["ours"], rows["rasas"])
        for name in ("ours", "rasas"):
            ours, rasas = await self.store.retrieve(name), await self.rasa_store.retrieve(name)
            assert ours is not None and rasas is not None
            self.assertEqual(ours.current_state(), rasas.current_state())
            self.assertEqual(
                (await self.store.retrieve_full_tracker(name)).events,
                (await self.rasa_store.retrieve_full_tracker(name)).events,
            )
        self.assertIsNone(await self.store.retrieve("nobody"))

    async def test_the_latest_session_is_found_by_an_index_seek(self) -> None:
        """Not a scan of the conversation's events; a second store on the same database
        (another replica) starts fine."""
        tracker = DialogueStateTracker("c1", DOMAIN.slots)
        tracker.update(self.at(UserUttered("hei")))
        await self.store.save(tracker)
        RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=self.db)
        with self.store.engine.connect() as connection:
            for statement in (self.store._count_stored, self.store._read_session):
                sql = str(statement.compile(dialect=self.store.engine.dialect))
                plan = " ".join(
                    str(row[-1])
                    for row in connection.exec_driver_sql(
                        "EXPLAIN QUERY PLAN " + sql, tuple(["c1"] * sql.count("?"))
                    )
                )
                self.assertIn("events_sender_type_time", plan)
                self.assertNotIn("SCAN events", plan)


class SessionBoundTests(StoreTestCase):
    """A long conversation is cut into sessions of a bounded size: every turn reads at most one
    session, which carries the language, the active form and its slots (the hetu stays
    masked), while the full tracker keeps every turn."""

    async def turn(self, store: RedactingSQLTrackerStore, text: str, *events: Event) -> None:
        tracker = await store.retrieve("c1") or DialogueStateTracker("c1", DOMAIN.slots)
        closing = (BotUttered("ok " + text), ActionExecuted("action_listen"))
        for event in (UserUttered(text), *events, *closing):
            tracker.update(event)
        await store.save(tracker)

    async def test_a_long_conversation_reads_a_bounded_session_that_carries_its_state(
        self,
    ) -> None:
        store = RedactingSQLTrackerStore(
            DOMAIN, dialect="sqlite", db=self.db, max_session_events=12
        )
        await self.turn(store, "hej", SlotSet("language", "sv"))
        form = ActiveLoop("reactivation_form")
        await self.turn(
            store, "form", form, SlotSet("requested_slot", "hetu"), SlotSet("hetu", "131052-308T")
        )
        sizes = []
        for n in range(30):
            await self.turn(store, f"q{n}")
            session = await store.retrieve("c1")
            assert session is not None
            sizes.append(len(session.events))
        restored = await store.retrieve("c1")
        assert restored is not None
        self.assertLessEqual(max(sizes), 12 + 3)
        self.assertEqual(restored.get_slot("language"), "sv")
        self.assertEqual(restored.active_loop_name, "reactivation_form")
        self.assertEqual(restored.get_slot("requested_slot"), "hetu")
        self.assertEqual(restored.get_slot("hetu"), "[hetu]")
        self.assertEqual(restored.latest_action_name, "action_listen")
        full = await store.retrieve_full_tracker("c1")
        users = [event.text for event in full.events if isinstance(event, UserUttered)]
        self.assertEqual(users, ["hej", "form"] + [f"q{n}" for n in range(30)])
