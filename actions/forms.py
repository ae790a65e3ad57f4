"""Slot extraction and validation for the forms (e-mail, hetu), with a limit on bad tries.

The hetu is checked here with python-stdnum (checksum, date, temporary 900-999 range, the 2023
century signs); NLU's regex only finds candidates. After three invalid answers the slot gets
FAILED, the form ends, and the submit action offers a hand-off instead of asking forever.
"""

import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from stdnum.fi import hetu as stdnum_hetu

from privacy.redaction import EMAIL_PATTERN, HETU_PATTERN

FAILED = "__failed__"
MAX_INVALID = 3
# Intents that can be an answer to the form's question (a typed address or hetu, a yes or no, or
# text NLU could not place); every other intent, a new one included, goes to the rules.
ANSWER_INTENTS = {"inform", "affirm", "deny", "nlu_fallback", None}


# These always win over a form, even when the message also holds an e-mail or a hetu.
CONTROL_INTENTS = {"stop", "human_handoff"}


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _is_answer(tracker: Tracker, slot: str) -> bool:
    return tracker.get_slot("requested_slot") == slot and _intent(tracker) in ANSWER_INTENTS


def _invalid(
    dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, response: str
) -> dict[str, Any]:
    attempts = int(tracker.get_slot("invalid_attempts") or 0) + 1
    if attempts >= MAX_INVALID:
        return {slot: FAILED, "invalid_attempts": 0}
    dispatcher.utter_message(response=response)
    return {slot: None, "invalid_attempts": attempts}


def valid_hetu(text: str) -> str | None:
    candidate = re.sub(r"\s+", "", text).upper()
    if stdnum_hetu.is_valid(candidate, allow_temporary=True):
        return stdnum_hetu.compact(candidate)
    return None


class _EmailSlot:
    """Mixin (not an Action, which rasa-sdk would try to register)."""

    async def extract_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if _intent(tracker) in CONTROL_INTENTS:
            return {}
        text = tracker.latest_message.get("text") or ""
        match = EMAIL_PATTERN.search(text)
        if match:  # an address is an answer whatever intent NLU guessed
            return {"email": match.group(0)}
        if _is_answer(tracker, "email"):
            return {"email": text.strip()[:200]}  # validated (and refused) below
        return {}

    def validate_email(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        if value == FAILED or (isinstance(value, str) and EMAIL_PATTERN.fullmatch(value)):
            return {"email": value, "invalid_attempts": 0}
        return _invalid(dispatcher, tracker, "email", "utter_invalid_email")


class ValidatePasswordResetForm(_EmailSlot, FormValidationAction):
    def name(self) -> str:
        return "validate_password_reset_form"


class ValidateUnlockForm(_EmailSlot, FormValidationAction):
    def name(self) -> str:
        return "validate_unlock_form"


class _HetuSlot:
    """Mixin (not an Action, which rasa-sdk would try to register)."""

    async def extract_hetu(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if _intent(tracker) in CONTROL_INTENTS or tracker.get_slot("requested_slot") != "hetu":
            return {}
        text = tracker.latest_message.get("text") or ""
        match = HETU_PATTERN.search(text)
        if match:  # a hetu-shaped answer counts whatever intent NLU guessed
            return {"hetu": match.group(0)}
        return {"hetu": text.strip()[:20]} if _is_answer(tracker, "hetu") else {}

    def validate_hetu(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        if value == FAILED:
            return {"hetu": FAILED}
        hetu = valid_hetu(value) if isinstance(value, str) else None
        if hetu:
            return {"hetu": hetu, "invalid_attempts": 0}
        return _invalid(dispatcher, tracker, "hetu", "utter_invalid_hetu")


class ValidateReactivationForm(_HetuSlot, FormValidationAction):
    def name(self) -> str:
        return "validate_reactivation_form"


class ValidateDeliveryChangeForm(_HetuSlot, FormValidationAction):
    def name(self) -> str:
        return "validate_delivery_change_form"
