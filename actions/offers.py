"""Explain a problem and offer to file a request to Celia; the user's "no" to an offer."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, BackendRefusal, backend
from actions.dialogue import offer

log = logging.getLogger(__name__)


async def is_identified_registrar(tracker: Tracker) -> bool | None:
    """True/False as the backend knows the conversation; None when it cannot be asked."""
    try:
        info = await backend().conversation(tracker.sender_id)
    except (BackendError, BackendRefusal) as error:
        log.warning("identity look-up failed: %s", error)
        return None
    return info.registrar_id is not None


class ActionOfferUnlock(Action):
    def name(self) -> str:
        return "action_offer_unlock"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_locked_explain")
        dispatcher.utter_message(response="utter_offer_unlock")
        return offer("unlock")


class _OfferForIdentified:
    """Explain; offer the request only to a registrar the backend has identified.

    A mixin, not an Action: rasa-sdk registers every Action subclass it can find.
    """

    explain_response = ""
    offer_response = ""
    offer_name = ""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response=self.explain_response)
        identified = await is_identified_registrar(tracker)
        if identified is None:
            dispatcher.utter_message(response="utter_service_unavailable")
            return offer(None)
        if not identified:
            dispatcher.utter_message(response="utter_login_first")
            return offer(None)
        dispatcher.utter_message(response=self.offer_response)
        return offer(self.offer_name)


class ActionOfferReactivation(_OfferForIdentified, Action):
    explain_response = "utter_reactivation_explain"
    offer_response = "utter_offer_reactivation"
    offer_name = "reactivation"

    def name(self) -> str:
        return "action_offer_reactivation"


class ActionOfferDeliveryChange(_OfferForIdentified, Action):
    explain_response = "utter_delivery_explain"
    offer_response = "utter_offer_delivery_change"
    offer_name = "delivery_change"

    def name(self) -> str:
        return "action_offer_delivery_change"


class ActionDeclineOffer(Action):
    def name(self) -> str:
        return "action_decline_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("pending_offer") in ("unlock", "reactivation", "delivery_change"):
            dispatcher.utter_message(response="utter_no_request_made")
        else:
            dispatcher.utter_message(response="utter_ok")
        return offer(None)
