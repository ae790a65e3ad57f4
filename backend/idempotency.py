"""Idempotency-Key handling for creating endpoints.

Same key + same request → the stored answer again; same key + another request → 422. The
record is written in the same transaction as what the request created, so a failed request
leaves no record and may be retried with the same key.
"""

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StringConstraints
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.models import IdempotencyRecord
from backend.security import Security
from backend.services.errors import Invalid

IdempotencyKeyHeader = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]
    | None,
    Header(alias="Idempotency-Key"),
]

_REUSED = "This Idempotency-Key was already used for a different request; use a new key."


def _replay(record: IdempotencyRecord, fingerprint: str) -> JSONResponse:
    if record.fingerprint != fingerprint:
        raise Invalid(_REUSED)
    return JSONResponse(record.response_body, status_code=record.status_code)


def run_once(
    db: Session,
    security: Security,
    scope: str,
    key: str | None,
    body: BaseModel,
    create: Callable[[], tuple[int, dict[str, Any]]],
) -> JSONResponse:
    """Run `create` (which adds to `db` and returns status and JSON body) at most once per key
    and request `body`, then commit."""
    fingerprint = security.fingerprint(
        json.dumps(body.model_dump(mode="json"), sort_keys=True, default=str).encode("utf-8")
    )
    if key is not None:
        stored = db.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
            )
        )
        if stored is not None:
            return _replay(stored, fingerprint)
    status_code, answer = create()
    if key is not None:
        db.add(
            IdempotencyRecord(
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                status_code=status_code,
                response_body=answer,
            )
        )
    try:
        db.commit()
    except IntegrityError:
        # A concurrent request with the same key won the race: answer as it did.
        db.rollback()
        stored = db.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
            )
        )
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    return JSONResponse(answer, status_code=status_code)
