"""The chat widget polls staff replies by conversation id (128-bit, issued by the backend).
An anonymous conversation answers only the browser holding its signed cookie (the reply
mail's link gives it to another browser once, `claim`); a conversation bound to a registrar
shows its replies only to that registrar's session. Replies the widget fetched are not
e-mailed (backend/services/reply_mail.py); an anonymous registrar may leave an address."""

from datetime import datetime

from fastapi import APIRouter, Path, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from backend.api.deps import SecurityDep, SessionDep, SettingsDep
from backend.api.fields import Email
from backend.api.schemas import ReplyOut, reply_out
from backend.conversations import CONVERSATION_ID_PATTERN, registrar_of
from backend.models import EscalationStatus
from backend.security import Security
from backend.services import escalations, reply_mail
from backend.services.errors import Forbidden, NotFound
from backend.sessions import current_registrar_id, held_conversation, set_conversation_cookie

router = APIRouter(prefix="/api/v1/conversations", tags=["chat"])

ConversationPath = Path(pattern=CONVERSATION_ID_PATTERN)


class RepliesOut(BaseModel):
    handed_off: bool
    status: str | None
    replies: list[ReplyOut]
    ask_contact_email: bool  # open hand-off, anonymous registrar, no address left yet


class ContactEmailIn(BaseModel):
    email: Email


class ClaimIn(BaseModel):
    token: str = Field(min_length=1, max_length=128)


NOT_HELD = "No such conversation in this browser. Open the link from the e-mail again."


def _require_held(request: Request, db: Session, security: Security, conversation_id: str) -> None:
    """An anonymous conversation is this browser's only with its signed cookie."""
    if registrar_of(db, conversation_id) is None and (
        held_conversation(request, security) != conversation_id
    ):
        raise NotFound(NOT_HELD)


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
        and registrar_of(db, conversation_id) is None,
    )


@router.get("/{conversation_id}/replies", response_model=RepliesOut)
def replies(
    request: Request,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
    conversation_id: str = ConversationPath,
    since: datetime | None = None,
) -> RepliesOut:
    """Staff replies after `since` (ISO 8601), oldest first."""
    bound_to = registrar_of(db, conversation_id)
    if bound_to is not None and current_registrar_id(request, db, security, settings) != bound_to:
        raise Forbidden("Log in as the registrar of this conversation to see its replies.")
    _require_held(request, db, security, conversation_id)
    return replies_payload(db, conversation_id, since)


@router.put("/{conversation_id}/contact-email", status_code=status.HTTP_204_NO_CONTENT)
def contact_email(
    body: ContactEmailIn,
    request: Request,
    db: SessionDep,
    security: SecurityDep,
    conversation_id: str = ConversationPath,
) -> None:
    """An anonymous registrar's address for the staff answer to the open hand-off, used only
    for that and deleted with the escalation (retention)."""
    _require_held(request, db, security, conversation_id)
    escalations.set_contact_email(db, conversation_id, body.email)
    db.commit()


@router.post("/{conversation_id}/claim", status_code=status.HTTP_204_NO_CONTENT)
def claim(
    body: ClaimIn,
    request: Request,
    response: Response,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
    conversation_id: str = ConversationPath,
) -> None:
    """A reply mail's link: its single-use token gives this browser the conversation."""
    if not reply_mail.claim_link(db, conversation_id, body.token):
        raise NotFound("The link is wrong, already used or expired.")
    db.commit()
    set_conversation_cookie(response, request, security, settings, conversation_id)
