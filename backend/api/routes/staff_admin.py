"""Admin staff only: staff users (create, role, disable, enable, unlock, second-factor reset,
set-password link) and units (create, rename, close, appoint the main user).

The same services back the admin command, so the console and the command follow one set of
rules; every action is audited with the acting admin.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, StringConstraints
from sqlalchemy.orm import Session

from backend.api.auth import CurrentAdmin, StaffContext
from backend.api.deps import SecurityDep, SessionDep, SettingsDep
from backend.api.fields import Email, Id
from backend.audit import Actor
from backend.models import StaffRole, StaffUser, Unit, UnitKind
from backend.services import second_factor, staff_accounts, unit_admin

router = APIRouter(prefix="/api/v1/staff/admin", tags=["staff administration"])

Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f<>{}$;]+$"
    ),
]


class StaffUserOut(BaseModel):
    id: int
    email: str
    name: str
    role: StaffRole
    active: bool
    locked: bool
    second_factor: bool
    has_password: bool


class NewStaffIn(BaseModel):
    email: Email
    name: Name
    role: StaffRole = StaffRole.agent


class RoleIn(BaseModel):
    role: StaffRole


class UnitOut(BaseModel):
    id: int
    name: str
    kind: UnitKind
    created_at: datetime
    closed_at: datetime | None


class NewUnitIn(BaseModel):
    name: Name
    kind: UnitKind


class RenameIn(BaseModel):
    name: Name


class MainUserIn(BaseModel):
    email: Email


class MainUserOut(BaseModel):
    # "promoted": the verified registrar is now the main user; "invited": a link was mailed
    result: str


def _actor(context: StaffContext) -> Actor:
    return Actor("staff", context.staff.id)


def _staff_out(db: Session, staff: StaffUser) -> StaffUserOut:
    return StaffUserOut(
        id=staff.id,
        email=staff.email,
        name=staff.name,
        role=staff.role,
        active=staff.active,
        locked=staff.locked,
        second_factor=second_factor.enrolled(db, staff),
        has_password=staff.password_hash is not None,
    )


def _unit_out(unit: Unit) -> UnitOut:
    return UnitOut.model_validate(unit, from_attributes=True)


@router.get("/staff", response_model=list[StaffUserOut])
def list_staff(context: CurrentAdmin, db: SessionDep) -> list[StaffUserOut]:
    return [_staff_out(db, staff) for staff in staff_accounts.list_staff(db)]


@router.post("/staff", status_code=status.HTTP_201_CREATED, response_model=StaffUserOut)
def create_staff(
    body: NewStaffIn,
    context: CurrentAdmin,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
) -> StaffUserOut:
    """The new staff user gets a set-password link by e-mail and enrols the second factor at
    the first log-in."""
    staff = staff_accounts.add_staff_user(
        db,
        security,
        settings,
        _actor(context),
        email=body.email,
        name=body.name,
        role=body.role,
        password=None,
    )
    db.commit()
    return _staff_out(db, staff)


@router.post("/staff/{staff_id}/disable", response_model=StaffUserOut)
def disable_staff(staff_id: Id, context: CurrentAdmin, db: SessionDep) -> StaffUserOut:
    staff = staff_accounts.get_staff(db, staff_id)
    staff_accounts.set_active(db, _actor(context), staff, active=False)
    db.commit()
    return _staff_out(db, staff)


@router.post("/staff/{staff_id}/enable", response_model=StaffUserOut)
def enable_staff(staff_id: Id, context: CurrentAdmin, db: SessionDep) -> StaffUserOut:
    staff = staff_accounts.get_staff(db, staff_id)
    staff_accounts.set_active(db, _actor(context), staff, active=True)
    db.commit()
    return _staff_out(db, staff)


@router.post("/staff/{staff_id}/role", response_model=StaffUserOut)
def set_role(staff_id: Id, body: RoleIn, context: CurrentAdmin, db: SessionDep) -> StaffUserOut:
    staff = staff_accounts.get_staff(db, staff_id)
    staff_accounts.set_role(db, _actor(context), staff, body.role)
    db.commit()
    return _staff_out(db, staff)


@router.post("/staff/{staff_id}/unlock", response_model=StaffUserOut)
def unlock_staff(staff_id: Id, context: CurrentAdmin, db: SessionDep) -> StaffUserOut:
    staff = staff_accounts.get_staff(db, staff_id)
    staff_accounts.unlock(db, _actor(context), staff)
    db.commit()
    return _staff_out(db, staff)


@router.post("/staff/{staff_id}/reset-second-factor", response_model=StaffUserOut)
def reset_second_factor(staff_id: Id, context: CurrentAdmin, db: SessionDep) -> StaffUserOut:
    """The staff member enrols again at the next log-in; their sessions end now."""
    staff = staff_accounts.get_staff(db, staff_id)
    staff_accounts.reset_second_factor(db, _actor(context), staff)
    db.commit()
    return _staff_out(db, staff)


@router.post("/staff/{staff_id}/password-link", status_code=status.HTTP_204_NO_CONTENT)
def send_password_link(
    staff_id: Id, context: CurrentAdmin, db: SessionDep, settings: SettingsDep
) -> None:
    """Mail a one-time set-password link (a forgotten password, or a lost first mail)."""
    staff = staff_accounts.get_staff(db, staff_id)
    staff_accounts.send_password_link(db, settings, _actor(context), staff)
    db.commit()


@router.get("/units", response_model=list[UnitOut])
def list_units(context: CurrentAdmin, db: SessionDep) -> list[UnitOut]:
    return [_unit_out(unit) for unit in unit_admin.list_units(db)]


@router.post("/units", status_code=status.HTTP_201_CREATED, response_model=UnitOut)
def create_unit(body: NewUnitIn, context: CurrentAdmin, db: SessionDep) -> UnitOut:
    unit = unit_admin.create_unit(db, _actor(context), body.name, body.kind)
    db.commit()
    return _unit_out(unit)


@router.post("/units/{unit_id}/rename", response_model=UnitOut)
def rename_unit(unit_id: Id, body: RenameIn, context: CurrentAdmin, db: SessionDep) -> UnitOut:
    unit = unit_admin.rename_unit(db, _actor(context), unit_id, body.name)
    db.commit()
    return _unit_out(unit)


@router.post("/units/{unit_id}/close", response_model=UnitOut)
def close_unit(unit_id: Id, context: CurrentAdmin, db: SessionDep) -> UnitOut:
    unit = unit_admin.close_unit(db, _actor(context), unit_id)
    db.commit()
    return _unit_out(unit)


@router.post("/units/{unit_id}/main-user", response_model=MainUserOut)
def appoint_main_user(
    unit_id: Id, body: MainUserIn, context: CurrentAdmin, db: SessionDep, settings: SettingsDep
) -> MainUserOut:
    result = unit_admin.invite_main_user(db, settings, _actor(context), unit_id, body.email)
    db.commit()
    return MainUserOut(result=result)
