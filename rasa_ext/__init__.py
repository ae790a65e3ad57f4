"""Extensions loaded by the Rasa server itself (run in .venv-rasa, Python 3.10).

Rasa imports this package when it builds the tracker store (endpoints.yml) and the language
detector (config.yml), so the compiled action-response validator, the kept action-server
connections and the remembered event classes are installed in every Rasa process, including
`rasa test`.
"""

from rasa_ext import action_validation, endpoint_session, event_types

action_validation.install()
endpoint_session.install()
event_types.install()
