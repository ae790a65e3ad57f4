"""Which units a registrar acts for."""

from backend.models import Registrar, Unit
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
