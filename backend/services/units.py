"""Main users manage the registrars of their own unit (seed 002); a registrar joins a unit by
accepting its main user's invitation."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit
from backend.limits import Limit, Limits
from backend.models import InvitationKind, Registrar, RegistrarRole, Unit, UnitMembership
from backend.services import invitations
from backend.services.access import acting_unit
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


def invite_registrar(
    db: Session, settings: Settings, limits: Limits, main_user: Registrar, unit_id: int, email: str
) -> None:
    """Mail `email` an invitation to join the unit, whether or not an account uses it: the
    person joins when they accept it logged in (registering first if need be), so the main
    user learns nothing of the address and adds nobody without their consent."""
    unit = managed_unit(main_user, unit_id)
    limits.enforce(Limit.INVITATIONS_PER_MAIN_USER, str(main_user.id))
    invitations.send(
        db,
        settings,
        InvitationKind.unit_registrar,
        email,
        unit_id=unit.id,
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


def accept_invitation(db: Session, registrar: Registrar, token: str) -> Unit:
    """The logged-in registrar joins the unit of an invitation sent to their own address."""
    invitation = invitations.redeem(
        db, InvitationKind.unit_registrar, token, for_email=registrar.email
    )
    unit = db.get(Unit, invitation.unit_id)
    if unit is None or unit.closed_at is not None:
        raise Conflict("The unit of this invitation is closed.")
    if unit not in registrar.units:
        registrar.units.append(unit)
        audit.record(
            db,
            actor_kind="registrar",
            actor_id=registrar.id,
            action="unit.registrar_added",
            target_kind="registrar",
            target_id=registrar.id,
            detail=f"unit {unit.id}",
        )
    return unit


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
