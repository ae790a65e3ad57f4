"""Audit trail of staff and registrar actions on requests, escalations and accounts."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff user in the console, or an operator running `python -m backend.admin`
    (kind "operator", no id; the operator's name goes into the event's detail)."""

    kind: str
    id: int | None = None
    name: str | None = None


def record_by(
    db: Session,
    actor: Actor,
    action: str,
    target_kind: str,
    target_id: int | None,
    detail: str | None = None,
) -> None:
    named = f"operator {actor.name}" if actor.name else None
    record(
        db,
        actor_kind=actor.kind,
        actor_id=actor.id,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        detail="; ".join(part for part in (named, detail) if part) or None,
    )
