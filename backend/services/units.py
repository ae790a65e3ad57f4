"""Main users manage the registrars of their own unit (seed 002)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit
from backend.email.outbox import queue_email
from backend.limits import Limit, Limits
from backend.models import Registrar, RegistrarRole, RegistrarStatus, Unit, UnitMembership
from backend.services.access import acting_unit
from backend.services.accounts import find_registrar
from backend.services.errors import Conflict, Forbidden, NotFound
from backend.settings import Settings

CANNOT_REMOVE = (
    "A main user cannot remove {what}. File a registrar removal request and Celia removes "
    "the registrar."
)


def managed_unit(main_user: Registrar, unit_id: int) -> Unit:
    """The unit, when the registrar is its main user (a main user of another unit is not)."""
    unit = acting_unit(main_user, unit_id)
    if not main_user.is_main_user_of(unit.id):
        raise Forbidden("Only the unit's main user manages its registrars.")
    return unit


def registrars_of(db: Session, unit: Unit) -> list[tuple[Registrar, RegistrarRole]]:
    """The unit's registrars with the role each has in this unit."""
    rows = db.execute(
        select(Registrar, UnitMembership.role)
        .join(UnitMembership, UnitMembership.registrar_id == Registrar.id)
        .where(UnitMembership.unit_id == unit.id)
        .order_by(Registrar.last_name, Registrar.id)
    )
    return [(registrar, role) for registrar, role in rows]


def add_registrar(
    db: Session, settings: Settings, limits: Limits, main_user: Registrar, unit_id: int, email: str
) -> Registrar | None:
    """Add the verified account using `email` to the unit; an address without one gets an
    invitation to register (None is returned), and the main user adds the person once verified."""
    unit = managed_unit(main_user, unit_id)
    registrar = find_registrar(db, email)
    if registrar is None or registrar.status != RegistrarStatus.active:
        limits.enforce(Limit.INVITATIONS_PER_MAIN_USER, str(main_user.id))
        _invite(db, settings, main_user, unit, email)
        return None
    if unit not in registrar.units:
        registrar.units.append(unit)
        audit.record(
            db,
            actor_kind="registrar",
            actor_id=main_user.id,
            action="unit.registrar_added",
            target_kind="registrar",
            target_id=registrar.id,
            detail=f"unit {unit.id}",
        )
    return registrar


def _invite(db: Session, settings: Settings, main_user: Registrar, unit: Unit, email: str) -> None:
    queue_email(
        db,
        email,
        "unit_invitation",
        main_user.language,
        inviter=f"{main_user.first_name} {main_user.last_name}",
        unit=unit.name,
        site=settings.site_url,
    )
    audit.record(
        db,
        actor_kind="registrar",
        actor_id=main_user.id,
        action="unit.registrar_invited",
        target_kind="unit",
        target_id=unit.id,
    )


def remove_registrar(db: Session, main_user: Registrar, unit_id: int, registrar_id: int) -> None:
    """Main users remove ordinary registrars; other main users and themselves need Celia."""
    unit = managed_unit(main_user, unit_id)
    registrar = db.get(Registrar, registrar_id)
    if registrar is None or unit not in registrar.units:
        raise NotFound("This registrar is not in your unit.")
    if registrar.id == main_user.id:
        raise Conflict(CANNOT_REMOVE.format(what="themselves"))
    if registrar.is_main_user_of(unit.id):
        raise Conflict(CANNOT_REMOVE.format(what="another main user"))
    registrar.units.remove(unit)
    audit.record(
        db,
        actor_kind="registrar",
        actor_id=main_user.id,
        action="unit.registrar_removed",
        target_kind="registrar",
        target_id=registrar.id,
        detail=f"unit {unit.id}",
    )
