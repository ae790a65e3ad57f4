"""The compiled action-response validator (rasa_ext/action_validation.py)."""

import unittest

from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import rasa_ext  # noqa: F401  (installs the patches, as in the Rasa process)
from rasa_ext.action_validation import validate_action_result


class ActionValidationTests(unittest.TestCase):
    def test_responses_are_validated_with_the_compiled_validator(self) -> None:
        action = RemoteAction("action_answer_faq", None)
        self.assertIs(RemoteAction._validate_action_result, validate_action_result)
        self.assertTrue(
            action._validate_action_result(
                {
                    "events": [{"event": "slot", "name": "language", "value": "fi"}],
                    "responses": [
                        {"text": "Hei", "buttons": [{"title": "Kyllä", "payload": "/affirm"}]}
                    ],
                }
            )
        )
        for bad in ({"events": "not a list"}, {"events": [{"no_event_key": 1}]}):
            with self.assertRaises(ValidationError, msg=bad) as raised:
                action._validate_action_result(bad)
            self.assertIn("Failed to validate Action server response", raised.exception.message)
