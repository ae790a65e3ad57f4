"""rasa_ext as the Rasa process loads it (run in .venv-rasa, like `rasa run`)."""

import subprocess
from pathlib import Path

import pytest

from launcher.paths import PROJECT_ROOT, RASA_PYTHON

pytestmark = pytest.mark.integration

CHECK_VALIDATOR = """
import rasa_ext
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa_ext.action_validation import validate_action_result

action = RemoteAction("action_answer_faq", None)
assert RemoteAction._validate_action_result is validate_action_result
assert action._validate_action_result(
    {"events": [{"event": "slot", "name": "language", "value": "fi"}],
     "responses": [{"text": "Hei", "buttons": [{"title": "Kyllä", "payload": "/affirm"}]}]}
)
for bad in ({"events": "not a list"}, {"events": [{"no_event_key": 1}]}):
    try:
        action._validate_action_result(bad)
    except ValidationError as error:
        assert "Failed to validate Action server response" in error.message
    else:
        raise AssertionError(f"accepted {bad}")
print("checked")
"""


# The redacting store counts the events it has stored with its own statement; Rasa's store, on
# the same database, must count the same at every step, across a second conversation session.
CHECK_TRACKER_STORE = """
import asyncio, sys, tempfile
from pathlib import Path
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_ext.tracker_store import RedactingSQLTrackerStore

domain = Domain.load("domain.yml")
folder = tempfile.TemporaryDirectory()
db = str(Path(folder.name) / "tracker.db")
store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=db)
rasa_store = SQLTrackerStore(domain, dialect="sqlite", db=db)

def pending(tracker):
    with store.session_scope() as session:
        ours = len(store._new_events(session, tracker))
        rasas = len(list(SQLTrackerStore._additional_events(rasa_store, session, tracker)))
    assert ours == rasas, (ours, rasas)
    return ours

clock = iter(range(1000, 2000))
def at(event):
    # A session's first two events share a moment, as when Rasa starts a session.
    event.timestamp = float(next(clock)) if not isinstance(event, SessionStarted) else last[0]
    last[0] = event.timestamp
    return event
last = [0.0]

async def main():
    tracker = DialogueStateTracker("c1", domain.slots)
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen"), UserUttered("hetu 131052-308T")):
        tracker.update(at(event))
    assert pending(tracker) == 4
    await store.save(tracker)
    assert pending(tracker) == 0
    tracker.update(at(SlotSet("email", "a@b.fi")))
    tracker.update(at(ActionExecuted("action_listen")))
    assert pending(tracker) == 2
    await store.save(tracker)
    assert pending(tracker) == 0
    # Rasa appends a new session to the same tracker when the old one expires; the next turn
    # retrieves the latest session only.
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen")):
        tracker.update(at(event))
    assert pending(tracker) == 3
    await store.save(tracker)
    restored = await store.retrieve("c1")
    assert len(restored.events) == 3, len(restored.events)
    assert pending(restored) == 0
    restored.update(at(UserUttered("hei taas")))
    assert pending(restored) == 1
    other = DialogueStateTracker("c2", domain.slots)
    other.update(at(UserUttered("hei")))
    assert pending(other) == 1
    everything = await store.retrieve_full_tracker("c1")
    assert len(everything.events) == 9, len(everything.events)
    assert "131052-308T" not in Path(db).read_bytes().decode("latin-1")
    # With nothing to mask, the rows written and the trackers read back are Rasa's own.
    for name, writer in (("ours", store), ("rasas", rasa_store)):
        tracker = DialogueStateTracker(name, domain.slots)
        for event in (ActionExecuted("action_session_start"), SessionStarted(),
                      ActionExecuted("action_listen"), UserUttered("hei", {"name": "greet"}),
                      SlotSet("language", "fi"), ActionExecuted("action_listen")):
            event.timestamp = 5000.0 + len(tracker.events)
            tracker.update(event)
        await writer.save(tracker)
    with store.engine.connect() as connection:
        rows = {name: [tuple(row) for row in connection.exec_driver_sql(
            "select type_name, intent_name, action_name, data from events "
            "where sender_id = ? order by id", (name,))] for name in ("ours", "rasas")}
    assert len(rows["ours"]) == 6 and rows["ours"] == rows["rasas"], rows
    for name in ("ours", "rasas"):
        assert (await store.retrieve(name)).current_state() == (
            await rasa_store.retrieve(name)).current_state()
        assert (await store.retrieve_full_tracker(name)).events == (
            await rasa_store.retrieve_full_tracker(name)).events
    assert await store.retrieve("nobody") is None
    # Finding the latest session is an index seek, not a scan of the conversation's events;
    # a second store on the same database (another replica) starts fine.
    RedactingSQLTrackerStore(domain, dialect="sqlite", db=db)
    with store.engine.connect() as connection:
        for statement in (store._count_stored, store._read_session):
            sql = str(statement.compile(dialect=store.engine.dialect))
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + sql, tuple(["c1"] * sql.count("?"))))
            assert "events_sender_type_time" in plan and "SCAN events" not in plan, plan
    print("checked")

asyncio.run(main())
folder.cleanup()
"""


# A long conversation is cut into sessions of a bounded size: every turn reads at most one
# session, which carries the language, the active form and its slots (the hetu stays masked),
# while the full tracker keeps every turn.
CHECK_SESSION_BOUND = """
import asyncio, tempfile
from pathlib import Path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_ext.tracker_store import RedactingSQLTrackerStore

domain = Domain.load("domain.yml")
folder = tempfile.TemporaryDirectory()
db = str(Path(folder.name) / "t.db")
store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=db, max_session_events=12)

async def turn(text, *events):
    tracker = await store.retrieve("c1") or DialogueStateTracker("c1", domain.slots)
    closing = (BotUttered("ok " + text), ActionExecuted("action_listen"))
    for event in (UserUttered(text), *events, *closing):
        tracker.update(event)
    await store.save(tracker)
    return tracker

async def main():
    await turn("hej", SlotSet("language", "sv"))
    form = ActiveLoop("reactivation_form")
    await turn("form", form, SlotSet("requested_slot", "hetu"), SlotSet("hetu", "131052-308T"))
    sizes = []
    for n in range(30):
        await turn(f"q{n}")
        sizes.append(len((await store.retrieve("c1")).events))
    restored = await store.retrieve("c1")
    assert max(sizes) <= 12 + 3, sizes
    assert restored.get_slot("language") == "sv"
    assert restored.active_loop_name == "reactivation_form"
    assert restored.get_slot("requested_slot") == "hetu"
    assert restored.get_slot("hetu") == "[hetu]"
    assert restored.latest_action_name == "action_listen"
    full = await store.retrieve_full_tracker("c1")
    users = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert users == ["hej", "form"] + [f"q{n}" for n in range(30)], users
    print("checked")

asyncio.run(main())
folder.cleanup()
"""

# Every event type Rasa knows deserialises to the class Rasa's own lookup gives, the first time
# and from memory; an unknown name still fails as Rasa fails, and is not remembered.
CHECK_EVENT_TYPES = """
import rasa_ext
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses
from rasa_ext import event_types

assert Event.resolve_by_type is event_types.resolve_by_type
classes = [cls for cls in all_subclasses(Event) if cls.type_name != "event"]
for _ in range(2):
    for cls in classes:
        rasas = event_types._rasa_resolve_by_type(cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is rasas
slot = {"event": "slot", "name": "language", "value": "sv", "timestamp": 1.0}
assert Event.from_parameters(slot) == SlotSet("language", "sv", timestamp=1.0)
try:
    Event.resolve_by_type("no_such_event")
except ValueError as error:
    assert "Unknown event name" in str(error)
else:
    raise AssertionError("an unknown event type resolved")
assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
assert "no_such_event" not in event_types._found
print("checked")
"""


# The trained model, as the server loads it: the plain graph runner, the classifier's matrix and
# the parsed rules give Rasa's own parses and predictions (dask, Rasa's matrix and rule parsing,
# on the same messages).
CHECK_PREDICTIONS = """
import asyncio, json, sys
import rasa_ext
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer)
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.core.policies.rule_policy import RulePolicy
from rasa_ext import graph_runner, nlu_features, rule_states

TEXTS = ["hei", "Kuka voi olla Celian asiakas?", "unohdin salasanani",
         "Vem kan bli kund?", "I need a human", "kyllä", "asdf qwerty", "lukittu tunnus"]

async def outcomes(processor):
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

async def main():
    agent = Agent.load(sys.argv[1])
    processor = agent.processor
    assert isinstance(processor.graph_runner, graph_runner.SequentialGraphRunner)
    ours = await outcomes(processor)
    assert rule_states.rule_key_to_state.cache_info().hits > 0
    # Conversations longer than any rule (one rule's states after another's): the matches
    # remembered by the latest states are the ones Rasa finds by checking every state.
    (policy,) = [node._component for node in processor.graph_runner._instantiated_nodes.values()
                 if isinstance(node._component, RulePolicy)]
    lookup = policy.lookup["rules"]
    rules = [[{kind: {name: tuple(value) if isinstance(value, list) else value
                      for name, value in part.items()} for kind, part in state.items()}
              for state in json.loads(key)] for key in lookup]
    for before in rules:
        for last in rules[::3]:
            states = before + last
            assert rule_states.possible_keys(policy, lookup, states) == \
                rule_states.rasa_get_possible_keys(policy, lookup, states), states
    assert len(policy._remembered_matches.matches) < len(rules) * len(rules[::3])
    # Asked again, the rule matches come from the loaded policy's memory, the same.
    rasa_match, matched = rule_states.rasa_get_possible_keys, []
    rule_states.rasa_get_possible_keys = lambda *args: matched.append(args) or rasa_match(*args)
    assert await outcomes(processor) == ours and not matched
    rule_states.rasa_get_possible_keys = rasa_match
    RulePolicy._get_possible_keys = rasa_match
    processor.graph_runner.__class__ = DaskGraphRunner
    LogisticRegressionClassifier._create_X = nlu_features.rasa_create_x
    CountVectorsFeaturizer._create_features = nlu_features.rasa_create_features
    RulePolicy._rule_key_to_state = rule_states.rasa_rule_key_to_state
    rasas = await outcomes(processor)
    assert ours == rasas, (ours, rasas)
    parses, predictions = ours
    assert parses[0][0]["name"] == "greet" and parses[1][0]["name"] == "faq", parses
    assert len({policy for policy, _ in predictions}) >= 1 and predictions[0][1], predictions
    print("checked")

asyncio.run(main())
"""


# A custom action gets the events from the latest user message on, the hand-off the whole
# session; everything else in the call is Rasa's own.
CHECK_ACTION_PAYLOAD = """
import rasa_ext
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_ext import action_payload

domain = Domain.load("domain.yml")
endpoint = EndpointConfig("http://127.0.0.1:1/webhook")
tracker = DialogueStateTracker("c1", domain.slots)
for event in (ActionExecuted("action_session_start"), SessionStarted(),
              ActionExecuted("action_listen"), UserUttered("hei", {"name": "greet"}),
              ActionExecuted("action_greet"), BotUttered("Hei!"), ActionExecuted("action_listen"),
              UserUttered("unohdin salasanani", {"name": "password_reset"}),
              SlotSet("language", "fi")):
    tracker.update(event)

def calls(name):
    action = RemoteAction(name, endpoint)
    return (action._action_call_format(tracker, domain),
            action_payload.rasa_action_call_format(action, tracker, domain))

ours, rasas = calls("action_answer_faq")
assert [e["event"] for e in ours["tracker"]["events"]] == ["user", "slot"], ours
assert ours["tracker"]["events"][0]["text"] == "unohdin salasanani"
rasas["tracker"]["events"] = rasas["tracker"]["events"][-2:]
assert ours == rasas
ours, rasas = calls("action_handoff")
assert len(ours["tracker"]["events"]) == len(tracker.events) == 9 and ours == rasas
fresh = DialogueStateTracker("c2", domain.slots)
fresh.update(ActionExecuted("action_listen"))
action = RemoteAction("action_greet", endpoint)
assert len(action._action_call_format(fresh, domain)["tracker"]["events"]) == 1
print("checked")
"""


def run_in_rasa_env(script: str, *args: str) -> str:
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", script, *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_action_responses_are_validated_with_the_compiled_validator() -> None:
    assert run_in_rasa_env(CHECK_VALIDATOR).endswith("checked")


def test_event_classes_are_looked_up_once_with_rasas_answers() -> None:
    assert run_in_rasa_env(CHECK_EVENT_TYPES).endswith("checked")


def test_the_redacting_store_counts_stored_events_as_rasa_does() -> None:
    assert run_in_rasa_env(CHECK_TRACKER_STORE).endswith("checked")


def test_a_long_conversation_reads_a_bounded_session_that_carries_its_state() -> None:
    assert run_in_rasa_env(CHECK_SESSION_BOUND).endswith("checked")


def test_the_plain_graph_runner_and_matrix_predict_as_rasa_does(rasa_model_file: Path) -> None:
    assert run_in_rasa_env(CHECK_PREDICTIONS, str(rasa_model_file)).endswith("checked")


def test_actions_get_the_turns_events_and_the_handoff_the_session() -> None:
    assert run_in_rasa_env(CHECK_ACTION_PAYLOAD).endswith("checked")
