"""Staff log-in in two steps (password, then a TOTP or recovery code), first-time enrolment of
the second factor, one's own password and sessions.

A password alone opens a session in a waiting stage that reaches only these routes: the
second-factor step, or the enrolment when the staff user has no second factor yet.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, StringConstraints

from backend.api.auth import CurrentStaff, StaffAny, StaffContext
from backend.api.deps import LimitsDep, LoginLimit, SecurityDep, SessionDep, SettingsDep
from backend.api.fields import Email, Password
from backend.api.second_factor import (
    CodeIn,
    EnrolmentOut,
    RecoveryCodesOut,
    enrolment_out,
    in_stage,
    qr_response,
    stage_for,
)
from backend.models import SessionStage, StaffUser
from backend.services import second_factor, staff_accounts
from backend.sessions import clear_cookies, end_sessions, open_session, set_cookies, user_sessions

router = APIRouter(prefix="/api/v1/staff/auth", tags=["staff log-in"])

Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class LoginIn(BaseModel):
    email: Email
    password: Password


class StaffOut(BaseModel):
    id: int
    email: str
    name: str
    role: str


class StaffSessionOut(BaseModel):
    staff: StaffOut
    csrf_token: str
    # "enrolment" or "second_factor" while the log-in is unfinished; null when done
    stage: SessionStage | None


class PasswordChangeIn(BaseModel):
    current_password: Password
    new_password: Password


class SetPasswordIn(BaseModel):
    token: Token
    password: Password


class SessionOut(BaseModel):
    id: int
    created_at: datetime
    last_seen_at: datetime
    current: bool


def _session_out(context: StaffContext) -> StaffSessionOut:
    staff: StaffUser = context.staff
    return StaffSessionOut(
        staff=StaffOut(id=staff.id, email=staff.email, name=staff.name, role=staff.role.value),
        csrf_token=context.session.csrf_token,
        stage=context.session.stage,
    )


@router.post("/login", response_model=StaffSessionOut, dependencies=[LoginLimit])
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
    limits: LimitsDep,
) -> StaffSessionOut:
    """Step one: the password. The answer's `stage` says which step comes next."""
    staff = staff_accounts.staff_log_in(db, security, settings, limits, body.email, body.password)
    stage = stage_for(db, staff)
    cookie, session = open_session(db, security, settings, staff_user_id=staff.id, stage=stage)
    db.commit()
    set_cookies(response, request, settings, "staff", cookie, session.csrf_token)
    return _session_out(StaffContext(staff, session))


@router.post("/second-factor", response_model=StaffSessionOut)
def second_factor_step(
    body: CodeIn, context: StaffAny, db: SessionDep, security: SecurityDep, settings: SettingsDep
) -> StaffSessionOut:
    """Step two: a code from the authenticator app, or one unused recovery code."""
    in_stage(context.session, SessionStage.second_factor)
    staff_accounts.check_second_factor(db, security, settings, context.staff, body.code)
    context.session.stage = None
    db.commit()
    return _session_out(context)


@router.get("/enrolment", response_model=EnrolmentOut)
def enrolment(context: StaffAny, db: SessionDep, security: SecurityDep) -> EnrolmentOut:
    """The secret to add to an authenticator app (also as a QR code), until confirmed."""
    in_stage(context.session, SessionStage.enrolment)
    return enrolment_out(db, security, context.staff, f"{router.prefix}/enrolment/qr.svg")


@router.get("/enrolment/qr.svg", response_class=Response)
def enrolment_qr(context: StaffAny, db: SessionDep, security: SecurityDep) -> Response:
    in_stage(context.session, SessionStage.enrolment)
    return qr_response(db, security, context.staff)


@router.post("/enrolment", response_model=RecoveryCodesOut)
def confirm_enrolment(
    body: CodeIn, context: StaffAny, db: SessionDep, security: SecurityDep
) -> RecoveryCodesOut:
    """Confirm with the app's current code; the ten recovery codes are shown this once."""
    in_stage(context.session, SessionStage.enrolment)
    codes = second_factor.confirm(db, security, context.staff, body.code)
    context.session.stage = None
    db.commit()
    return RecoveryCodesOut(recovery_codes=codes)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(context: StaffAny, db: SessionDep, response: Response) -> None:
    db.delete(context.session)
    db.commit()
    clear_cookies(response, "staff")


@router.get("/me", response_model=StaffSessionOut)
def me(context: StaffAny) -> StaffSessionOut:
    return _session_out(context)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    body: PasswordChangeIn, context: CurrentStaff, db: SessionDep, security: SecurityDep
) -> None:
    """Change one's own password; the user's other sessions end."""
    staff_accounts.change_password(
        db,
        security,
        context.staff,
        context.session.id,
        body.current_password,
        body.new_password,
    )
    db.commit()


@router.post("/set-password", status_code=status.HTTP_204_NO_CONTENT, dependencies=[LoginLimit])
def set_password(body: SetPasswordIn, db: SessionDep, security: SecurityDep) -> None:
    """A new staff user's first password, through the link mailed to them."""
    staff_accounts.set_password_with_link(db, security, body.token, body.password)
    db.commit()


@router.get("/sessions", response_model=list[SessionOut])
def sessions(context: CurrentStaff, db: SessionDep, settings: SettingsDep) -> list[SessionOut]:
    """The user's own active sessions, newest first."""
    return [
        SessionOut(
            id=row.id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            current=row.id == context.session.id,
        )
        for row in user_sessions(db, settings, staff_user_id=context.staff.id)
    ]


@router.post("/sessions/end-others", status_code=status.HTTP_204_NO_CONTENT)
def end_other_sessions(context: CurrentStaff, db: SessionDep) -> None:
    end_sessions(db, staff_user_id=context.staff.id, keep=context.session.id)
    db.commit()
