"""Rule matching that does each piece of work once, not on every prediction.

RulePolicy stores its rules as JSON text and, to predict, checks every rule against every past
state of the session, parsing the rule's JSON again on each check (`_rule_key_to_state`). Two
predictions a turn made that parsing one of the largest parts of a prediction under load
(py-spy). The rules are fixed once the model is loaded and the parsed states are only read
(copied into reversed lists, compared), so each key's parse is kept.

The filtering itself (`_get_possible_keys`, every rule against each past state) was then the
largest part of a prediction left, about 1 ms a message. A rule is only checked against as many
of the latest states as it is long, so the answer depends only on the rules and the latest
states, as many as the longest rule has; registrars' conversations pass through the same few
such runs again and again (in a 2,000-message day, 247 distinct runs for 6,006 checks). A
policy loaded from a trained model (whose rules no longer change; training still prunes them in
place) remembers the answer for each run it has seen.
"""

import json
from collections.abc import Hashable, Sequence
from functools import lru_cache
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.generator import State

from rasa_ext.patching import Replacement, replace

rasa_rule_key_to_state = RulePolicy.__dict__["_rule_key_to_state"]  # the staticmethod itself
rasa_get_possible_keys = RulePolicy._get_possible_keys
rasa_load = RulePolicy.load.__func__

# Runs of states remembered per loaded policy; past this, the memory starts afresh.
POSSIBLE_KEYS_MEMORY = 4096
MEMORY_ATTRIBUTE = "_remembered_matches"


@lru_cache(maxsize=16384)
def rule_key_to_state(rule_key: str) -> list[State]:
    return json.loads(rule_key)


def frozen_states(states: Sequence[State]) -> Hashable | None:
    """The states as a hashable value (None when a value cannot be hashed)."""
    frozen = tuple(
        tuple(sorted((kind, tuple(sorted(part.items()))) for kind, part in state.items()))
        for state in states
    )
    try:
        hash(frozen)
    except TypeError:
        return None
    return frozen


class RememberedMatches:
    """A loaded policy's rule matches, by lookup table and run of latest states."""

    def __init__(self) -> None:
        self.longest_rule: dict[int, int] = {}
        self.matches: dict[Hashable, frozenset[str]] = {}

    def latest_states(self, lookup: dict[str, str], states: list[State]) -> Hashable | None:
        """The states the answer depends on, as a key (None when they cannot be one)."""
        longest = self.longest_rule.get(id(lookup))
        if longest is None:
            longest = max((len(rule_key_to_state(key)) for key in lookup), default=0)
            self.longest_rule[id(lookup)] = longest
        frozen = frozen_states(states[-longest:] if longest else [])
        return None if frozen is None else (id(lookup), frozen)


def possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[State]) -> set[str]:
    memory: RememberedMatches | None = self.__dict__.get(MEMORY_ATTRIBUTE)
    key = memory.latest_states(lookup, states) if memory else None
    if memory is None or key is None:
        return rasa_get_possible_keys(self, lookup, states)
    keys = memory.matches.get(key)
    if keys is None:
        if len(memory.matches) >= POSSIBLE_KEYS_MEMORY:
            memory.matches.clear()
        keys = memory.matches[key] = frozenset(rasa_get_possible_keys(self, lookup, states))
    return set(keys)


def load(
    cls: type[RulePolicy],
    config: dict[str, Any],
    model_storage: ModelStorage,
    resource: Resource,
    execution_context: ExecutionContext,
    **kwargs: Any,
) -> RulePolicy:
    """Rasa's load; the loaded policy's rules are final, so it remembers matches. Rasa's own
    types on the parameters: training validates them (`rasa.engine.validation`)."""
    policy = rasa_load(cls, config, model_storage, resource, execution_context, **kwargs)
    setattr(policy, MEMORY_ATTRIBUTE, RememberedMatches())
    return policy


def install() -> None:
    replace(
        Replacement(
            RulePolicy, "_rule_key_to_state", ("rule_key",), staticmethod(rule_key_to_state)
        ),
        Replacement(RulePolicy, "_get_possible_keys", ("self", "lookup", "states"), possible_keys),
        Replacement(
            RulePolicy,
            "load",
            ("cls", "config", "model_storage", "resource", "execution_context", "kwargs"),
            classmethod(load),
        ),
    )
