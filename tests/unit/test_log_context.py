"""LOG_FORMAT=json: one redacted JSON object a line, carrying the request id."""

import io
import json
import logging
from collections.abc import Callable

import pytest

from privacy.log_context import (
    REQUEST_ID,
    JsonFormatter,
    formatter_from_env,
    make_formatter,
    valid_request_id,
)
from privacy.redaction import RedactingFilter

HETU = "131052-308T"
EMAIL = "aino.asiakas@example.org"


def logged(build: logging.Formatter, emit: Callable[[logging.Logger], None]) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(build)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test.log_context")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_one_json_object_a_line_with_the_request_id() -> None:
    token = REQUEST_ID.set("turn-1")
    try:
        text = logged(JsonFormatter(), lambda log: log.info("asked for %s", "a reset"))
    finally:
        REQUEST_ID.reset(token)
    (line,) = text.splitlines()
    entry = json.loads(line)
    assert entry["request_id"] == "turn-1" and entry["message"] == "asked for a reset"
    assert entry["level"] == "INFO" and entry["logger"] == "test.log_context"
    assert entry["time"].endswith("+00:00")


def test_the_message_and_the_traceback_are_redacted() -> None:
    def fail(log: logging.Logger) -> None:
        try:
            raise ValueError(f"no customer {HETU} for {EMAIL}\nsecond line")
        except ValueError:
            log.exception("lookup failed for %s", EMAIL)

    text = logged(JsonFormatter(), fail)
    assert len(text.splitlines()) == 1  # the multi-line traceback stays inside the object
    entry = json.loads(text)
    assert HETU not in text and EMAIL not in text
    assert "ValueError" in entry["exception"] and "[hetu]" in entry["exception"]
    assert entry["request_id"] == "-"  # outside any request


def test_the_format_follows_log_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert isinstance(formatter_from_env(), JsonFormatter)
    monkeypatch.setenv("LOG_FORMAT", "text")
    assert not isinstance(formatter_from_env(), JsonFormatter)
    assert not isinstance(make_formatter("text"), JsonFormatter)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123_4.5", True),
        ("-", False),
        ("", False),
        ("a b", False),
        ("<x>", False),
        ("x" * 65, False),
        (None, False),
        (42, False),
    ],
)
def test_only_plain_request_ids_are_taken(given: object, kept: bool) -> None:
    assert valid_request_id(given) == (given if kept else None)
