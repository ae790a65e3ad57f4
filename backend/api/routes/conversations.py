"""The chat widget polls staff replies by conversation id (128-bit, issued by the backend).
Knowing the id is enough for an anonymous conversation; a conversation bound to a registrar
shows its replies only to that registrar's session. Replies the widget fetched are not
e-mailed (backend/services/reply_mail.py); an anonymous registrar may leave an address."""

from datetime import datetime

from fastapi import APIRouter, Path, Request, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from backend.api.deps import SecurityDep, SessionDep, SettingsDep
from backend.api.fields import Email
from backend.api.schemas import ReplyOut, reply_out
from backend.conversations import CONVERSATION_ID_PATTERN
from backend.models import Conversation, EscalationStatus
from backend.services import escalations
from backend.services.errors import Forbidden
from backend.sessions import current_registrar_id

router = APIRouter(prefix="/api/v1/conversations", tags=["chat"])

ConversationPath = Path(pattern=CONVERSATION_ID_PATTERN)


class RepliesOut(BaseModel):
    handed_off: bool
    status: str | None
    replies: list[ReplyOut]
    ask_contact_email: bool  # open hand-off, anonymous registrar, no address left yet


class ContactEmailIn(BaseModel):
    email: Email


def _bound(db: Session, conversation_id: str) -> bool:
    conversation = db.get(Conversation, conversation_id)
    return conversation is not None and conversation.registrar_id is not None


def replies_payload(db: Session, conversation_id: str, since: datetime | None) -> RepliesOut:
    current = escalations.latest_for(db, conversation_id)
    found = escalations.replies_since(db, conversation_id, since)
    escalations.mark_fetched(db, found)
    db.commit()
    handed_off = current is not None and current.status != EscalationStatus.resolved
    return RepliesOut(
        handed_off=handed_off,
        status=current.status.value if current else None,
        replies=[reply_out(m) for m in found],
        ask_contact_email=handed_off
        and current is not None
        and current.contact_email is None
        and not _bound(db, conversation_id),
    )


@router.get("/{conversation_id}/replies", response_model=RepliesOut)
def replies(
    request: Request,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
    conversation_id: str = ConversationPath,
    since: datetime | None = None,
):
    """Staff replies after `since` (ISO 8601), oldest first."""
    conversation = db.get(Conversation, conversation_id)
    bound_to = conversation.registrar_id if conversation else None
    if bound_to is not None and current_registrar_id(request, db, security, settings) != bound_to:
        raise Forbidden("Log in as the registrar of this conversation to see its replies.")
    return replies_payload(db, conversation_id, since)


@router.put("/{conversation_id}/contact-email", status_code=status.HTTP_204_NO_CONTENT)
def contact_email(
    body: ContactEmailIn, db: SessionDep, conversation_id: str = ConversationPath
) -> None:
    """An anonymous registrar's address for the staff answer to the open hand-off, used only
    for that and deleted with the escalation (retention)."""
    escalations.set_contact_email(db, conversation_id, body.email)
    db.commit()
