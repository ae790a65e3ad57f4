"""A main user's view of the unit's registrars, and a registrar accepting a unit's invitation."""

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from backend.api.auth import CurrentRegistrar
from backend.api.deps import LimitsDep, SessionDep, SettingsDep
from backend.api.fields import Email, Id
from backend.services import units

router = APIRouter(prefix="/api/v1/units", tags=["units"])

INVITED = (
    "We sent an invitation to this address. The person joins the unit when they accept it "
    "(registering first if they have no account)."
)


class UnitRegistrarOut(BaseModel):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    locked: bool


class AddRegistrarIn(BaseModel):
    email: Email


class AcceptIn(BaseModel):
    token: str = Field(min_length=1, max_length=128)


class JoinedOut(BaseModel):
    unit_id: int
    unit_name: str


@router.get("/{unit_id}/registrars", response_model=list[UnitRegistrarOut])
def list_registrars(
    unit_id: Id, context: CurrentRegistrar, db: SessionDep
) -> list[UnitRegistrarOut]:
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


@router.post("/{unit_id}/registrars", status_code=status.HTTP_202_ACCEPTED)
def add_registrar(
    unit_id: Id,
    body: AddRegistrarIn,
    context: CurrentRegistrar,
    db: SessionDep,
    settings: SettingsDep,
    limits: LimitsDep,
) -> JSONResponse:
    """Mail the address an invitation to join; the same answer whether an account uses it."""
    units.invite_registrar(db, settings, limits, context.registrar, unit_id, body.email)
    db.commit()
    return JSONResponse({"detail": INVITED}, status_code=status.HTTP_202_ACCEPTED)


@router.post("/invitations/accept", response_model=JoinedOut)
def accept_invitation(body: AcceptIn, context: CurrentRegistrar, db: SessionDep) -> JoinedOut:
    """The logged-in registrar joins the unit whose invitation was mailed to their address."""
    unit = units.accept_invitation(db, context.registrar, body.token)
    db.commit()
    return JoinedOut(unit_id=unit.id, unit_name=unit.name)


@router.delete("/{unit_id}/registrars/{registrar_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_registrar(
    unit_id: Id, registrar_id: Id, context: CurrentRegistrar, db: SessionDep
) -> None:
    units.remove_registrar(db, context.registrar, unit_id, registrar_id)
    db.commit()
