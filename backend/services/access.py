"""Which units a registrar acts for, and in which of them they are the main user."""

from sqlalchemy import update
from sqlalchemy.orm import Session

from backend.models import Registrar, RegistrarRole, Unit, registrar_units
from backend.services.errors import Forbidden, Invalid, RefusalCode


def own_unit_ids(registrar: Registrar) -> set[int]:
    return {unit.id for unit in registrar.units if unit.closed_at is None}


def acting_unit(registrar: Registrar, unit_id: int | None) -> Unit:
    """The unit a registrar acts for: the one named (if theirs), or their only unit.
    Closed units are nobody's to act for."""
    units = [unit for unit in registrar.units if unit.closed_at is None]
    if not units:
        raise Forbidden(
            "Your account is not linked to any unit yet; ask your main user.", RefusalCode.no_unit
        )
    if unit_id is None:
        if len(units) > 1:
            raise Invalid(
                "You work for several units; say which one (unit_id).", RefusalCode.choose_unit
            )
        return units[0]
    for unit in units:
        if unit.id == unit_id:
            return unit
    raise Forbidden("You can act only for your own units.", RefusalCode.not_your_unit)


def make_main_user(db: Session, registrar: Registrar, unit: Unit) -> None:
    """The registrar becomes the main user of this unit (joining it if need be) and of no
    other: the role belongs to the membership."""
    if unit not in registrar.units:
        registrar.units.append(unit)
    db.flush()
    db.execute(
        update(registrar_units)
        .where(registrar_units.c.registrar_id == registrar.id, registrar_units.c.unit_id == unit.id)
        .values(role=RegistrarRole.main_user)
    )
    db.expire(registrar, ["memberships"])
