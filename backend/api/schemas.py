"""Response shapes shared by several routers. None carries a full hetu: only the masked form."""

from datetime import datetime

from pydantic import BaseModel

from backend.models import Customer, Escalation, EscalationMessage, StaffRequest
from backend.security import Security
from backend.services.customers import masked_hetu


class CustomerOut(BaseModel):
    id: int
    hetu_masked: str | None
    first_name: str
    last_name: str
    email: str | None
    unit_id: int
    unit_name: str
    status: str
    delivery: str
    temporary: bool
    guardian_consent: bool


class RequestOut(BaseModel):
    id: int
    reference: str
    kind: str
    status: str
    registrar_id: int
    unit_id: int | None
    customer_id: int | None
    customer_hetu_masked: str | None
    target_registrar_id: int | None
    assignee_id: int | None
    decided_by_id: int | None
    decision_note: str | None
    decided_at: datetime | None
    created_at: datetime


class MessageOut(BaseModel):
    id: int
    kind: str
    author_id: int
    text: str
    created_at: datetime


class EscalationOut(BaseModel):
    id: int
    reference: str
    conversation_id: str
    reason: str
    status: str
    registrar_id: int | None
    assignee_id: int | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    language: str
    waiting_since: datetime | None  # the registrar's oldest unanswered message
    reply_by_email: bool  # an anonymous registrar left an address for the answer


class ReplyOut(BaseModel):
    id: int
    text: str
    created_at: datetime


def customer_out(security: Security, customer: Customer) -> CustomerOut:
    return CustomerOut(
        id=customer.id,
        hetu_masked=masked_hetu(security, customer),
        first_name=customer.first_name,
        last_name=customer.last_name,
        email=customer.email,
        unit_id=customer.unit_id,
        unit_name=customer.unit.name,
        status=customer.status.value,
        delivery=customer.delivery.value,
        temporary=customer.temporary,
        guardian_consent=customer.guardian_consent,
    )


def request_out(security: Security, request: StaffRequest) -> RequestOut:
    return RequestOut(
        id=request.id,
        reference=request.reference,
        kind=request.kind.value,
        status=request.status.value,
        registrar_id=request.registrar_id,
        unit_id=request.unit_id,
        customer_id=request.customer_id,
        customer_hetu_masked=masked_hetu(security, request.customer) if request.customer else None,
        target_registrar_id=request.target_registrar_id,
        assignee_id=request.assignee_id,
        decided_by_id=request.decided_by_id,
        decision_note=request.decision_note,
        decided_at=request.decided_at,
        created_at=request.created_at,
    )


def escalation_out(escalation: Escalation) -> EscalationOut:
    return EscalationOut(
        id=escalation.id,
        reference=escalation.reference,
        conversation_id=escalation.conversation_id,
        reason=escalation.reason.value,
        status=escalation.status.value,
        registrar_id=escalation.registrar_id,
        assignee_id=escalation.assignee_id,
        created_at=escalation.created_at,
        updated_at=escalation.updated_at,
        resolved_at=escalation.resolved_at,
        language=escalation.language,
        waiting_since=escalation.waiting_since,
        reply_by_email=escalation.contact_email is not None,
    )


def message_out(message: EscalationMessage) -> MessageOut:
    return MessageOut(
        id=message.id,
        kind=message.kind.value,
        author_id=message.author_id,
        text=message.text,
        created_at=message.created_at,
    )


def reply_out(message: EscalationMessage) -> ReplyOut:
    return ReplyOut(id=message.id, text=message.text, created_at=message.created_at)
