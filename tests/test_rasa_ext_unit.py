"""Starts the tests of rasa_ext (tests/rasa_ext/) in the Rasa environment, where Rasa is."""

import os
import subprocess
from pathlib import Path

import pytest

from launcher.paths import PROJECT_ROOT, RASA_PYTHON
from tests.helpers import server_missing

pytestmark = pytest.mark.rasa


def run_unittest(*arguments: str, env: dict[str, str] | None = None) -> str:
    """unittest's report of the tests run in the Rasa environment, which must all pass."""
    if not RASA_PYTHON.exists():
        server_missing("The Rasa environment (.venv-rasa) is missing: make install")
    result = subprocess.run(
        [str(RASA_PYTHON), "-m", "unittest", *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert "\nOK" in result.stderr, result.stderr[-2000:]
    return result.stderr


def test_the_rasa_extensions_tests_pass_in_the_rasa_environment() -> None:
    report = run_unittest("discover", "-s", "tests/rasa_ext", "-t", ".", "-v")
    assert "skipped 'needs RASA_MODEL_FILE" in report  # the next test runs that one


def test_the_patched_model_predicts_as_rasa_does(rasa_model_file: Path) -> None:
    report = run_unittest(
        "tests.rasa_ext.test_predictions", env={"RASA_MODEL_FILE": str(rasa_model_file)}
    )
    assert "skipped" not in report
