"""A main user's view of the unit's registrars."""

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from backend.api.auth import CurrentRegistrar
from backend.api.deps import LimitsDep, SessionDep, SettingsDep
from backend.api.fields import Email, Id
from backend.services import units

router = APIRouter(prefix="/api/v1/units", tags=["units"])

INVITED = "No verified account uses this address, so we sent it an invitation to register."


class UnitRegistrarOut(BaseModel):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    locked: bool


class AddRegistrarIn(BaseModel):
    email: Email


@router.get("/{unit_id}/registrars", response_model=list[UnitRegistrarOut])
def list_registrars(unit_id: Id, context: CurrentRegistrar, db: SessionDep):
    unit = units.managed_unit(context.registrar, unit_id)
    return [
        UnitRegistrarOut(
            id=r.id,
            email=r.email,
            first_name=r.first_name,
            last_name=r.last_name,
            role=role.value,
            locked=r.locked,
        )
        for r, role in units.registrars_of(db, unit)
    ]


@router.post(
    "/{unit_id}/registrars",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={202: {"description": "No verified account: an invitation was mailed."}},
)
def add_registrar(
    unit_id: Id,
    body: AddRegistrarIn,
    context: CurrentRegistrar,
    db: SessionDep,
    settings: SettingsDep,
    limits: LimitsDep,
) -> Response:
    """204 when the account joined the unit; 202 when the address was sent an invitation."""
    added = units.add_registrar(db, settings, limits, context.registrar, unit_id, body.email)
    db.commit()
    if added is None:
        return JSONResponse({"detail": INVITED}, status_code=status.HTTP_202_ACCEPTED)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/{unit_id}/registrars/{registrar_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_registrar(unit_id: Id, registrar_id: Id, context: CurrentRegistrar, db: SessionDep):
    units.remove_registrar(db, context.registrar, unit_id, registrar_id)
    db.commit()
