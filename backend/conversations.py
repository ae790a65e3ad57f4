"""Conversation ids: issued by the backend only, 128-bit random; and the registrar the
backend bound to a conversation at log-in (never who the bot says)."""

import re
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from backend.models import Conversation, Registrar, RegistrarStatus, utcnow
from backend.services.errors import Forbidden, RefusalCode

CONVERSATION_ID_PATTERN = r"^[0-9a-f]{32}$"  # what new_conversation_id issues
_ID_SHAPE = re.compile(CONVERSATION_ID_PATTERN)
# Retention counts a conversation's idle time in days: a write on every turn bought nothing.
LAST_MESSAGE_RESOLUTION = timedelta(minutes=1)


def new_conversation_id() -> str:
    return secrets.token_hex(16)


def find(db: Session, conversation_id: str) -> Conversation | None:
    return db.get(Conversation, conversation_id)


def registrar_of(db: Session, conversation_id: str) -> int | None:
    """The id of the registrar bound to the conversation; None if unknown or anonymous."""
    conversation = find(db, conversation_id)
    return conversation.registrar_id if conversation else None


def bound_registrar(db: Session, conversation_id: str) -> Registrar | None:
    registrar_id = registrar_of(db, conversation_id)
    return db.get(Registrar, registrar_id) if registrar_id else None


def acting_registrar(db: Session, conversation_id: str) -> Registrar:
    """The bound registrar, who must be active and unlocked to file anything."""
    registrar = bound_registrar(db, conversation_id)
    if registrar is None or registrar.status != RegistrarStatus.active or registrar.locked:
        raise Forbidden(
            "This needs a logged-in registrar: log in and open the chat again.",
            RefusalCode.login_required,
        )
    return registrar


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
    leaked id does not let anyone act as them. An anonymous conversation continues (and is
    bound at log-in) only in the browser that holds it (`held_by_browser`: its signed
    conversation cookie; a reply mail's link gives it to another browser once); anyone else
    naming it gets a new conversation, and the old one stays as it was.
    """
    conversation = None
    if requested_id and _ID_SHAPE.match(requested_id):
        conversation = db.get(Conversation, requested_id)
    if conversation is not None and conversation.registrar_id not in (None, registrar_id):
        conversation = None
    if conversation is not None and conversation.registrar_id is None and not held_by_browser:
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
