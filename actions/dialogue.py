"""Helpers shared by the actions: the current turn's key, redacted transcripts, offers."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.backend_client import idempotency_key
from privacy.redaction import redact

MAX_TRANSCRIPT_CHARS = 20_000


def turn_key(tracker: Tracker, purpose: str) -> str:
    """Idempotency key of this user turn: a retried action call files nothing twice."""
    message_id = tracker.latest_message.get("message_id") or ""
    turn = str(len(tracker.events))
    return idempotency_key(tracker.sender_id, purpose, message_id or turn)


def redacted_transcript(tracker: Tracker) -> str:
    """The conversation so far, user and bot lines, with personal data masked."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            lines.append(f"user: {redact(event['text'])}")
        elif event.get("event") == "bot" and event.get("text"):
            lines.append(f"bot: {redact(event['text'])}")
    return "\n".join(lines)[-MAX_TRANSCRIPT_CHARS:]


def offer(name: str | None) -> list[dict[str, Any]]:
    """Remember what the bot just offered, so the user's yes/no can refer to it."""
    return [SlotSet("pending_offer", name)]
