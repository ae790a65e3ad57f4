"""Celia staff console API: requests, escalations, registrar unlock, audit log."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, StringConstraints
from sqlalchemy.orm import Session

from backend.api.auth import CurrentStaff
from backend.api.deps import SecurityDep, SessionDep
from backend.api.fields import MAX_ID, Email, Id, Note
from backend.api.schemas import (
    EscalationOut,
    MessageOut,
    RequestOut,
    escalation_out,
    message_out,
    request_out,
)
from backend.models import (
    AuditEvent,
    Escalation,
    EscalationReason,
    EscalationStatus,
    MessageKind,
    RequestKind,
    RequestStatus,
    StaffRequest,
)
from backend.services import escalations, staff_requests, work_queue

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class DecisionIn(BaseModel):
    note: Note | None = None


class AssignIn(BaseModel):
    assignee_id: Id | None


class TextIn(BaseModel):
    text: Text


class StatusIn(BaseModel):
    status: EscalationStatus
    note: Note | None = None


class AuditOut(BaseModel):
    id: int
    created_at: datetime
    actor_kind: str
    actor_id: int | None
    action: str
    target_kind: str
    target_id: int | None
    detail: str | None


class RequestList(BaseModel):
    items: list[RequestOut]
    total: int
    counts: dict[str, int]


class RequestDetail(BaseModel):
    request: RequestOut
    audit: list[AuditOut]


class EscalationList(BaseModel):
    items: list[EscalationOut]
    total: int
    counts: dict[str, int]


class EscalationDetail(BaseModel):
    escalation: EscalationOut
    transcript: str
    messages: list[MessageOut]
    audit: list[AuditOut]


def _audit_out(event: AuditEvent) -> AuditOut:
    return AuditOut.model_validate(event, from_attributes=True)


def _trail(db: Session, target_kind: str, target_id: int) -> list[AuditOut]:
    return [_audit_out(event) for event in work_queue.audit_trail(db, target_kind, target_id)]


@router.get("/requests", response_model=RequestList)
def list_requests(
    context: CurrentStaff,
    db: SessionDep,
    security: SecurityDep,
    status_filter: Annotated[RequestStatus | None, Query(alias="status")] = None,
    kind: RequestKind | None = None,
    assignee_id: Id | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    registrar_email: Email | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> RequestList:
    """Requests, newest first, with counts per status (the counts ignore the status filter);
    `q` is a reference or words in the decision note."""
    found = work_queue.page(
        db,
        StaffRequest,
        status_filter,
        {"kind": kind, "assignee_id": assignee_id},
        limit,
        offset,
        work_queue.request_search(q, registrar_email),
    )
    return RequestList(
        items=[request_out(security, row) for row in found.rows],
        total=found.total,
        counts=found.counts,
    )


@router.get("/requests/{request_id}", response_model=RequestDetail)
def request_detail(
    request_id: Id, context: CurrentStaff, db: SessionDep, security: SecurityDep
) -> RequestDetail:
    row = work_queue.request(db, request_id)
    return RequestDetail(request=request_out(security, row), audit=_trail(db, "request", row.id))


@router.post("/requests/{request_id}/approve", response_model=RequestOut)
def approve(
    request_id: Id, body: DecisionIn, context: CurrentStaff, db: SessionDep, security: SecurityDep
) -> RequestOut:
    """Approve: the change is made and the requester is e-mailed, in one transaction."""
    row = work_queue.request(db, request_id)
    staff_requests.decide(db, context.staff, row, approve=True, note=body.note)
    db.commit()
    return request_out(security, row)


@router.post("/requests/{request_id}/deny", response_model=RequestOut)
def deny(
    request_id: Id, body: DecisionIn, context: CurrentStaff, db: SessionDep, security: SecurityDep
) -> RequestOut:
    row = work_queue.request(db, request_id)
    staff_requests.decide(db, context.staff, row, approve=False, note=body.note)
    db.commit()
    return request_out(security, row)


@router.post("/requests/{request_id}/assign", response_model=RequestOut)
def assign_request(
    request_id: Id, body: AssignIn, context: CurrentStaff, db: SessionDep, security: SecurityDep
) -> RequestOut:
    row = work_queue.request(db, request_id)
    staff_requests.assign(db, context.staff, row, work_queue.active_assignee(db, body.assignee_id))
    db.commit()
    return request_out(security, row)


@router.post("/registrars/{registrar_id}/unlock", status_code=status.HTTP_204_NO_CONTENT)
def unlock_registrar(registrar_id: Id, context: CurrentStaff, db: SessionDep) -> None:
    """Unlock a registrar account directly (without an unlock request)."""
    staff_requests.unlock_by_staff(db, context.staff, registrar_id)
    db.commit()


@router.get("/escalations", response_model=EscalationList)
def list_escalations(
    context: CurrentStaff,
    db: SessionDep,
    status_filter: Annotated[EscalationStatus | None, Query(alias="status")] = None,
    reason: EscalationReason | None = None,
    assignee_id: Id | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    registrar_email: Email | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> EscalationList:
    """Escalations, newest first, with counts per status (the counts ignore the status filter);
    `q` is a reference or words in the redacted transcript."""
    found = work_queue.page(
        db,
        Escalation,
        status_filter,
        {"reason": reason, "assignee_id": assignee_id},
        limit,
        offset,
        work_queue.escalation_search(q, registrar_email),
    )
    return EscalationList(
        items=[escalation_out(row) for row in found.rows], total=found.total, counts=found.counts
    )


def _escalation_detail(db: Session, row: Escalation) -> EscalationDetail:
    return EscalationDetail(
        escalation=escalation_out(row),
        transcript=row.transcript,
        messages=[message_out(m) for m in row.messages],
        audit=_trail(db, "escalation", row.id),
    )


@router.get("/escalations/{escalation_id}", response_model=EscalationDetail)
def escalation_detail(escalation_id: Id, context: CurrentStaff, db: SessionDep) -> EscalationDetail:
    return _escalation_detail(db, work_queue.escalation(db, escalation_id))


@router.post("/escalations/{escalation_id}/assign", response_model=EscalationDetail)
def assign_escalation(
    escalation_id: Id, body: AssignIn, context: CurrentStaff, db: SessionDep
) -> EscalationDetail:
    row = work_queue.escalation(db, escalation_id)
    escalations.assign(db, context.staff, row, work_queue.active_assignee(db, body.assignee_id))
    db.commit()
    return _escalation_detail(db, row)


@router.post(
    "/escalations/{escalation_id}/notes",
    status_code=status.HTTP_201_CREATED,
    response_model=EscalationDetail,
)
def add_note(
    escalation_id: Id, body: TextIn, context: CurrentStaff, db: SessionDep
) -> EscalationDetail:
    """An internal note, never shown to the registrar."""
    row = work_queue.escalation(db, escalation_id)
    escalations.add_message(db, context.staff, row, MessageKind.note, body.text)
    db.commit()
    return _escalation_detail(db, row)


@router.post(
    "/escalations/{escalation_id}/replies",
    status_code=status.HTTP_201_CREATED,
    response_model=EscalationDetail,
)
def add_reply(
    escalation_id: Id, body: TextIn, context: CurrentStaff, db: SessionDep
) -> EscalationDetail:
    """A reply the chat widget shows to the registrar (it polls for replies)."""
    row = work_queue.escalation(db, escalation_id)
    escalations.add_message(db, context.staff, row, MessageKind.reply, body.text)
    db.commit()
    return _escalation_detail(db, row)


@router.post("/escalations/{escalation_id}/status", response_model=EscalationDetail)
def set_escalation_status(
    escalation_id: Id, body: StatusIn, context: CurrentStaff, db: SessionDep
) -> EscalationDetail:
    """Move an escalation to in progress, resolve it, or reopen it."""
    row = work_queue.escalation(db, escalation_id)
    escalations.set_status(db, context.staff, row, body.status, body.note)
    db.commit()
    return _escalation_detail(db, row)


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    context: CurrentStaff,
    db: SessionDep,
    actor_kind: Annotated[str | None, Query(max_length=16)] = None,
    target_kind: Annotated[str | None, Query(max_length=32)] = None,
    target_id: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[AuditOut]:
    """Audit events, newest first."""
    rows = work_queue.audit_events(db, actor_kind, target_kind, target_id, limit, offset)
    return [_audit_out(row) for row in rows]
