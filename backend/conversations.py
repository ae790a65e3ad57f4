"""Conversation ids: issued by the backend only, 128-bit random."""

import re
import secrets

from sqlalchemy.orm import Session

from backend.models import Conversation, utcnow

CONVERSATION_ID_PATTERN = r"^[0-9a-f]{32}$"  # what new_conversation_id issues
_ID_SHAPE = re.compile(CONVERSATION_ID_PATTERN)


def new_conversation_id() -> str:
    return secrets.token_hex(16)


def resolve_conversation(
    db: Session, requested_id: str | None, registrar_id: int | None = None
) -> Conversation:
    """Return the conversation the client names if the backend issued it, else a new one.

    A client cannot choose its own id: an unknown or malformed id silently starts a
    fresh conversation, so nobody can attach to someone else's chat by guessing. A
    conversation bound to a registrar continues only with that registrar's session, so a
    leaked id does not let anyone act as them.
    """
    conversation = None
    if requested_id and _ID_SHAPE.match(requested_id):
        conversation = db.get(Conversation, requested_id)
    if conversation is not None and conversation.registrar_id not in (None, registrar_id):
        conversation = None
    if conversation is None:
        conversation = Conversation(id=new_conversation_id(), registrar_id=registrar_id)
        db.add(conversation)
    elif registrar_id is not None and conversation.registrar_id is None:
        conversation.registrar_id = registrar_id
    conversation.last_message_at = utcnow()
    db.commit()
    return conversation
