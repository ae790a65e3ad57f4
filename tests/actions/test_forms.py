"""Form extraction and validation (actions/forms.py) without a Rasa server."""

import asyncio
import unittest
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import (
    FAILED,
    MAX_INVALID,
    ValidatePasswordResetForm,
    ValidateReactivationForm,
    valid_hetu,
)

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu_with_sign(birth: str, sign: str, individual: str = "903") -> str:
    return f"{birth}{sign}{individual}{CHECK_CHARACTERS[int(birth + individual) % 31]}"


def tracker(
    text: str, intent: str | None, requested: str | None, invalid_attempts: int = 0
) -> Tracker:
    return Tracker(
        sender_id="c0ffee",
        slots={"requested_slot": requested, "invalid_attempts": invalid_attempts},
        latest_message={"text": text, "intent": {"name": intent} if intent else {}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "reactivation_form"} if requested else {},
        latest_action_name="action_listen",
    )


def extract_hetu(text: str, intent: str | None, requested: str | None = "hetu") -> dict[str, Any]:
    form = ValidateReactivationForm()
    return asyncio.run(
        form.extract_hetu(CollectingDispatcher(), tracker(text, intent, requested), {})
    )


def extract_email(text: str, intent: str | None, requested: str | None = "email") -> dict[str, Any]:
    form = ValidatePasswordResetForm()
    return asyncio.run(
        form.extract_email(CollectingDispatcher(), tracker(text, intent, requested), {})
    )


class HetuTests(unittest.TestCase):
    def test_valid_hetus_in_every_century_sign_are_canonical(self) -> None:
        self.assertEqual(valid_hetu(" 131052-308t "), "131052-308T")
        for sign in "-YXWVU+ABCDEF":
            hetu = hetu_with_sign("010594" if sign not in "ABCDEF" else "010504", sign)
            self.assertEqual(valid_hetu(hetu.lower()), hetu, sign)

    def test_a_bad_checksum_is_refused(self) -> None:
        self.assertIsNone(valid_hetu("131052-308U"))
        self.assertIsNone(valid_hetu("not a hetu"))

    def test_a_hetu_shaped_answer_is_taken_whatever_nlu_guessed(self) -> None:
        self.assertEqual(extract_hetu("se on 131052-308T", "faq"), {"hetu": "131052-308T"})

    def test_control_intents_and_other_questions_are_not_answers(self) -> None:
        self.assertEqual(extract_hetu("peruuta", "stop"), {})
        self.assertEqual(extract_hetu("mikä on Celia?", "faq"), {})
        self.assertEqual(extract_hetu("hei", "greet"), {})
        # An intent added later is not an answer unless listed as one.
        self.assertEqual(extract_hetu("jotain", "some_new_intent"), {})

    def test_an_unplaced_text_is_an_answer_to_validate(self) -> None:
        self.assertEqual(extract_hetu("en tiedä", "nlu_fallback"), {"hetu": "en tiedä"})
        self.assertEqual(extract_hetu("en tiedä", "inform", requested="email"), {})

    def test_three_invalid_answers_end_the_form(self) -> None:
        form = ValidateReactivationForm()
        for attempt in range(MAX_INVALID - 1):
            dispatcher = CollectingDispatcher()
            result = form.validate_hetu(
                "123", dispatcher, tracker("123", "inform", "hetu", attempt), {}
            )
            self.assertEqual(result, {"hetu": None, "invalid_attempts": attempt + 1})
            self.assertEqual([m["response"] for m in dispatcher.messages], ["utter_invalid_hetu"])
        dispatcher = CollectingDispatcher()
        last = form.validate_hetu(
            "123", dispatcher, tracker("123", "inform", "hetu", MAX_INVALID - 1), {}
        )
        self.assertEqual(last, {"hetu": FAILED, "invalid_attempts": 0})
        self.assertEqual(dispatcher.messages, [])


class EmailTests(unittest.TestCase):
    def test_an_address_anywhere_in_the_message_is_the_answer(self) -> None:
        self.assertEqual(
            extract_email("osoite on Maija@Kirjasto.fi kiitos", "faq"),
            {"email": "Maija@Kirjasto.fi"},
        )

    def test_stop_wins_over_an_address(self) -> None:
        self.assertEqual(extract_email("peruuta maija@kirjasto.fi", "stop"), {})

    def test_a_non_address_answer_is_refused_and_counted(self) -> None:
        form = ValidatePasswordResetForm()
        dispatcher = CollectingDispatcher()
        result = form.validate_email(
            "maija at kirjasto", dispatcher, tracker("maija at kirjasto", "inform", "email"), {}
        )
        self.assertEqual(result, {"email": None, "invalid_attempts": 1})
        self.assertEqual([m["response"] for m in dispatcher.messages], ["utter_invalid_email"])
        ok = form.validate_email(
            "maija@kirjasto.fi", CollectingDispatcher(), tracker("", None, "email"), {}
        )
        self.assertEqual(ok, {"email": "maija@kirjasto.fi", "invalid_attempts": 0})
