"""Customers (seeds 000/001): look up by hetu first, transfer between units, consent by age,
marked-for-deletion customers hidden from search but blocking their hetu."""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend import audit, hetu
from backend.models import Customer, CustomerStatus, Delivery, Registrar
from backend.security import Security
from backend.services.access import acting_unit, own_unit_ids
from backend.services.errors import Conflict, Invalid, NotFound

NO_HETU = (
    "A customer without a Finnish personal identity code cannot be registered here. Fill in "
    "the customer information form (www.celianet.fi/lomakkeet/#asiakastietolomake) and send it "
    "to Celia as secure mail (turvaviesti.celia.fi)."
)
MARKED_FOR_DELETION = (
    "This hetu is in use by a customer marked for deletion. Celia can reactivate the customer: "
    "file a reactivation request."
)
GUARDIAN_CONSENT_AGE = 15  # under this age, a guardian's consent is needed (the webinar)
GUARDIAN_CONSENT_NEEDED = (
    f"The customer is under {GUARDIAN_CONSENT_AGE}, so a guardian's consent is needed. Record "
    "the guardian's consent (guardian_consent: true) and try again."
)


def canonical_hetu(text: str | None) -> str:
    if text is None or not text.strip():
        raise Invalid(NO_HETU)
    try:
        return hetu.canonical(text)
    except hetu.InvalidHetu as error:
        raise Invalid(str(error)) from error


def by_hetu(db: Session, security: Security, number: str) -> Customer | None:
    return db.scalar(select(Customer).where(Customer.hetu_hmac == security.hetu_hmac(number)))


def masked_hetu(security: Security, customer: Customer) -> str | None:
    if customer.hetu_encrypted is None:
        return None
    return hetu.mask(security.decrypt_hetu(customer.hetu_encrypted))


def look_up(db: Session, security: Security, hetu_text: str) -> Customer | None:
    """Search by hetu, as the registrar does before creating; marked customers stay hidden."""
    customer = by_hetu(db, security, canonical_hetu(hetu_text))
    if customer is None or customer.status == CustomerStatus.marked_for_deletion:
        return None
    return customer


def create(
    db: Session,
    security: Security,
    registrar: Registrar,
    *,
    hetu_text: str | None,
    first_name: str,
    last_name: str,
    email: str | None,
    unit_id: int | None,
    delivery: Delivery,
    temporary: bool,
    guardian_consent: bool,
) -> Customer:
    number = canonical_hetu(hetu_text)
    unit = acting_unit(registrar, unit_id)
    existing = by_hetu(db, security, number)
    if existing is not None:
        if existing.status == CustomerStatus.marked_for_deletion:
            raise Conflict(MARKED_FOR_DELETION)
        raise Conflict(
            f"The customer is already registered (unit: {existing.unit.name}). "
            "Transfer the customer to your unit instead of creating a new one."
        )
    if hetu.age_on(number, date.today()) < GUARDIAN_CONSENT_AGE and not guardian_consent:
        raise Invalid(GUARDIAN_CONSENT_NEEDED)
    customer = Customer(
        hetu_hmac=security.hetu_hmac(number),
        hetu_encrypted=security.encrypt_hetu(number),
        first_name=first_name,
        last_name=last_name,
        email=email,
        unit=unit,
        delivery=delivery,
        temporary=temporary,
        guardian_consent=guardian_consent,
    )
    db.add(customer)
    db.flush()
    audit.record(
        db,
        actor_kind="registrar",
        actor_id=registrar.id,
        action="customer.created",
        target_kind="customer",
        target_id=customer.id,
    )
    return customer


def transfer(
    db: Session, security: Security, registrar: Registrar, hetu_text: str, unit_id: int | None
) -> Customer:
    """Move a found customer (active or ended) to the registrar's unit and make it active."""
    customer = look_up(db, security, hetu_text)
    if customer is None:
        raise NotFound("No customer was found with this hetu; register the customer as new.")
    unit = acting_unit(registrar, unit_id)
    previous_unit = customer.unit_id
    customer.unit = unit
    customer.status = CustomerStatus.active
    audit.record(
        db,
        actor_kind="registrar",
        actor_id=registrar.id,
        action="customer.transferred",
        target_kind="customer",
        target_id=customer.id,
        detail=f"unit {previous_unit} -> {unit.id}",
    )
    return customer


def in_own_units(db: Session, registrar: Registrar, customer_id: int) -> Customer:
    customer = db.get(Customer, customer_id)
    if (
        customer is None
        or customer.unit_id not in own_unit_ids(registrar)
        or customer.status == CustomerStatus.marked_for_deletion
    ):
        raise NotFound("No such customer in your units.")
    return customer


def list_own(
    db: Session, registrar: Registrar, unit_id: int | None, name: str | None
) -> list[Customer]:
    units = own_unit_ids(registrar)
    if unit_id is not None:
        units &= {unit_id}
    query = select(Customer).where(
        Customer.unit_id.in_(units), Customer.status != CustomerStatus.marked_for_deletion
    )
    if name:
        pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Customer.first_name.ilike(pattern, escape="\\"),
                Customer.last_name.ilike(pattern, escape="\\"),
            )
        )
    return list(db.scalars(query.order_by(Customer.last_name, Customer.id).limit(200)))


def update(security: Security, customer: Customer, changes: dict[str, object]) -> None:
    """Apply edited fields; a customer under the consent age cannot lose the guardian's
    consent."""
    if changes.get("guardian_consent") is False and customer.hetu_encrypted:
        number = security.decrypt_hetu(customer.hetu_encrypted)
        if hetu.age_on(number, date.today()) < GUARDIAN_CONSENT_AGE:
            raise Invalid(GUARDIAN_CONSENT_NEEDED)
    for field, value in changes.items():
        if value is None and field != "email":
            raise Invalid(f"{field} cannot be empty.")
        setattr(customer, field, value)


def set_status(
    db: Session, registrar: Registrar, customer: Customer, new_status: CustomerStatus
) -> None:
    customer.status = new_status
    audit.record(
        db,
        actor_kind="registrar",
        actor_id=registrar.id,
        action=f"customer.{new_status.value}",
        target_kind="customer",
        target_id=customer.id,
    )
