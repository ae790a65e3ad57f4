"""Transcript lines of a conversation's tracker events, shared by the actions and the backend."""

from collections.abc import Iterable, Mapping
from typing import Any

from privacy.redaction import redact


def transcript_lines(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """`user: …` and `bot: …` lines of the events (Rasa's dict form), personal data masked."""
    lines = []
    for event in events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            lines.append(f"{event['event']}: {redact(event['text'])}")
    return lines
