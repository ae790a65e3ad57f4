"""A custom action gets the events of the current turn, the hand-off the whole session
(rasa_ext/action_payload.py); everything else in the call is Rasa's own."""

import unittest
from pathlib import Path
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import rasa_ext  # noqa: F401  (installs the patches, as in the Rasa process)
from rasa_ext import action_payload

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
ENDPOINT = EndpointConfig("http://127.0.0.1:1/webhook")  # never called


class ActionPayloadTests(unittest.TestCase):
    def setUp(self) -> None:
        self.tracker = DialogueStateTracker("c1", DOMAIN.slots)
        for event in (
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered("hei", {"name": "greet"}),
            ActionExecuted("action_greet"),
            BotUttered("Hei!"),
            ActionExecuted("action_listen"),
            UserUttered("unohdin salasanani", {"name": "password_reset"}),
            SlotSet("language", "fi"),
        ):
            self.tracker.update(event)

    def calls(self, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The call our patch makes, and the one Rasa makes."""
        action = RemoteAction(name, ENDPOINT)
        return (
            action._action_call_format(self.tracker, DOMAIN),
            action_payload.rasa_action_call_format(action, self.tracker, DOMAIN),
        )

    def test_an_action_gets_the_events_from_the_latest_user_message_on(self) -> None:
        ours, rasas = self.calls("action_answer_faq")
        self.assertEqual([e["event"] for e in ours["tracker"]["events"]], ["user", "slot"])
        self.assertEqual(ours["tracker"]["events"][0]["text"], "unohdin salasanani")
        rasas["tracker"]["events"] = rasas["tracker"]["events"][-2:]
        self.assertEqual(ours, rasas)

    def test_the_handoff_gets_the_whole_session(self) -> None:
        ours, rasas = self.calls("action_handoff")
        self.assertEqual(len(ours["tracker"]["events"]), len(self.tracker.events))
        self.assertEqual(len(self.tracker.events), 9)
        self.assertEqual(ours, rasas)

    def test_without_a_user_message_every_event_is_sent(self) -> None:
        fresh = DialogueStateTracker("c2", DOMAIN.slots)
        fresh.update(ActionExecuted("action_listen"))
        action = RemoteAction("action_greet", ENDPOINT)
        self.assertEqual(len(action._action_call_format(fresh, DOMAIN)["tracker"]["events"]), 1)
