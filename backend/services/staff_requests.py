"""Requests Celia staff decide: filing (by registrars, through the chat or the API) and
deciding. Approval changes the real state; every decision is audited and mailed."""

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend import audit
from backend.email.outbox import queue_email
from backend.models import (
    CustomerStatus,
    Delivery,
    DeliveryChangeRequest,
    ReactivationRequest,
    Registrar,
    RegistrarRemovalRequest,
    RegistrarStatus,
    RequestKind,
    RequestStatus,
    StaffRequest,
    StaffUser,
    UnlockRequest,
    utcnow,
)
from backend.security import Security
from backend.services import customers
from backend.services.access import acting_unit
from backend.services.errors import Conflict, Forbidden, NotFound, RefusalCode

KIND_NAMES = {
    RequestKind.reactivation: ("asiakkuuden aktivointi", "återaktivering", "reactivation"),
    RequestKind.unlock: ("tunnuksen lukituksen avaus", "upplåsning av konto", "account unlock"),
    RequestKind.delivery_change: (
        "muutos CD-lainaajasta verkkokäyttäjäksi",
        "byte från cd till nättjänst",
        "change from CD to online",
    ),
    RequestKind.registrar_removal: (
        "rekisteröijän poisto",
        "borttagning av registrerare",
        "registrar removal",
    ),
}


def _open_duplicate(db: Session, request: StaffRequest) -> StaffRequest | None:
    """An open request of the same kind for the same thing from the same unit: filing twice
    files once. Another unit's request is never matched (nor shown): that unit files its own."""
    return db.scalar(
        select(StaffRequest).where(
            StaffRequest.kind == request.kind,
            StaffRequest.status == RequestStatus.open,
            StaffRequest.unit_id.is_(None)
            if request.unit_id is None
            else StaffRequest.unit_id == request.unit_id,
            StaffRequest.customer_id.is_(None)
            if request.customer_id is None
            else StaffRequest.customer_id == request.customer_id,
            StaffRequest.target_registrar_id.is_(None)
            if request.target_registrar_id is None
            else StaffRequest.target_registrar_id == request.target_registrar_id,
        )
    )


def _file(db: Session, request: StaffRequest, actor_kind: str) -> StaffRequest:
    duplicate = _open_duplicate(db, request)
    if duplicate is not None:
        return duplicate
    db.add(request)
    db.flush()
    audit.record(
        db,
        actor_kind=actor_kind,
        actor_id=request.registrar_id,
        action="request.filed",
        target_kind="request",
        target_id=request.id,
        detail=request.kind.value,
    )
    return request


def file_reactivation(
    db: Session,
    security: Security,
    registrar: Registrar,
    hetu_text: str,
    unit_id: int | None,
    conversation_id: str | None = None,
) -> StaffRequest:
    number = customers.canonical_hetu(hetu_text)
    customer = customers.by_hetu(db, security, number)
    if customer is None:
        raise NotFound(
            "No customer has this hetu, so there is nothing to reactivate.",
            RefusalCode.unknown_customer,
        )
    if customer.status != CustomerStatus.marked_for_deletion:
        raise Conflict(
            "This customer is not marked for deletion: find them with a hetu search "
            "(and transfer them to your unit if needed).",
            RefusalCode.not_marked_for_deletion,
        )
    # From the chat no unit is named: the customer's former unit, when it is one of the
    # registrar's own, is the natural place to bring them back to.
    if unit_id is None and customer.unit in registrar.units:
        unit = customer.unit
    else:
        unit = acting_unit(registrar, unit_id)
    return _file(
        db,
        ReactivationRequest(
            registrar_id=registrar.id,
            unit_id=unit.id,
            customer_id=customer.id,
            conversation_id=conversation_id,
        ),
        "registrar",
    )


def file_delivery_change(
    db: Session,
    security: Security,
    registrar: Registrar,
    hetu_text: str,
    conversation_id: str | None = None,
) -> StaffRequest:
    customer = customers.look_up(db, security, hetu_text)
    if customer is None or customer.unit not in registrar.units:
        raise NotFound(
            "None of your units has a customer with this hetu.", RefusalCode.unknown_customer
        )
    if customer.delivery != Delivery.cd:
        raise Conflict("This customer already uses the online service.", RefusalCode.already_online)
    return _file(
        db,
        DeliveryChangeRequest(
            registrar_id=registrar.id,
            unit_id=customer.unit_id,
            customer_id=customer.id,
            conversation_id=conversation_id,
        ),
        "registrar",
    )


def file_unlock(
    db: Session, registrar: Registrar | None, conversation_id: str | None = None
) -> StaffRequest | None:
    """Unlock request for a locked account; nothing for an unknown or unlocked one (callers
    answer the same either way)."""
    if registrar is None or not registrar.locked or registrar.status == RegistrarStatus.deleted:
        return None
    return _file(
        db,
        UnlockRequest(
            registrar_id=registrar.id,
            target_registrar_id=registrar.id,
            conversation_id=conversation_id,
        ),
        "service",
    )


def filed_by(db: Session, registrar_id: int, at_most: int) -> list[StaffRequest]:
    """A registrar's own requests, newest first, with their customers loaded (in one query,
    not one per request)."""
    return list(
        db.scalars(
            select(StaffRequest)
            .where(StaffRequest.registrar_id == registrar_id)
            .options(selectinload(StaffRequest.customer))
            .order_by(StaffRequest.id.desc())
            .limit(at_most)
        )
    )


def file_registrar_removal(
    db: Session, main_user: Registrar, target_id: int, unit_id: int
) -> StaffRequest:
    target = db.get(Registrar, target_id)
    if target is None:
        raise NotFound("This registrar is not in your unit.")
    unit = acting_unit(main_user, unit_id)
    if not main_user.is_main_user_of(unit.id):
        raise Forbidden("Only a main user can ask to remove registrars.")
    if unit not in target.units:
        raise NotFound("This registrar is not in your unit.")
    return _file(
        db,
        RegistrarRemovalRequest(
            registrar_id=main_user.id, unit_id=unit.id, target_registrar_id=target.id
        ),
        "registrar",
    )


def _apply(request: StaffRequest) -> None:
    if isinstance(request, ReactivationRequest):
        customer = request.customer
        if customer is None or customer.status != CustomerStatus.marked_for_deletion:
            raise Conflict("The customer is no longer marked for deletion; deny the request.")
        customer.status = CustomerStatus.active
        customer.unit_id = request.unit_id or customer.unit_id
    elif isinstance(request, UnlockRequest):
        target = request.target_registrar
        if target is None:
            raise Conflict("The account no longer exists; deny the request.")
        unlock(target)
    elif isinstance(request, DeliveryChangeRequest):
        if request.customer is None:
            raise Conflict("The customer no longer exists; deny the request.")
        request.customer.delivery = Delivery.online
    elif isinstance(request, RegistrarRemovalRequest):
        target, unit = request.target_registrar, request.unit
        if target is not None and unit in target.units:
            target.units.remove(unit)


def unlock(registrar: Registrar) -> None:
    registrar.locked = False
    registrar.locked_at = None
    registrar.failed_logins = 0


def unlock_by_staff(db: Session, staff: StaffUser, registrar_id: int) -> None:
    """Unlock a registrar account directly (without an unlock request), audited."""
    registrar = db.get(Registrar, registrar_id)
    if registrar is None:
        raise NotFound("No such registrar.")
    unlock(registrar)
    audit.record(
        db,
        actor_kind="staff",
        actor_id=staff.id,
        action="registrar.unlocked",
        target_kind="registrar",
        target_id=registrar.id,
    )


def decide(
    db: Session, staff: StaffUser, request: StaffRequest, approve: bool, note: str | None
) -> None:
    if request.status != RequestStatus.open:
        raise Conflict("This request has already been decided.")
    if approve:
        _apply(request)
    request.status = RequestStatus.approved if approve else RequestStatus.denied
    request.decided_by_id = staff.id
    request.decided_at = utcnow()
    request.decision_note = note or None
    audit.record(
        db,
        actor_kind="staff",
        actor_id=staff.id,
        action="request.approved" if approve else "request.denied",
        target_kind="request",
        target_id=request.id,
        detail=note or None,
    )
    fi, sv, en = KIND_NAMES[request.kind]
    queue_email(
        db,
        request.registrar.email,
        "request_approved" if approve else "request_denied",
        request.registrar.language,
        reference=request.reference,
        kind_fi=fi,
        kind_sv=sv,
        kind_en=en,
        note_fi=f"\nViesti: {note}" if note else "",
        note_sv=f"\nMeddelande: {note}" if note else "",
        note_en=f"\nNote: {note}" if note else "",
    )


def assign(
    db: Session, staff: StaffUser, request: StaffRequest, assignee: StaffUser | None
) -> None:
    request.assignee_id = assignee.id if assignee else None
    audit.record(
        db,
        actor_kind="staff",
        actor_id=staff.id,
        action="request.assigned",
        target_kind="request",
        target_id=request.id,
        detail=f"assignee {assignee.id}" if assignee else "unassigned",
    )
