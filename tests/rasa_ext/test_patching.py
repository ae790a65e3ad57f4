"""Each Rasa patch installs only on the Rasa it was written for: against a stand-in whose
target is missing, renamed, of another kind or taking other parameters, or on another Rasa
version, it fails loudly and changes nothing. And nlu_features refuses a pipeline with a
component that reads per-token features."""

import inspect
import re
import tempfile
import unittest
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any
from unittest import mock

import rasa
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)

import rasa_ext  # noqa: F401  (installs the patches, as in the Rasa process)
from rasa_ext import (
    action_payload,
    action_validation,
    endpoint_session,
    event_types,
    graph_runner,
    nlu_features,
    rule_states,
    run,
)
from rasa_ext.patching import PINNED_RASA_VERSION, PatchError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
METHOD, STATIC, CLASS = "function", "staticmethod", "classmethod"

# What each patch replaces or relies on, as Rasa 3.6.21 has it: (the name the patch module
# knows the owner by, attribute, kind, parameters).
TARGETS: dict[ModuleType, list[tuple[str, str, str, tuple[str, ...]]]] = {
    action_payload: [
        ("RemoteAction", "_action_call_format", METHOD, ("self", "tracker", "domain"))
    ],
    action_validation: [("RemoteAction", "_validate_action_result", METHOD, ("self", "result"))],
    endpoint_session: [("EndpointConfig", "session", METHOD, ("self",))],
    event_types: [("Event", "resolve_by_type", STATIC, ("type_name", "default"))],
    graph_runner: [
        ("DaskGraphRunner", "run", METHOD, ("self", "inputs", "targets")),
        ("DaskGraphRunner", "_build_dask_graph", METHOD, ("self", "schema")),
        ("DaskGraphRunner", "_add_inputs_to_graph", STATIC, ("inputs", "graph")),
        (
            "DaskGraphRunner",
            "__init__",
            METHOD,
            ("self", "graph_schema", "model_storage", "execution_context", "hooks"),
        ),
    ],
    nlu_features: [
        ("LogisticRegressionClassifier", "_create_X", METHOD, ("self", "messages")),
        ("CountVectorsFeaturizer", "_create_features", METHOD, ("self", "attribute", "all_tokens")),
        (
            "CountVectorsFeaturizer",
            "__init__",
            METHOD,
            (
                "self",
                "config",
                "model_storage",
                "resource",
                "execution_context",
                "vectorizers",
                "oov_token",
                "oov_words",
            ),
        ),
    ],
    run: [("rasa_io", "configure_colored_logging", METHOD, ("loglevel",))],
    rule_states: [
        ("RulePolicy", "_rule_key_to_state", STATIC, ("rule_key",)),
        ("RulePolicy", "_get_possible_keys", METHOD, ("self", "lookup", "states")),
        (
            "RulePolicy",
            "load",
            CLASS,
            ("cls", "config", "model_storage", "resource", "execution_context", "kwargs"),
        ),
    ],
}


def shaped(kind: str, parameters: tuple[str, ...]) -> Any:
    """A stand-in for a Rasa function of this kind that takes these parameters."""

    def stand_in(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a stand-in is never called")

    stand_in.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                name,
                inspect.Parameter.VAR_KEYWORD
                if name == "kwargs"
                else inspect.Parameter.POSITIONAL_OR_KEYWORD,
            )
            for name in parameters
        ]
    )
    wrap: Callable[[Any], Any] = {STATIC: staticmethod, CLASS: classmethod}.get(kind, lambda f: f)
    return wrap(stand_in)


def stand_ins(
    module: ModuleType, change: Callable[[dict[str, Any], str], None] | None = None, row: int = -1
) -> dict[str, Any]:
    """Stand-in classes for the module's targets, by the names the module knows them by;
    `change` alters the attributes of the `row`th target's class first."""
    attributes: dict[str, dict[str, Any]] = {}
    for number, (owner, name, kind, parameters) in enumerate(TARGETS[module]):
        attributes.setdefault(owner, {})[name] = shaped(kind, parameters)
        if number == row and change is not None:
            change(attributes[owner], name)
    owners: dict[str, Any] = {name: type(name, (), found) for name, found in attributes.items()}
    if module is graph_runner:  # the runner class is replaced in rasa.core.processor
        owners["processor"] = SimpleNamespace(DaskGraphRunner=owners["DaskGraphRunner"])
    return owners


def install_on(module: ModuleType, owners: dict[str, Any]) -> None:
    with mock.patch.multiple(module, **owners):
        module.install()


def unchanged(owners: dict[str, Any]) -> dict[str, Any]:
    return {name: dict(vars(owner)) for name, owner in owners.items()}


def replaced_rows(module: ModuleType) -> range:
    """The rows whose target the patch replaces (graph_runner replaces the runner class in
    rasa.core.processor and relies on the rows' methods)."""
    return range(0 if module is graph_runner else len(TARGETS[module]))


def delete(attributes: dict[str, Any], name: str) -> None:
    del attributes[name]


def rename(attributes: dict[str, Any], name: str) -> None:
    attributes[f"{name.strip('_')}_renamed"] = attributes.pop(name)


def other_parameters(attributes: dict[str, Any], name: str) -> None:
    found = attributes[name]
    function = found.__func__ if isinstance(found, staticmethod | classmethod) else found
    parameters = tuple(inspect.signature(function).parameters)
    kind = type(found).__name__ if isinstance(found, staticmethod | classmethod) else METHOD
    attributes[name] = shaped(kind, (*parameters[:-1], "renamed"))


def other_kind(attributes: dict[str, Any], name: str) -> None:
    found = attributes[name]
    if isinstance(found, staticmethod | classmethod):
        attributes[name] = found.__func__
    else:
        attributes[name] = staticmethod(found)


class GuardTests(unittest.TestCase):
    def test_the_pinned_rasa_is_the_one_installed_and_required(self) -> None:
        self.assertEqual(rasa.__version__, PINNED_RASA_VERSION)
        pins = (PROJECT_ROOT / "requirements" / "rasa.in").read_text(encoding="utf-8")
        self.assertIn(f"\nrasa=={PINNED_RASA_VERSION}\n", pins)

    def test_every_patch_is_installed_in_the_rasa_process(self) -> None:
        from rasa.core import processor
        from rasa.core.actions.action import RemoteAction
        from rasa.core.policies.rule_policy import RulePolicy
        from rasa.nlu.classifiers.logistic_regression_classifier import (
            LogisticRegressionClassifier,
        )
        from rasa.shared.core.events import Event
        from rasa.utils.endpoints import EndpointConfig

        self.assertIs(RemoteAction._action_call_format, action_payload.action_call_format)
        self.assertIs(
            RemoteAction._validate_action_result, action_validation.validate_action_result
        )
        self.assertIs(EndpointConfig.session, endpoint_session.kept_session)
        self.assertIs(Event.resolve_by_type, event_types.resolve_by_type)
        self.assertIs(processor.DaskGraphRunner, graph_runner.SequentialGraphRunner)
        self.assertIs(LogisticRegressionClassifier._create_X, nlu_features._create_x)
        self.assertIs(CountVectorsFeaturizer._create_features, nlu_features.sentence_features)
        self.assertIs(CountVectorsFeaturizer.__init__, nlu_features.featurizer_init)
        self.assertIs(RulePolicy._rule_key_to_state, rule_states.rule_key_to_state)
        self.assertIs(RulePolicy._get_possible_keys, rule_states.possible_keys)
        self.assertIs(RulePolicy.load.__func__, rule_states.load)

    def test_each_patch_installs_on_stand_ins_shaped_as_rasa_has_them(self) -> None:
        for module in TARGETS:
            owners = stand_ins(module)
            before = unchanged(owners)
            install_on(module, owners)
            after = unchanged(owners)
            for row in replaced_rows(module):
                owner, name, _, _ = TARGETS[module][row]
                self.assertIsNot(after[owner][name], before[owner][name], (module, name))
            if module is graph_runner:
                self.assertIs(
                    owners["processor"].DaskGraphRunner, graph_runner.SequentialGraphRunner
                )
            install_on(module, owners)  # a second time changes nothing
            self.assertEqual(unchanged(owners), after)

    def fails_loudly(
        self, change: Callable[[dict[str, Any], str], None], rows: Callable[[ModuleType], range]
    ) -> None:
        """For each module and target: with the target changed, install raises PatchError
        naming it, and replaces nothing."""
        for module in TARGETS:
            for row in rows(module):
                owner, name, _, _ = TARGETS[module][row]
                with self.subTest(module=module.__name__, target=f"{owner}.{name}"):
                    owners = stand_ins(module, change, row)
                    before = unchanged(owners)
                    # a class's constructor is named by the class
                    named = owner if name == "__init__" else name
                    with self.assertRaisesRegex(PatchError, re.escape(named)):
                        install_on(module, owners)
                    self.assertEqual(unchanged(owners), before)

    def test_a_missing_target_fails_loudly(self) -> None:
        self.fails_loudly(delete, lambda module: range(len(TARGETS[module])))

    def test_a_renamed_target_fails_loudly(self) -> None:
        self.fails_loudly(rename, lambda module: range(len(TARGETS[module])))

    def test_a_target_taking_other_parameters_fails_loudly(self) -> None:
        self.fails_loudly(other_parameters, lambda module: range(len(TARGETS[module])))

    def test_a_target_of_another_kind_fails_loudly(self) -> None:
        self.fails_loudly(other_kind, replaced_rows)

    def test_another_rasa_version_fails_loudly(self) -> None:
        for module in TARGETS:
            owners = stand_ins(module)
            before = unchanged(owners)
            with (
                mock.patch.object(rasa, "__version__", "3.6.22"),
                self.assertRaisesRegex(PatchError, "3.6.21, not 3.6.22"),
            ):
                install_on(module, owners)
            self.assertEqual(unchanged(owners), before)


def featurizer_in(pipeline: list[dict[str, Any]], policies: list[dict[str, Any]]) -> Any:
    """A count featurizer built as training builds it, in the graph of this configuration."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    config.update(pipeline=pipeline, policies=policies)
    schema: GraphSchema = (
        DefaultV1Recipe().graph_config_for_recipe(config, cli_parameters={}).train_schema
    )
    node_name = next(
        name for name, node in schema.nodes.items() if node.uses is CountVectorsFeaturizer
    )
    with tempfile.TemporaryDirectory() as folder:
        return CountVectorsFeaturizer.create(
            CountVectorsFeaturizer.get_default_config(),
            LocalModelStorage(Path(folder)),
            Resource(node_name),
            ExecutionContext(schema, node_name=node_name),
        )


class SequenceReaderTests(unittest.TestCase):
    """nlu_features makes no per-token features, so it refuses a graph with a component that
    reads them."""

    def setUp(self) -> None:
        config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
        self.pipeline: list[dict[str, Any]] = config["pipeline"]
        self.policies: list[dict[str, Any]] = config["policies"]

    def test_the_projects_pipeline_builds_its_featurizers(self) -> None:
        featurizer = featurizer_in(self.pipeline, self.policies)
        self.assertIsInstance(featurizer, CountVectorsFeaturizer)

    def test_a_pipeline_with_diet_or_crf_or_a_response_selector_is_refused(self) -> None:
        for reader in ("DIETClassifier", "CRFEntityExtractor", "ResponseSelector"):
            with (
                self.subTest(reader=reader),
                self.assertRaisesRegex(PatchError, f"{reader} read per-token features"),
            ):
                featurizer_in([*self.pipeline, {"name": reader, "epochs": 1}], self.policies)

    def test_a_ted_policy_is_refused(self) -> None:
        with self.assertRaisesRegex(PatchError, "TEDPolicy read per-token features"):
            featurizer_in(self.pipeline, [*self.policies, {"name": "TEDPolicy", "epochs": 1}])
