"""A traceback holding a hetu and an e-mail address is redacted by every process's real logging
configuration: the backend's (with uvicorn's), Rasa's (rasa_ext/logging.yml) and the action
server's. Each runs in a fresh interpreter of its own environment, configured as the process is."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from launcher.paths import PROJECT_ROOT, RASA_PYTHON

HETU = "131052-308T"
EMAIL = "anna.asiakas@kirjasto-example.fi"

# Logs one exception carrying both through each named logger, as `log.exception` does.
RAISE_AND_LOG = f"""
import logging
for name in LOGGERS:
    try:
        raise ValueError("customer {HETU} at {EMAIL}")
    except ValueError:
        logging.getLogger(name).exception("request failed")
"""

BACKEND = """
import logging.config, sys
from pathlib import Path
from uvicorn.config import LOGGING_CONFIG
from backend.logging_setup import configure_logging
logging.config.dictConfig(LOGGING_CONFIG)  # what uvicorn does before it builds the app
configure_logging(Path(sys.argv[1]) / "backend.log")
LOGGERS = ["backend", "uvicorn.error", "sqlalchemy.engine"]
"""

RASA = """
import sys
from rasa.utils.common import configure_logging_from_file
configure_logging_from_file("rasa_ext/logging.yml")  # rasa run --logging-config-file
LOGGERS = ["rasa.core.processor", "sanic.error", "rasa_ext"]
"""

ACTIONS = """
from actions.server import configure_logging
configure_logging()
LOGGERS = ["actions.server", "sanic.error", "rasa_sdk.executor"]
"""


@pytest.mark.parametrize(
    ("python", "setup"),
    [
        pytest.param(Path(sys.executable), BACKEND, id="backend"),
        pytest.param(RASA_PYTHON, RASA, id="rasa", marks=pytest.mark.rasa),
        pytest.param(RASA_PYTHON, ACTIONS, id="actions", marks=pytest.mark.rasa),
    ],
)
def test_tracebacks_are_redacted(python: Path, setup: str, tmp_path: Path) -> None:
    script = textwrap.dedent(setup) + RAISE_AND_LOG
    run = subprocess.run(
        [str(python), "-c", script, str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SERVICE_TOKEN": "x" * 32},
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    written = run.stdout + run.stderr + "".join(p.read_text() for p in tmp_path.glob("*.log"))
    assert "Traceback" in written and "ValueError" in written  # the traceback is still there
    assert written.count("[hetu]") >= 3 and "[email]" in written
    assert HETU not in written and EMAIL not in written


def test_a_python_warning_quoting_a_hetu_is_logged_redacted() -> None:
    """install_redacting_filter (backend and action server) sends warnings through logging:
    printed straight to stderr they passed no filter."""
    script = textwrap.dedent(
        """
        import logging, warnings
        from privacy.redaction import install_redacting_filter
        logging.basicConfig(level=logging.INFO)
        install_redacting_filter()
        warnings.warn("Failed to parse arguments in line '/inform{\\"hetu\\": 150162-906P}'")
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "py.warnings" in run.stderr and "[hetu]" in run.stderr
    assert "906P" not in run.stderr
