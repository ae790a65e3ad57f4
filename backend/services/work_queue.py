"""The staff console's queue: requests and escalations listed, counted and paged one way; the
live queue's counts and new arrivals; colleagues; the audit log."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from backend.models import (
    AuditEvent,
    Escalation,
    EscalationStatus,
    Registrar,
    RequestStatus,
    StaffRequest,
    StaffUser,
)
from backend.services.errors import Invalid, NotFound

Item = TypeVar("Item", StaffRequest, Escalation)


@dataclass
class Page(Generic[Item]):
    rows: list[Item]
    total: int  # matching the filters, all pages
    counts: dict[str, int]  # per status, ignoring the status filter


def page(
    db: Session,
    model: type[Item],
    status: Any,
    filters: dict[str, Any],
    limit: int,
    offset: int,
    conditions: Sequence[ColumnElement[bool]] = (),
) -> Page[Item]:
    """Rows of `model`, newest first, matching `filters` (column name: value; None ignores),
    `conditions` and `status` (None: any), with the counts per status the console shows."""
    base = select(model).where(*conditions)
    for column, value in filters.items():
        if value is not None:
            base = base.where(getattr(model, column) == value)
    counted = db.execute(
        base.with_only_columns(model.status, func.count()).group_by(model.status).order_by(None)
    )
    counts = {value.value: count for value, count in counted}
    query = base if status is None else base.where(model.status == status)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(query.order_by(model.id.desc()).limit(limit).offset(offset))
    return Page(list(rows), total, counts)


def request(db: Session, request_id: int) -> StaffRequest:
    found = db.get(StaffRequest, request_id)
    if found is None:
        raise NotFound("No such request.")
    return found


def escalation(db: Session, escalation_id: int) -> Escalation:
    found = db.get(Escalation, escalation_id)
    if found is None:
        raise NotFound("No such escalation.")
    return found


@dataclass(frozen=True)
class Arrival:
    source: str  # escalation or request
    id: int
    reference: str


@dataclass(frozen=True)
class LiveQueue:
    open_escalations: int
    open_requests: int
    latest_escalation_id: int  # the next poll's cursors
    latest_request_id: int
    new: list[Arrival]  # after the cursors, oldest first


def _open_and_latest(db: Session, model: type[Item], open_status: Any) -> tuple[int, int]:
    counted = db.execute(
        select(func.count().filter(model.status == open_status), func.max(model.id))
    ).one()
    return counted[0] or 0, counted[1] or 0


def _after(db: Session, model: type[Item], source: str, cursor: int, at_most: int) -> list[Arrival]:
    rows = db.scalars(select(model).where(model.id > cursor).order_by(model.id).limit(at_most))
    return [Arrival(source, row.id, row.reference) for row in rows]


def live(
    db: Session, after_escalation: int | None, after_request: int | None, at_most: int
) -> LiveQueue:
    """Open counts, the newest ids, and what arrived after the cursors (at most `at_most` of
    each kind; none for a cursor not given)."""
    open_escalations, latest_escalation = _open_and_latest(db, Escalation, EscalationStatus.open)
    open_requests, latest_request = _open_and_latest(db, StaffRequest, RequestStatus.open)
    new: list[Arrival] = []
    if after_escalation is not None:
        new += _after(db, Escalation, "escalation", after_escalation, at_most)
    if after_request is not None:
        new += _after(db, StaffRequest, "request", after_request, at_most)
    return LiveQueue(open_escalations, open_requests, latest_escalation, latest_request, new)


def colleagues(db: Session) -> list[StaffUser]:
    """Active staff users by name: whom work can be assigned to."""
    return list(db.scalars(select(StaffUser).where(StaffUser.active).order_by(StaffUser.name)))


def audit_events(
    db: Session,
    actor_kind: str | None,
    target_kind: str | None,
    target_id: int | None,
    limit: int,
    offset: int,
) -> list[AuditEvent]:
    """Audit events matching the filters given (None: any), newest first."""
    query = select(AuditEvent)
    if actor_kind is not None:
        query = query.where(AuditEvent.actor_kind == actor_kind)
    if target_kind is not None:
        query = query.where(AuditEvent.target_kind == target_kind)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    return list(db.scalars(query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)))


def audit_trail(db: Session, target_kind: str, target_id: int) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_kind == target_kind, AuditEvent.target_id == target_id)
            .order_by(AuditEvent.id)
        )
    )


def active_assignee(db: Session, assignee_id: int | None) -> StaffUser | None:
    """The staff user to assign to (None: unassign); only an active one."""
    if assignee_id is None:
        return None
    assignee = db.get(StaffUser, assignee_id)
    if assignee is None or not assignee.active:
        raise Invalid("The assignee must be an active staff user.")
    return assignee


def _reference(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{prefix}-?0*(\d{{1,18}})\s*$", re.IGNORECASE)


_ESCALATION_REFERENCE = _reference("ESC")
_REQUEST_REFERENCE = _reference("REQ")


def _containing(column: Any, text: str) -> ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    matches: ColumnElement[bool] = column.ilike(f"%{escaped}%", escape="\\")
    return matches


def _registrar_is(email: str) -> Any:
    return select(Registrar.id).where(Registrar.email == email)


def escalation_search(text: str | None, email: str | None) -> list[ColumnElement[bool]]:
    """Escalations whose reference is `text` or whose redacted transcript contains it, and
    whose registrar (account or contact address) is `email`."""
    conditions: list[ColumnElement[bool]] = []
    if text:
        reference = _ESCALATION_REFERENCE.match(text)
        if reference:
            conditions.append(Escalation.id == int(reference.group(1)))
        else:
            conditions.append(_containing(Escalation.transcript, text))
    if email:
        conditions.append(
            or_(
                Escalation.registrar_id.in_(_registrar_is(email)),
                Escalation.contact_email == email,
            )
        )
    return conditions


def request_search(text: str | None, email: str | None) -> list[ColumnElement[bool]]:
    """Requests whose reference is `text` or whose decision note contains it (a request holds
    no free text of the registrar's), and whose filing registrar is `email`."""
    conditions: list[ColumnElement[bool]] = []
    if text:
        reference = _REQUEST_REFERENCE.match(text)
        if reference:
            conditions.append(StaffRequest.id == int(reference.group(1)))
        else:
            conditions.append(_containing(StaffRequest.decision_note, text))
    if email:
        conditions.append(StaffRequest.registrar_id.in_(_registrar_is(email)))
    return conditions
