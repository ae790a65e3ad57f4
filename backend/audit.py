"""Audit trail of staff and registrar actions on requests, escalations and accounts."""

from sqlalchemy.orm import Session

from backend.models import AuditEvent


def record(
    db: Session,
    *,
    actor_kind: str,
    actor_id: int | None,
    action: str,
    target_kind: str,
    target_id: int | None,
    detail: str | None = None,
) -> None:
    db.add(
        AuditEvent(
            actor_kind=actor_kind,
            actor_id=actor_id,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            detail=detail,
        )
    )
