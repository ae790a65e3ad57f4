"""Extensions loaded by the Rasa server itself (run in .venv-rasa, Python 3.10).

Rasa imports this package when it builds the tracker store (endpoints.yml) and the language
detector (config.yml), so the compiled action-response validator, the kept action-server
connections, the remembered event classes, the plain graph runner, the NLU classifier's feature
matrix, the parsed rules and the turn-sized action calls are installed in every Rasa process,
including `rasa test`. Each patch first checks that its targets in Rasa are the ones it was
written for (rasa_ext/patching.py), and stops the process if not.
"""

from rasa_ext import (
    action_payload,
    action_validation,
    endpoint_session,
    event_types,
    graph_runner,
    nlu_features,
    rule_states,
)

action_payload.install()
action_validation.install()
endpoint_session.install()
event_types.install()
graph_runner.install()
nlu_features.install()
rule_states.install()
