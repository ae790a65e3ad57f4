"""Endpoints for the action server only (service token)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StringConstraints

from backend import conversations
from backend.api.deps import (
    LimitsDep,
    ResetWorkerDep,
    SecurityDep,
    ServiceAuth,
    SessionDep,
    SettingsDep,
)
from backend.api.fields import ConversationId, Email, HetuText, Id
from backend.api.schemas import escalation_out
from backend.idempotency import IdempotencyKeyHeader, run_once
from backend.metrics import HANDOFFS
from backend.models import (
    EscalationReason,
    StaffRequest,
)
from backend.security import Security
from backend.services import escalations, office_hours, staff_requests
from backend.services.accounts import find_registrar, request_password_reset
from backend.services.customers import masked_hetu
from backend.tracker_events import earlier_sessions_transcript

router = APIRouter(prefix="/api/v1/service", tags=["service"], dependencies=[ServiceAuth])


class ConversationInfo(BaseModel):
    conversation_id: str
    known: bool
    registrar_id: int | None


@router.get("/conversations/{conversation_id}", response_model=ConversationInfo)
def conversation_info(conversation_id: str, db: SessionDep) -> ConversationInfo:
    """Who is on the other end of a conversation, as far as the backend knows."""
    conversation = conversations.find(db, conversation_id[:64])
    return ConversationInfo(
        conversation_id=conversation_id,
        known=conversation is not None,
        registrar_id=conversation.registrar_id if conversation else None,
    )


class ServiceResetIn(BaseModel):
    conversation_id: ConversationId | None = None
    email: Email


class UnlockIn(BaseModel):
    conversation_id: ConversationId
    email: Email | None = None


class ReactivationIn(BaseModel):
    conversation_id: ConversationId
    hetu: HetuText
    unit_id: Id | None = None


class DeliveryChangeIn(BaseModel):
    conversation_id: ConversationId
    hetu: HetuText


class FiledRequest(BaseModel):
    reference: str
    kind: str
    status: str
    customer_hetu_masked: str | None


class EscalationIn(BaseModel):
    conversation_id: ConversationId
    reason: EscalationReason
    transcript: Annotated[str, StringConstraints(max_length=50_000)]
    language: Literal["fi", "sv", "en"] = "fi"


UNLOCK_RECEIVED = (
    "Thank you. If the account is locked, Celia has been asked to unlock it and will send an "
    "e-mail to the account's address."
)


def _filed(security: Security, request: StaffRequest) -> dict[str, Any]:
    customer = request.customer
    return FiledRequest(
        reference=request.reference,
        kind=request.kind.value,
        status=request.status.value,
        customer_hetu_masked=masked_hetu(security, customer) if customer else None,
    ).model_dump(mode="json")


@router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED)
async def password_reset(
    body: ServiceResetIn, limits: LimitsDep, worker: ResetWorkerDep
) -> JSONResponse:
    """Same answer (status, body, work) whether or not the address has an account."""
    client = f"conversation:{body.conversation_id or 'none'}"
    detail = await request_password_reset(limits, worker, body.email, client)
    return JSONResponse({"detail": detail}, status_code=status.HTTP_202_ACCEPTED)


@router.post("/unlock-requests", status_code=status.HTTP_202_ACCEPTED)
def unlock_request(
    body: UnlockIn,
    db: SessionDep,
    security: SecurityDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Ask Celia to unlock the account of an e-mail address, or of the bound registrar.
    The answer does not tell whether such an account exists or is locked."""

    def make() -> tuple[int, dict[str, Any]]:
        if body.email is not None:
            registrar = find_registrar(db, body.email)
        else:
            registrar = conversations.bound_registrar(db, body.conversation_id)
        staff_requests.file_unlock(db, registrar, body.conversation_id)
        return 202, {"detail": UNLOCK_RECEIVED}

    return run_once(db, security, "service.unlock", idempotency_key, body, make)


@router.post("/reactivation-requests", status_code=status.HTTP_201_CREATED)
def reactivation_request(
    body: ReactivationIn,
    db: SessionDep,
    security: SecurityDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """File a reactivation for a customer marked for deletion (logged-in registrar only)."""

    def make() -> tuple[int, dict[str, Any]]:
        registrar = conversations.acting_registrar(db, body.conversation_id)
        filed = staff_requests.file_reactivation(
            db, security, registrar, body.hetu, body.unit_id, body.conversation_id
        )
        return 201, _filed(security, filed)

    return run_once(db, security, "service.reactivation", idempotency_key, body, make)


@router.post("/delivery-change-requests", status_code=status.HTTP_201_CREATED)
def delivery_change_request(
    body: DeliveryChangeIn,
    db: SessionDep,
    security: SecurityDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """File a CD → online change for a customer of the logged-in registrar's units."""

    def make() -> tuple[int, dict[str, Any]]:
        registrar = conversations.acting_registrar(db, body.conversation_id)
        filed = staff_requests.file_delivery_change(
            db, security, registrar, body.hetu, body.conversation_id
        )
        return 201, _filed(security, filed)

    return run_once(db, security, "service.delivery_change", idempotency_key, body, make)


@router.post("/escalations", status_code=status.HTTP_201_CREATED)
def create_escalation(
    body: EscalationIn,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Hand the conversation to Celia staff; an unresolved escalation is reused (200).
    The bot sends the current session's transcript; the earlier sessions come first.
    `answer_expected` says, in the conversation's language, when staff will answer."""

    def make() -> tuple[int, dict[str, Any]]:
        earlier = earlier_sessions_transcript(settings, body.conversation_id)
        transcript = "\n".join(part for part in (earlier, body.transcript) if part)
        escalation, new = escalations.create(
            db, body.conversation_id, body.reason, transcript, body.language
        )
        if new:  # counted here, not for a replayed Idempotency-Key
            HANDOFFS.labels(body.reason.value).inc()
        answer = {"answer_expected": office_hours.answer_expected(settings, body.language)}
        return (201 if new else 200), escalation_out(escalation).model_dump(mode="json") | answer

    return run_once(db, security, "service.escalation", idempotency_key, body, make)
