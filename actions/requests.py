"""Submit actions of the forms: file the request with the backend and confirm with a reference."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, BackendRefusal, FiledRequest, backend
from actions.dialogue import offer, turn_key
from actions.forms import FAILED

log = logging.getLogger(__name__)

# The backend's reason codes for refusing a filed request (backend/services/errors.py:
# RefusalCode) and the response that says it in the conversation's language.
REFUSALS = {
    "login_required": "utter_login_first",
    **{
        code: f"utter_refused_{code}"
        for code in (
            "invalid_hetu",
            "unknown_customer",
            "not_marked_for_deletion",
            "already_online",
            "no_unit",
            "choose_unit",
            "not_your_unit",
        )
    },
}


def refusal_response(code: str | None) -> str:
    """The response for a refusal; a code unknown here gets a general one (never the detail,
    which is in English)."""
    return REFUSALS.get(code or "", "utter_refused_other")


def _forget(slot: str) -> list[dict[str, Any]]:
    """Personal data is needed only for the call: clear it from the conversation at once."""
    return [SlotSet(slot, None), SlotSet("invalid_attempts", 0)]


def _gave_up(dispatcher: CollectingDispatcher, slot: str) -> list[dict[str, Any]]:
    dispatcher.utter_message(response="utter_too_many_attempts")
    dispatcher.utter_message(response="utter_offer_handoff")
    return [*_forget(slot), *offer("handoff")]


class ActionRequestPasswordReset(Action):
    def name(self) -> str:
        return "action_request_password_reset"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        email = tracker.get_slot("email")
        if email == FAILED or not email:
            return _gave_up(dispatcher, "email")
        try:
            await backend().request_password_reset(tracker.sender_id, email)
        except BackendError as error:
            log.warning("password reset request failed: %s", error)
            dispatcher.utter_message(response="utter_service_unavailable")
            return _forget("email")
        except BackendRefusal as error:
            # Rate limits and the like: the answer must not reveal whether the account exists.
            log.info("password reset refused: %s", error.status)
        dispatcher.utter_message(response="utter_password_reset_sent")
        return _forget("email")


class ActionFileUnlockRequest(Action):
    def name(self) -> str:
        return "action_file_unlock_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        email = tracker.get_slot("email")
        if email == FAILED or not email:
            return _gave_up(dispatcher, "email")
        try:
            reference = await backend().request_unlock(
                tracker.sender_id, email, turn_key(tracker, "unlock")
            )
        except (BackendError, BackendRefusal) as error:
            log.warning("unlock request failed: %s", error)
            dispatcher.utter_message(response="utter_service_unavailable")
            return [*_forget("email"), *offer(None)]
        if reference:
            dispatcher.utter_message(response="utter_unlock_filed", reference=reference)
        else:
            dispatcher.utter_message(response="utter_unlock_received")
        return [*_forget("email"), *offer(None)]


class _FileCustomerRequest:
    """File a request about a customer identified by hetu (logged-in registrar only).

    A mixin, not an Action: rasa-sdk registers every Action subclass it can find.
    """

    filed_response = ""
    purpose = ""

    async def file(self, tracker: Tracker, hetu: str) -> FiledRequest:
        raise NotImplementedError

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        hetu = tracker.get_slot("hetu")
        if hetu == FAILED or not hetu:
            return _gave_up(dispatcher, "hetu")
        try:
            filed = await self.file(tracker, hetu)
        except BackendRefusal as error:
            log.info("%s request refused: %s %s", self.purpose, error.status, error.code)
            dispatcher.utter_message(response=refusal_response(error.code))
            return [*_forget("hetu"), *offer(None)]
        except BackendError as error:
            log.warning("%s request failed: %s", self.purpose, error)
            dispatcher.utter_message(response="utter_service_unavailable")
            return [*_forget("hetu"), *offer(None)]
        dispatcher.utter_message(
            response=self.filed_response,
            reference=filed.reference,
            masked_hetu=filed.masked_hetu or "",
        )
        return [*_forget("hetu"), *offer(None)]


class ActionFileReactivation(_FileCustomerRequest, Action):
    filed_response = "utter_reactivation_filed"
    purpose = "reactivation"

    def name(self) -> str:
        return "action_file_reactivation"

    async def file(self, tracker: Tracker, hetu: str) -> FiledRequest:
        return await backend().request_reactivation(
            tracker.sender_id, hetu, turn_key(tracker, self.purpose)
        )


class ActionFileDeliveryChange(_FileCustomerRequest, Action):
    filed_response = "utter_delivery_change_filed"
    purpose = "delivery_change"

    def name(self) -> str:
        return "action_file_delivery_change"

    async def file(self, tracker: Tracker, hetu: str) -> FiledRequest:
        return await backend().request_delivery_change(
            tracker.sender_id, hetu, turn_key(tracker, self.purpose)
        )
