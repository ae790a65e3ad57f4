"""The trained model, as the server loads it: the plain graph runner, the classifier's matrix
and the parsed, remembered rules give Rasa's own parses and predictions (dask, Rasa's matrix and
rule parsing, on the same messages). Needs RASA_MODEL_FILE (tests/test_rasa_ext_unit.py)."""

import json
import os
import unittest
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import rasa_ext  # noqa: F401  (installs the patches, as in the Rasa process)
from rasa_ext import graph_runner, nlu_features, rule_states

TEXTS = [
    "hei",
    "Kuka voi olla Celian asiakas?",
    "unohdin salasanani",
    "Vem kan bli kund?",
    "I need a human",
    "kyllä",
    "asdf qwerty",
    "lukittu tunnus",
]


async def outcomes(processor: MessageProcessor) -> tuple[list[Any], list[Any]]:
    parses, predictions = [], []
    for text in TEXTS:
        parsed = await processor.parse_message(UserMessage(text))
        parses.append((parsed["intent"], parsed["intent_ranking"], parsed["entities"]))
        tracker = DialogueStateTracker("check", processor.domain.slots)
        for event in (ActionExecuted("action_listen"), UserUttered(text, parsed["intent"])):
            tracker.update(event)
        prediction = processor._predict_next_with_tracker(tracker)
        predictions.append((prediction.policy_name, list(prediction.probabilities)))
    return parses, predictions


def as_states(rule_key: str) -> list[dict[str, Any]]:
    """A rule's states as the policy sees a conversation's (lists as tuples)."""
    return [
        {
            kind: {
                name: tuple(value) if isinstance(value, list) else value
                for name, value in part.items()
            }
            for kind, part in state.items()
        }
        for state in json.loads(rule_key)
    ]


@unittest.skipUnless(os.environ.get("RASA_MODEL_FILE"), "needs RASA_MODEL_FILE, a trained model")
class PredictionTests(unittest.IsolatedAsyncioTestCase):
    async def test_the_patched_model_parses_and_predicts_as_rasa_does(self) -> None:
        agent = Agent.load(os.environ["RASA_MODEL_FILE"])
        processor = agent.processor
        assert processor is not None
        self.assertIsInstance(processor.graph_runner, graph_runner.SequentialGraphRunner)
        ours = await outcomes(processor)
        self.assertGreater(rule_states.rule_key_to_state.cache_info().hits, 0)
        # Conversations longer than any rule (one rule's states after another's): the matches
        # remembered by the latest states are the ones Rasa finds by checking every state.
        (policy,) = [
            node._component
            for node in processor.graph_runner._instantiated_nodes.values()
            if isinstance(node._component, RulePolicy)
        ]
        lookup = policy.lookup["rules"]
        rules = [as_states(key) for key in lookup]
        for before in rules:
            for last in rules[::3]:
                states = before + last
                self.assertEqual(
                    rule_states.possible_keys(policy, lookup, states),
                    rule_states.rasa_get_possible_keys(policy, lookup, states),
                )
        self.assertLess(len(policy._remembered_matches.matches), len(rules) * len(rules[::3]))
        # Asked again, the rule matches come from the loaded policy's memory, the same.
        rasa_match, matched = rule_states.rasa_get_possible_keys, []

        def counted(*args: Any) -> Any:
            matched.append(args)
            return rasa_match(*args)

        rule_states.rasa_get_possible_keys = counted
        try:
            self.assertEqual(await outcomes(processor), ours)
        finally:
            rule_states.rasa_get_possible_keys = rasa_match
        self.assertEqual(matched, [])
        # Rasa's own code, on the same loaded model (the patches are put back afterwards).
        self.addCleanup(rule_states.install)
        self.addCleanup(nlu_features.install)
        RulePolicy._get_possible_keys = rasa_match
        processor.graph_runner.__class__ = DaskGraphRunner
        LogisticRegressionClassifier._create_X = nlu_features.rasa_create_x
        CountVectorsFeaturizer._create_features = nlu_features.rasa_create_features
        RulePolicy._rule_key_to_state = rule_states.rasa_rule_key_to_state
        rasas = await outcomes(processor)
        self.assertEqual(ours, rasas)
        parses, predictions = ours
        self.assertEqual(parses[0][0]["name"], "greet")
        self.assertEqual(parses[1][0]["name"], "faq")
        self.assertTrue(predictions[0][1])
