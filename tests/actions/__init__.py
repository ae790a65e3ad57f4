"""Unit tests of the actions, run in the Rasa environment (.venv-rasa has rasa-sdk, .venv has
not) with the standard library's unittest: `tests/test_actions_unit.py` starts them."""
