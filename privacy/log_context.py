"""Log lines that one chat turn shares, in every process: the request id and the JSON format.

The backend makes (or takes from a trusted proxy) a request id per request and sends it on to
Rasa (X-Request-ID header and the message's metadata); Rasa's REST channel and the action
server set it here too, so the backend's, Rasa's and the actions' lines of one turn carry it.
LOG_FORMAT=json writes one JSON object a line, redacted (privacy/redaction.py), exception
included. Python 3.10 compatible: Rasa's and the action server's environment imports it.
"""

import json
import logging
import os
import re
from contextvars import ContextVar
from datetime import datetime, timezone

from privacy.redaction import redact

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def valid_request_id(value: object) -> str | None:
    """The id if it is a plain token (no spaces, no markup, at most 64 characters)."""
    return value if isinstance(value, str) and _VALID_ID.fullmatch(value) else None


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, request id, redacted message."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": REQUEST_ID.get(),
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        return json.dumps(entry, ensure_ascii=False)


def make_formatter(log_format: str) -> logging.Formatter:
    """JSON for "json", else the plain text lines."""
    return (
        JsonFormatter() if log_format.strip().lower() == "json" else logging.Formatter(TEXT_FORMAT)
    )


def formatter_from_env() -> logging.Formatter:
    """The formatter LOG_FORMAT asks for (a factory for logging-config files)."""
    return make_formatter(os.environ.get("LOG_FORMAT", "text"))
