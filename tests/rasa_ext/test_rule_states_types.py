"""The replaced RulePolicy.load keeps the parameter types `rasa train` validates
(rasa.engine.validation): with `Any` there, every training stopped with a
GraphSchemaValidationException."""

import typing
import unittest

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.validation import KEYWORDS_EXPECTED_TYPES

import rasa_ext  # noqa: F401  (installs the patches, as in the Rasa process)
from rasa_ext import rule_states


class RuleStatesTypeTests(unittest.TestCase):
    def test_load_has_the_types_training_validates(self) -> None:
        self.assertIs(RulePolicy.load.__func__, rule_states.load)
        hints = typing.get_type_hints(RulePolicy.load)
        for name, expected in KEYWORDS_EXPECTED_TYPES.items():
            with self.subTest(parameter=name):
                if isinstance(expected, type):
                    self.assertTrue(issubclass(hints[name], expected), hints[name])
                else:  # config: Dict[Text, Any]
                    self.assertIs(typing.get_origin(hints[name]), typing.get_origin(expected))
