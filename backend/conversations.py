"""Conversation ids: issued by the backend only, 128-bit random."""

import re
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from backend.models import Conversation, utcnow

CONVERSATION_ID_PATTERN = r"^[0-9a-f]{32}$"  # what new_conversation_id issues
_ID_SHAPE = re.compile(CONVERSATION_ID_PATTERN)
# Retention counts a conversation's idle time in days: a write on every turn bought nothing.
LAST_MESSAGE_RESOLUTION = timedelta(minutes=1)


def new_conversation_id() -> str:
    return secrets.token_hex(16)


def resolve_conversation(
    db: Session,
    requested_id: str | None,
    registrar_id: int | None = None,
    held_by_browser: bool = False,
) -> Conversation:
    """Return the conversation the client names if the backend issued it, else a new one.

    A client cannot choose its own id: an unknown or malformed id silently starts a
    fresh conversation, so nobody can attach to someone else's chat by guessing. A
    conversation bound to a registrar continues only with that registrar's session, so a
    leaked id does not let anyone act as them. An anonymous conversation is bound at log-in
    only when the browser holds it (`held_by_browser`: its signed conversation cookie);
    a registrar naming someone else's gets a new conversation, and the old one stays as it was.
    """
    conversation = None
    if requested_id and _ID_SHAPE.match(requested_id):
        conversation = db.get(Conversation, requested_id)
    if conversation is not None and conversation.registrar_id not in (None, registrar_id):
        conversation = None
    if (
        conversation is not None
        and conversation.registrar_id is None
        and registrar_id is not None
        and not held_by_browser
    ):
        conversation = None
    if conversation is None:
        conversation = Conversation(id=new_conversation_id(), registrar_id=registrar_id)
        db.add(conversation)
    elif registrar_id is not None and conversation.registrar_id is None:
        conversation.registrar_id = registrar_id
    now = utcnow()
    if (
        conversation.last_message_at is None
        or now - _aware(conversation.last_message_at) >= LAST_MESSAGE_RESOLUTION
    ):
        conversation.last_message_at = now
    if db.new or db.dirty:
        db.commit()
    return conversation


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; the backend stores UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
