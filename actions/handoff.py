"""Hand the conversation to Celia's staff: an escalation with the redacted transcript."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, BackendRefusal, backend
from actions.dialogue import offer, redacted_transcript, turn_key

log = logging.getLogger(__name__)


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reason = "asked_for_human" if intent == "human_handoff" else "unanswered_question"
        try:
            reference, expected = await backend().create_escalation(
                tracker.sender_id,
                reason,
                redacted_transcript(tracker),
                tracker.get_slot("language") or "fi",
                turn_key(tracker, "handoff"),
            )
        except (BackendError, BackendRefusal) as error:
            log.warning("escalation failed: %s", error)
            dispatcher.utter_message(response="utter_service_unavailable")
            return offer(None)
        dispatcher.utter_message(
            response="utter_handoff_done", reference=reference, answer_expected=expected
        )
        return offer(None)
