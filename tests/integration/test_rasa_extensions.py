"""rasa_ext as the Rasa process loads it (run in .venv-rasa, like `rasa run`)."""

import subprocess

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


def test_action_responses_are_validated_with_the_compiled_validator() -> None:
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", CHECK_VALIDATOR],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("checked")
