"""Helpers shared by the actions: the current turn's key, redacted transcripts, offers."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.backend_client import idempotency_key
from privacy.transcript import transcript_lines

MAX_TRANSCRIPT_CHARS = 20_000


def turn_key(tracker: Tracker, purpose: str) -> str:
    """Idempotency key of this user turn: a retried action call files nothing twice. Rasa
    gives every message an id; without one, the user message's time stands in (the actions
    get the turn's events only, so their count would repeat from turn to turn)."""
    message_id = tracker.latest_message.get("message_id") or ""
    said_at = next(
        (str(e.get("timestamp")) for e in reversed(tracker.events) if e.get("event") == "user"),
        "",
    )
    return idempotency_key(tracker.sender_id, purpose, message_id or said_at)


def redacted_transcript(tracker: Tracker) -> str:
    """The current session so far, user and bot lines, with personal data masked (the backend
    adds the earlier sessions from Rasa's tracker store)."""
    return "\n".join(transcript_lines(tracker.events))[-MAX_TRANSCRIPT_CHARS:]


def offer(name: str | None) -> list[dict[str, Any]]:
    """Remember what the bot just offered, so the user's yes/no can refer to it."""
    return [SlotSet("pending_offer", name)]
