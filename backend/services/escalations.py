"""Chat conversations handed to Celia staff: filed by the bot, handled in the staff console."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit
from backend.models import (
    Conversation,
    Escalation,
    EscalationMessage,
    EscalationReason,
    EscalationStatus,
    MessageKind,
    StaffUser,
    utcnow,
)
from backend.services.errors import Conflict, Invalid, NotFound
from privacy.redaction import HETU_PATTERN, redact


def latest_for(db: Session, conversation_id: str) -> Escalation | None:
    return db.scalar(
        select(Escalation)
        .where(Escalation.conversation_id == conversation_id)
        .order_by(Escalation.id.desc())
        .limit(1)
    )


def create(
    db: Session,
    conversation_id: str,
    reason: EscalationReason,
    transcript: str,
    language: str = "fi",
) -> tuple[Escalation, bool]:
    """A new escalation, or the conversation's unresolved one; True when new."""
    conversation = db.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("Unknown conversation.")
    current = latest_for(db, conversation_id)
    if current is not None and current.status != EscalationStatus.resolved:
        return current, False
    escalation = Escalation(
        conversation_id=conversation_id,
        reason=reason,
        transcript=redact(transcript),  # the bot redacts too; this is the second line
        registrar_id=conversation.registrar_id,
        language=language,
    )
    db.add(escalation)
    db.flush()
    audit.record(
        db,
        actor_kind="service",
        actor_id=None,
        action="escalation.created",
        target_kind="escalation",
        target_id=escalation.id,
        detail=reason.value,
    )
    return escalation, True


def update_from_chat(
    db: Session, escalation: Escalation, transcript: str | None, resolved: bool
) -> None:
    if transcript is not None:
        escalation.transcript = redact(transcript)
        if escalation.waiting_since is None:  # a new message after staff last answered
            escalation.waiting_since = utcnow()
    if resolved and escalation.status != EscalationStatus.resolved:
        escalation.status = EscalationStatus.resolved
        escalation.resolved_at = utcnow()
        escalation.waiting_since = None
        audit.record(
            db,
            actor_kind="service",
            actor_id=None,
            action="escalation.resolved",
            target_kind="escalation",
            target_id=escalation.id,
            detail="closed from the chat",
        )


def replies_since(
    db: Session, conversation_id: str, since: datetime | None
) -> list[EscalationMessage]:
    """Staff replies after `since`, oldest first."""
    query = (
        select(EscalationMessage)
        .join(Escalation)
        .where(
            Escalation.conversation_id == conversation_id,
            EscalationMessage.kind == MessageKind.reply,
        )
    )
    if since is not None:
        query = query.where(EscalationMessage.created_at > since)
    return list(db.scalars(query.order_by(EscalationMessage.id)))


def _staff_action(
    db: Session, staff: StaffUser, escalation: Escalation, action: str, detail: str | None = None
) -> None:
    audit.record(
        db,
        actor_kind="staff",
        actor_id=staff.id,
        action=f"escalation.{action}",
        target_kind="escalation",
        target_id=escalation.id,
        detail=detail,
    )


def _take_up(escalation: Escalation) -> None:
    if escalation.status == EscalationStatus.open:
        escalation.status = EscalationStatus.in_progress


def assign(
    db: Session, staff: StaffUser, escalation: Escalation, assignee: StaffUser | None
) -> None:
    escalation.assignee_id = assignee.id if assignee else None
    if assignee is not None:
        _take_up(escalation)
    _staff_action(
        db, staff, escalation, "assigned", f"assignee {assignee.id}" if assignee else "unassigned"
    )


def add_message(
    db: Session, staff: StaffUser, escalation: Escalation, kind: MessageKind, text: str
) -> EscalationMessage:
    if kind == MessageKind.reply:
        if HETU_PATTERN.search(text):
            raise Invalid("A reply must not contain a hetu; refer to the customer another way.")
        if escalation.status == EscalationStatus.resolved:
            raise Conflict("This escalation is resolved; reopen it before replying.")
        _take_up(escalation)
        escalation.waiting_since = None
    message = EscalationMessage(kind=kind, author_id=staff.id, text=text)
    escalation.messages.append(message)
    db.flush()
    _staff_action(db, staff, escalation, kind.value)
    return message


def set_status(
    db: Session,
    staff: StaffUser,
    escalation: Escalation,
    status: EscalationStatus,
    note: str | None,
) -> None:
    escalation.status = status
    escalation.resolved_at = utcnow() if status == EscalationStatus.resolved else None
    if status == EscalationStatus.resolved:
        escalation.waiting_since = None
    if note:
        escalation.messages.append(
            EscalationMessage(kind=MessageKind.note, author_id=staff.id, text=note)
        )
    _staff_action(db, staff, escalation, status.value, note or None)


def mark_fetched(db: Session, replies: list[EscalationMessage]) -> None:
    """The widget has shown these replies: no e-mail needed for them."""
    now = utcnow()
    for reply in replies:
        if reply.fetched_at is None:
            reply.fetched_at = now


def set_contact_email(db: Session, conversation_id: str, address: str) -> None:
    """An anonymous registrar's address for the answer to their open hand-off."""
    conversation = db.get(Conversation, conversation_id)
    current = latest_for(db, conversation_id)
    if conversation is None or current is None or current.status == EscalationStatus.resolved:
        raise NotFound("This conversation has no open hand-off.")
    if conversation.registrar_id is not None:
        raise Conflict("A logged-in registrar gets the answer at the account's address.")
    current.contact_email = address
