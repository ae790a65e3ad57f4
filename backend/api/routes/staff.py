"""Celia staff console API: log-in, requests, escalations, registrar unlock, audit log."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, StringConstraints
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend import audit
from backend.api.auth import CurrentStaff, SecurityDep
from backend.api.deps import LoginLimit, SessionDep, SettingsDep
from backend.api.fields import Email, Note, Password
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
    Registrar,
    RequestKind,
    RequestStatus,
    StaffRequest,
    StaffUser,
)
from backend.services import escalations, requests
from backend.services.errors import Invalid, NotFound
from backend.services.staff_accounts import staff_log_in
from backend.sessions import clear_cookies, open_session, set_cookies

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class LoginIn(BaseModel):
    email: Email
    password: Password


class StaffOut(BaseModel):
    id: int
    email: str
    name: str


class StaffSessionOut(BaseModel):
    staff: StaffOut
    csrf_token: str


class DecisionIn(BaseModel):
    note: Note | None = None


class AssignIn(BaseModel):
    assignee_id: int | None


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


def _staff_out(staff: StaffUser) -> StaffOut:
    return StaffOut(id=staff.id, email=staff.email, name=staff.name)


def _audit_out(event: AuditEvent) -> AuditOut:
    return AuditOut.model_validate(event, from_attributes=True)


def _trail(db: Session, target_kind: str, target_id: int) -> list[AuditOut]:
    events = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_kind == target_kind, AuditEvent.target_id == target_id)
        .order_by(AuditEvent.id)
    )
    return [_audit_out(event) for event in events]


def _counts(db: Session, query: Select[Any], column: Any) -> dict[str, int]:
    rows = db.execute(query.with_only_columns(column, func.count()).group_by(column).order_by(None))
    return {value.value: count for value, count in rows}


def _assignee(db: Session, assignee_id: int | None) -> StaffUser | None:
    if assignee_id is None:
        return None
    assignee = db.get(StaffUser, assignee_id)
    if assignee is None or not assignee.active:
        raise Invalid("The assignee must be an active staff user.")
    return assignee


@router.post("/auth/login", response_model=StaffSessionOut, dependencies=[LoginLimit])
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
):
    staff = staff_log_in(db, security, body.email, body.password)
    cookie, session = open_session(db, security, settings, staff_user_id=staff.id)
    db.commit()
    set_cookies(response, request, settings, "staff", cookie, session.csrf_token)
    return StaffSessionOut(staff=_staff_out(staff), csrf_token=session.csrf_token)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(context: CurrentStaff, db: SessionDep, response: Response) -> None:
    db.delete(context.session)
    db.commit()
    clear_cookies(response, "staff")


@router.get("/auth/me", response_model=StaffSessionOut)
def me(context: CurrentStaff):
    return StaffSessionOut(staff=_staff_out(context.staff), csrf_token=context.session.csrf_token)


@router.get("/requests", response_model=RequestList)
def list_requests(
    context: CurrentStaff,
    db: SessionDep,
    security: SecurityDep,
    status_filter: Annotated[RequestStatus | None, Query(alias="status")] = None,
    kind: RequestKind | None = None,
    assignee_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """Requests, newest first, with counts per status (the counts ignore the status filter)."""
    base = select(StaffRequest)
    if kind is not None:
        base = base.where(StaffRequest.kind == kind)
    if assignee_id is not None:
        base = base.where(StaffRequest.assignee_id == assignee_id)
    counts = _counts(db, base, StaffRequest.status)
    query = base if status_filter is None else base.where(StaffRequest.status == status_filter)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(query.order_by(StaffRequest.id.desc()).limit(limit).offset(offset))
    return RequestList(
        items=[request_out(security, row) for row in rows], total=total, counts=counts
    )


def _request(db: Session, request_id: int) -> StaffRequest:
    row = db.get(StaffRequest, request_id)
    if row is None:
        raise NotFound("No such request.")
    return row


@router.get("/requests/{request_id}", response_model=RequestDetail)
def request_detail(request_id: int, context: CurrentStaff, db: SessionDep, security: SecurityDep):
    row = _request(db, request_id)
    return RequestDetail(request=request_out(security, row), audit=_trail(db, "request", row.id))


@router.post("/requests/{request_id}/approve", response_model=RequestOut)
def approve(
    request_id: int, body: DecisionIn, context: CurrentStaff, db: SessionDep, security: SecurityDep
):
    """Approve: the change is made and the requester is e-mailed, in one transaction."""
    row = _request(db, request_id)
    requests.decide(db, context.staff, row, approve=True, note=body.note)
    db.commit()
    return request_out(security, row)


@router.post("/requests/{request_id}/deny", response_model=RequestOut)
def deny(
    request_id: int, body: DecisionIn, context: CurrentStaff, db: SessionDep, security: SecurityDep
):
    row = _request(db, request_id)
    requests.decide(db, context.staff, row, approve=False, note=body.note)
    db.commit()
    return request_out(security, row)


@router.post("/requests/{request_id}/assign", response_model=RequestOut)
def assign_request(
    request_id: int, body: AssignIn, context: CurrentStaff, db: SessionDep, security: SecurityDep
):
    row = _request(db, request_id)
    requests.assign(db, context.staff, row, _assignee(db, body.assignee_id))
    db.commit()
    return request_out(security, row)


@router.post("/registrars/{registrar_id}/unlock", status_code=status.HTTP_204_NO_CONTENT)
def unlock_registrar(registrar_id: int, context: CurrentStaff, db: SessionDep) -> None:
    """Unlock a registrar account directly (without an unlock request)."""
    registrar = db.get(Registrar, registrar_id)
    if registrar is None:
        raise NotFound("No such registrar.")
    requests.unlock(registrar)
    audit.record(
        db,
        actor_kind="staff",
        actor_id=context.staff.id,
        action="registrar.unlocked",
        target_kind="registrar",
        target_id=registrar.id,
    )
    db.commit()


@router.get("/escalations", response_model=EscalationList)
def list_escalations(
    context: CurrentStaff,
    db: SessionDep,
    status_filter: Annotated[EscalationStatus | None, Query(alias="status")] = None,
    reason: EscalationReason | None = None,
    assignee_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """Escalations, newest first, with counts per status (the counts ignore the status filter)."""
    base = select(Escalation)
    if reason is not None:
        base = base.where(Escalation.reason == reason)
    if assignee_id is not None:
        base = base.where(Escalation.assignee_id == assignee_id)
    counts = _counts(db, base, Escalation.status)
    query = base if status_filter is None else base.where(Escalation.status == status_filter)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(query.order_by(Escalation.id.desc()).limit(limit).offset(offset))
    return EscalationList(items=[escalation_out(row) for row in rows], total=total, counts=counts)


def _escalation(db: Session, escalation_id: int) -> Escalation:
    row = db.get(Escalation, escalation_id)
    if row is None:
        raise NotFound("No such escalation.")
    return row


def _escalation_detail(db: Session, row: Escalation) -> EscalationDetail:
    return EscalationDetail(
        escalation=escalation_out(row),
        transcript=row.transcript,
        messages=[message_out(m) for m in row.messages],
        audit=_trail(db, "escalation", row.id),
    )


@router.get("/escalations/{escalation_id}", response_model=EscalationDetail)
def escalation_detail(escalation_id: int, context: CurrentStaff, db: SessionDep):
    return _escalation_detail(db, _escalation(db, escalation_id))


@router.post("/escalations/{escalation_id}/assign", response_model=EscalationDetail)
def assign_escalation(escalation_id: int, body: AssignIn, context: CurrentStaff, db: SessionDep):
    row = _escalation(db, escalation_id)
    escalations.assign(db, context.staff, row, _assignee(db, body.assignee_id))
    db.commit()
    return _escalation_detail(db, row)


@router.post(
    "/escalations/{escalation_id}/notes",
    status_code=status.HTTP_201_CREATED,
    response_model=EscalationDetail,
)
def add_note(escalation_id: int, body: TextIn, context: CurrentStaff, db: SessionDep):
    """An internal note, never shown to the registrar."""
    row = _escalation(db, escalation_id)
    escalations.add_message(db, context.staff, row, MessageKind.note, body.text)
    db.commit()
    return _escalation_detail(db, row)


@router.post(
    "/escalations/{escalation_id}/replies",
    status_code=status.HTTP_201_CREATED,
    response_model=EscalationDetail,
)
def add_reply(escalation_id: int, body: TextIn, context: CurrentStaff, db: SessionDep):
    """A reply the chat widget shows to the registrar (it polls for replies)."""
    row = _escalation(db, escalation_id)
    escalations.add_message(db, context.staff, row, MessageKind.reply, body.text)
    db.commit()
    return _escalation_detail(db, row)


@router.post("/escalations/{escalation_id}/status", response_model=EscalationDetail)
def set_escalation_status(
    escalation_id: int, body: StatusIn, context: CurrentStaff, db: SessionDep
):
    """Move an escalation to in progress, resolve it, or reopen it."""
    row = _escalation(db, escalation_id)
    escalations.set_status(db, context.staff, row, body.status, body.note)
    db.commit()
    return _escalation_detail(db, row)


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    context: CurrentStaff,
    db: SessionDep,
    actor_kind: Annotated[str | None, Query(max_length=16)] = None,
    target_kind: Annotated[str | None, Query(max_length=32)] = None,
    target_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """Audit events, newest first."""
    query = select(AuditEvent)
    if actor_kind is not None:
        query = query.where(AuditEvent.actor_kind == actor_kind)
    if target_kind is not None:
        query = query.where(AuditEvent.target_kind == target_kind)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    rows = db.scalars(query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset))
    return [_audit_out(row) for row in rows]
