"""Requests a registrar files for Celia staff from the web (the chat uses the service API)."""

from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from backend.api.auth import CurrentRegistrar
from backend.api.deps import SecurityDep, SessionDep
from backend.api.fields import HetuText, Id
from backend.api.schemas import RequestOut, request_out
from backend.idempotency import IdempotencyKeyHeader, run_once
from backend.services import staff_requests

router = APIRouter(prefix="/api/v1/requests", tags=["requests"])

MY_REQUESTS_AT_MOST = 200


class ReactivationIn(BaseModel):
    hetu: HetuText
    unit_id: Id | None = None


class DeliveryChangeIn(BaseModel):
    hetu: HetuText


class RegistrarRemovalIn(BaseModel):
    registrar_id: Id
    unit_id: Id


@router.get("", response_model=list[RequestOut])
def my_requests(
    context: CurrentRegistrar, db: SessionDep, security: SecurityDep
) -> list[RequestOut]:
    rows = staff_requests.filed_by(db, context.registrar.id, MY_REQUESTS_AT_MOST)
    return [request_out(security, row) for row in rows]


@router.post("/reactivation", status_code=status.HTTP_201_CREATED, response_model=RequestOut)
def reactivation(
    body: ReactivationIn,
    context: CurrentRegistrar,
    db: SessionDep,
    security: SecurityDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Ask Celia to reactivate a customer marked for deletion into your unit."""

    def make() -> tuple[int, dict[str, Any]]:
        filed = staff_requests.file_reactivation(
            db, security, context.registrar, body.hetu, body.unit_id
        )
        return 201, request_out(security, filed).model_dump(mode="json")

    return run_once(
        db, security, f"requests.reactivation:{context.registrar.id}", idempotency_key, body, make
    )


@router.post("/delivery-change", status_code=status.HTTP_201_CREATED, response_model=RequestOut)
def delivery_change(
    body: DeliveryChangeIn,
    context: CurrentRegistrar,
    db: SessionDep,
    security: SecurityDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Ask Celia to move a customer of your unit from CD loans to the online service."""

    def make() -> tuple[int, dict[str, Any]]:
        filed = staff_requests.file_delivery_change(db, security, context.registrar, body.hetu)
        return 201, request_out(security, filed).model_dump(mode="json")

    return run_once(
        db,
        security,
        f"requests.delivery_change:{context.registrar.id}",
        idempotency_key,
        body,
        make,
    )


@router.post("/registrar-removal", status_code=status.HTTP_201_CREATED, response_model=RequestOut)
def registrar_removal(
    body: RegistrarRemovalIn,
    context: CurrentRegistrar,
    db: SessionDep,
    security: SecurityDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """A main user asks Celia to remove a registrar they cannot remove themselves."""

    def make() -> tuple[int, dict[str, Any]]:
        filed = staff_requests.file_registrar_removal(
            db, context.registrar, body.registrar_id, body.unit_id
        )
        return 201, request_out(security, filed).model_dump(mode="json")

    return run_once(
        db,
        security,
        f"requests.registrar_removal:{context.registrar.id}",
        idempotency_key,
        body,
        make,
    )
