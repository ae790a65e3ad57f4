"""Answer from the FAQ index (/api/v1/ask), naming the source, or say plainly it is not covered.

A yes / no with nothing offered comes here too: answered when the FAQ knows it ("ei hetua, mitä
nyt?"), otherwise only acknowledged, since a bare "joo" is no question to refuse.
"""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, BackendRefusal, backend
from actions.dialogue import offer

log = logging.getLogger(__name__)

YES_OR_NO = ("affirm", "deny")


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = (tracker.latest_message.get("text") or "")[:1000]
        in_form = tracker.active_loop_name is not None
        try:
            result = await backend().ask(question, tracker.get_slot("language"))
        except (BackendError, BackendRefusal) as error:
            log.warning("FAQ look-up failed: %s", error)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if result.answered and result.answer:
            source = "; ".join(f"{s['document']}, {s['section']}" for s in result.sources)
            dispatcher.utter_message(
                response="utter_faq_answer_dated" if result.caveat else "utter_faq_answer",
                answer=result.answer,
                caveat=result.caveat,
                source=source,
                # Lets the widget ask "Was this helpful?" about this entry.
                json_message={"faq_entry_id": result.entry_id},
            )
            return [] if in_form else offer(None)
        if tracker.latest_message.get("intent", {}).get("name") in YES_OR_NO:
            dispatcher.utter_message(response="utter_ok")
            return offer(None)
        dispatcher.utter_message(response="utter_faq_not_covered")
        if result.see_also and result.related_entry_id:
            # A near miss: the topic's entry shown as related, never as the answer.
            dispatcher.utter_message(
                text=result.see_also,
                json_message={"faq_related_entry_id": result.related_entry_id},
            )
        elif result.see_also:
            dispatcher.utter_message(text=result.see_also)
        if in_form:
            return []
        dispatcher.utter_message(response="utter_offer_handoff")
        return offer("handoff")
