"""Starts the actions' unit tests (tests/actions/) in the Rasa environment, where rasa-sdk is."""

import subprocess

import pytest

from launcher.paths import PROJECT_ROOT, RASA_PYTHON
from tests.helpers import server_missing

pytestmark = pytest.mark.rasa


def test_the_actions_unit_tests_pass_in_the_rasa_environment() -> None:
    if not RASA_PYTHON.exists():
        server_missing("The Rasa environment (.venv-rasa) is missing: make install")
    result = subprocess.run(
        [str(RASA_PYTHON), "-m", "unittest", "discover", "-s", "tests/actions", "-t", "."],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert " OK" in result.stderr or "\nOK" in result.stderr
