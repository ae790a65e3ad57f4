"""Customers of the registrar's own units. Hetus travel only in request bodies, never URLs."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from backend.api.auth import CurrentRegistrar
from backend.api.deps import SecurityDep, SessionDep
from backend.api.fields import Email, HetuText, Id, MaybeHetuText, PersonName
from backend.api.schemas import CustomerOut, customer_out
from backend.idempotency import IdempotencyKeyHeader, run_once
from backend.models import CustomerStatus, Delivery
from backend.services import customers

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


class LookupIn(BaseModel):
    hetu: HetuText


class LookupOut(BaseModel):
    found: bool
    customer: CustomerOut | None


class CustomerIn(BaseModel):
    hetu: MaybeHetuText = None
    first_name: PersonName
    last_name: PersonName
    email: Email | None = None
    unit_id: Id | None = None
    delivery: Delivery = Delivery.online
    temporary: bool = False
    guardian_consent: bool = False


class TransferIn(BaseModel):
    hetu: HetuText
    unit_id: Id | None = None


class CustomerPatch(BaseModel):
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: Email | None = None
    temporary: bool | None = None
    guardian_consent: bool | None = None


@router.post("/lookup", response_model=LookupOut)
def look_up(
    body: LookupIn, context: CurrentRegistrar, db: SessionDep, security: SecurityDep
) -> LookupOut:
    """Search by hetu before creating. Customers marked for deletion are not found."""
    customer = customers.look_up(db, security, body.hetu)
    return LookupOut(
        found=customer is not None,
        customer=customer_out(security, customer) if customer else None,
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CustomerOut)
def create(
    body: CustomerIn,
    context: CurrentRegistrar,
    db: SessionDep,
    security: SecurityDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Register a new customer. Needs a hetu; under 15 needs a guardian's consent."""

    def make() -> tuple[int, dict[str, Any]]:
        customer = customers.create(
            db,
            security,
            context.registrar,
            hetu_text=body.hetu,
            first_name=body.first_name,
            last_name=body.last_name,
            email=body.email,
            unit_id=body.unit_id,
            delivery=body.delivery,
            temporary=body.temporary,
            guardian_consent=body.guardian_consent,
        )
        return 201, customer_out(security, customer).model_dump(mode="json")

    return run_once(
        db, security, f"customers.create:{context.registrar.id}", idempotency_key, body, make
    )


@router.post("/transfer", response_model=CustomerOut)
def transfer(
    body: TransferIn, context: CurrentRegistrar, db: SessionDep, security: SecurityDep
) -> CustomerOut:
    """Move a customer found by hetu into your unit (an ended customer becomes active)."""
    customer = customers.transfer(db, security, context.registrar, body.hetu, body.unit_id)
    db.commit()
    return customer_out(security, customer)


@router.get("", response_model=list[CustomerOut])
def list_customers(
    context: CurrentRegistrar,
    db: SessionDep,
    security: SecurityDep,
    unit_id: Id | None = None,
    name: Annotated[str | None, Query(max_length=100)] = None,
) -> list[CustomerOut]:
    found = customers.list_own(db, context.registrar, unit_id, name)
    return [customer_out(security, customer) for customer in found]


@router.get("/{customer_id}", response_model=CustomerOut)
def get_customer(
    customer_id: Id, context: CurrentRegistrar, db: SessionDep, security: SecurityDep
) -> CustomerOut:
    return customer_out(security, customers.in_own_units(db, context.registrar, customer_id))


@router.patch("/{customer_id}", response_model=CustomerOut)
def update_customer(
    customer_id: Id,
    body: CustomerPatch,
    context: CurrentRegistrar,
    db: SessionDep,
    security: SecurityDep,
) -> CustomerOut:
    """Edit contact details and flags. Delivery (CD → online) is changed by Celia on request."""
    customer = customers.in_own_units(db, context.registrar, customer_id)
    customers.update(security, customer, body.model_dump(exclude_unset=True))
    db.commit()
    return customer_out(security, customer)


@router.post("/{customer_id}/end", response_model=CustomerOut)
def end_customer(
    customer_id: Id, context: CurrentRegistrar, db: SessionDep, security: SecurityDep
) -> CustomerOut:
    """End the customership (e.g. a temporary customer says the need has passed)."""
    customer = customers.in_own_units(db, context.registrar, customer_id)
    customers.set_status(db, context.registrar, customer, CustomerStatus.ended)
    db.commit()
    return customer_out(security, customer)


@router.delete("/{customer_id}", response_model=CustomerOut)
def mark_for_deletion(
    customer_id: Id, context: CurrentRegistrar, db: SessionDep, security: SecurityDep
) -> CustomerOut:
    """Mark the customer for deletion; only Celia can reactivate them afterwards."""
    customer = customers.in_own_units(db, context.registrar, customer_id)
    customers.set_status(db, context.registrar, customer, CustomerStatus.marked_for_deletion)
    db.commit()
    return customer_out(security, customer)
