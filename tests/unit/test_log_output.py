"""LOG_OUTPUT=stdout (the containers): the backend's records go to standard output, one JSON
object a line with LOG_FORMAT=json, through the same redacting filter as the log file."""

import json
import subprocess
import sys
import textwrap

from launcher.paths import PROJECT_ROOT

HETU = "131052-308T"

SCRIPT = f"""
import logging
from backend.logging_setup import configure_logging
configure_logging(None, "json")
configure_logging(None, "json")  # an app made twice adds no second handler
logging.getLogger("backend").warning("customer {HETU} not found")
"""


def test_backend_logs_json_lines_to_stdout_redacted() -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    (line,) = done.stdout.splitlines()
    record = json.loads(line)
    assert record["level"] == "WARNING" and record["logger"] == "backend"
    assert "customer" in record["message"] and HETU not in line
