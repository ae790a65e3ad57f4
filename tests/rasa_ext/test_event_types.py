"""Event classes looked up once (rasa_ext/event_types.py)."""

import unittest

from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

import rasa_ext  # noqa: F401  (installs the patches, as in the Rasa process)
from rasa_ext import event_types


class EventTypeTests(unittest.TestCase):
    def test_every_event_type_resolves_to_rasas_class_first_time_and_from_memory(self) -> None:
        self.assertIs(Event.resolve_by_type, event_types.resolve_by_type)
        classes = [cls for cls in all_subclasses(Event) if cls.type_name != "event"]
        for _ in range(2):
            for cls in classes:
                rasas = event_types._rasa_resolve_by_type(cls.type_name)
                self.assertIs(Event.resolve_by_type(cls.type_name), rasas)
        slot = {"event": "slot", "name": "language", "value": "sv", "timestamp": 1.0}
        self.assertEqual(Event.from_parameters(slot), SlotSet("language", "sv", timestamp=1.0))

    def test_an_unknown_name_fails_as_in_rasa_and_is_not_remembered(self) -> None:
        with self.assertRaisesRegex(ValueError, "Unknown event name"):
            Event.resolve_by_type("no_such_event")
        self.assertIs(Event.resolve_by_type("no_such_event", UserUttered), UserUttered)
        self.assertNotIn("no_such_event", event_types._found)
