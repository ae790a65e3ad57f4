"""Answer from the FAQ index (/api/v1/ask), naming the source, or say plainly it is not covered."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, backend

log = logging.getLogger(__name__)


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = tracker.latest_message.get("text") or ""
        language = tracker.get_slot("language")
        try:
            result = await backend().ask(question, language)
        except BackendError as error:
            log.warning("FAQ look-up failed: %s", error)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if not result.answered or not result.answer:
            dispatcher.utter_message(response="utter_faq_not_covered")
            return []
        source = ", ".join(f"{s['document']}: {s['section']}" for s in result.sources)
        dispatcher.utter_message(response="utter_faq_answer", answer=result.answer, source=source)
        return []
