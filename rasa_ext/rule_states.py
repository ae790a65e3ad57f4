"""Parse each learned rule once, not on every prediction.

RulePolicy stores its rules as JSON text and, to predict, checks every rule against every past
state of the session, parsing the rule's JSON again on each check (`_rule_key_to_state`). Two
predictions a turn made that parsing one of the largest parts of a prediction under load
(py-spy). The rules are fixed once the model is loaded and the parsed states are only read
(copied into reversed lists, compared), so each key's parse is kept.
"""

import json
from functools import lru_cache

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.generator import State

rasa_rule_key_to_state = RulePolicy.__dict__["_rule_key_to_state"]  # the staticmethod itself


@lru_cache(maxsize=16384)
def rule_key_to_state(rule_key: str) -> list[State]:
    return json.loads(rule_key)


def install() -> None:
    RulePolicy._rule_key_to_state = staticmethod(rule_key_to_state)
