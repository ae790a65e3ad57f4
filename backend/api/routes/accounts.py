"""Registrar accounts: register, verify, log in/out, profile, password, reset, delete."""

from typing import Annotated

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StringConstraints

from backend.api.auth import CurrentRegistrar, RegistrarAny, RegistrarPending
from backend.api.deps import (
    LimitsDep,
    LoginLimit,
    ResetWorkerDep,
    SecurityDep,
    SessionDep,
    SettingsDep,
    client_address,
)
from backend.api.fields import Email, Language, Password, PersonName
from backend.api.second_factor import stage_for
from backend.limits import Limit
from backend.models import Registrar, RegistrarRole, SessionStage
from backend.services import accounts
from backend.sessions import clear_cookies, open_session, set_cookies

router = APIRouter(prefix="/api/v1/auth", tags=["registrar accounts"])

CODE_SENT = "If the address can be used, we sent a verification code to it."


class RegisterIn(BaseModel):
    email: Email
    first_name: PersonName
    last_name: PersonName
    password: Password
    language: Language = "fi"


class EmailIn(BaseModel):
    email: Email


class VerifyIn(BaseModel):
    email: Email
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{8}$")]


class LoginIn(BaseModel):
    email: Email
    password: Password


class ResetIn(BaseModel):
    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    new_password: Password


class PasswordChangeIn(BaseModel):
    current_password: Password
    new_password: Password


class ProfileIn(BaseModel):
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    language: Language | None = None


class DeleteIn(BaseModel):
    password: Password


class UnitOut(BaseModel):
    id: int
    name: str
    kind: str
    role: str  # the registrar's role in this unit: main_user or registrar


class RegistrarOut(BaseModel):
    id: int
    email: str
    first_name: str
    last_name: str
    language: str
    role: str  # main_user when main user of at least one unit (each unit says which)
    units: list[UnitOut]


class SessionOut(BaseModel):
    registrar: RegistrarOut
    csrf_token: str
    password_change_required: bool
    # with REGISTRAR_TWO_FACTOR_REQUIRED: "enrolment" or "second_factor" until the code is given
    stage: SessionStage | None = None


class Detail(BaseModel):
    detail: str


def registrar_out(registrar: Registrar) -> RegistrarOut:
    return RegistrarOut(
        id=registrar.id,
        email=registrar.email,
        first_name=registrar.first_name,
        last_name=registrar.last_name,
        language=registrar.language,
        role=(
            RegistrarRole.main_user
            if any(registrar.is_main_user_of(u.id) for u in registrar.units)
            else RegistrarRole.registrar
        ).value,
        units=[
            UnitOut(id=u.id, name=u.name, kind=u.kind.value, role=registrar.role_in(u.id).value)
            for u in registrar.units
        ],
    )


@router.post("/register", status_code=status.HTTP_202_ACCEPTED, response_model=Detail)
def register(
    body: RegisterIn,
    request: Request,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
    limits: LimitsDep,
) -> Detail:
    """Create an account; a code is mailed (valid 24 h). The answer is the same, in the same
    time, for an address that already has an account; limited per client and per address."""
    accounts.valid_password(body.password)  # a refused password costs no hash and no count
    limits.enforce(Limit.REGISTRATIONS_PER_CLIENT, client_address(request))
    limits.enforce(Limit.REGISTRATIONS_PER_ADDRESS, body.email)
    accounts.register(
        db,
        security,
        settings,
        limits,
        email=body.email,
        first_name=body.first_name,
        last_name=body.last_name,
        password=body.password,
        language=body.language,
    )
    db.commit()
    return Detail(detail=CODE_SENT)


@router.post("/verify/resend", status_code=status.HTTP_202_ACCEPTED, response_model=Detail)
def resend_code(body: EmailIn, db: SessionDep, settings: SettingsDep, limits: LimitsDep) -> Detail:
    accounts.resend_code(db, settings, limits, body.email)
    db.commit()
    return Detail(detail=CODE_SENT)


@router.post("/verify", response_model=Detail)
def verify(body: VerifyIn, db: SessionDep, limits: LimitsDep) -> Detail:
    accounts.verify_email(db, limits, body.email, body.code)
    db.commit()
    return Detail(detail="Your e-mail address is verified. You can log in now.")


@router.post("/login", response_model=SessionOut, dependencies=[LoginLimit])
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
) -> SessionOut:
    registrar = accounts.log_in(db, security, settings, body.email, body.password)
    change_due = accounts.password_change_due(registrar, settings)
    stage = stage_for(db, registrar) if settings.registrar_two_factor_required else None
    cookie, session = open_session(
        db,
        security,
        settings,
        registrar_id=registrar.id,
        password_change_required=change_due,
        stage=stage,
    )
    db.commit()
    set_cookies(response, request, settings, "registrar", cookie, session.csrf_token)
    return SessionOut(
        registrar=registrar_out(registrar),
        csrf_token=session.csrf_token,
        password_change_required=change_due,
        stage=stage,
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(context: RegistrarPending, db: SessionDep, response: Response) -> None:
    db.delete(context.session)
    db.commit()
    clear_cookies(response, "registrar")


@router.get("/me", response_model=SessionOut)
def me(context: RegistrarAny) -> SessionOut:
    return SessionOut(
        registrar=registrar_out(context.registrar),
        csrf_token=context.session.csrf_token,
        password_change_required=context.session.password_change_required,
    )


@router.patch("/me", response_model=RegistrarOut)
def update_profile(body: ProfileIn, context: CurrentRegistrar, db: SessionDep) -> RegistrarOut:
    accounts.update_profile(context.registrar, body.first_name, body.last_name, body.language)
    db.commit()
    return registrar_out(context.registrar)


@router.post("/me/password", response_model=Detail)
def change_password(
    body: PasswordChangeIn, context: RegistrarAny, db: SessionDep, security: SecurityDep
) -> Detail:
    """Change the password; also the way out of an expired one (rotation)."""
    accounts.change_password(
        db, security, context.registrar, context.session, body.current_password, body.new_password
    )
    db.commit()
    return Detail(detail="Your password is changed.")


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
def delete_account(
    body: DeleteIn,
    context: CurrentRegistrar,
    db: SessionDep,
    security: SecurityDep,
    response: Response,
) -> None:
    accounts.delete_account(db, security, context.registrar, body.password)
    db.commit()
    clear_cookies(response, "registrar")


@router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED, response_model=Detail)
async def request_password_reset(
    body: EmailIn, request: Request, limits: LimitsDep, worker: ResetWorkerDep
) -> JSONResponse:
    """Same status, body and work whether or not the address has an account."""
    client = f"ip:{client_address(request)}"
    detail = await accounts.request_password_reset(limits, worker, body.email, client)
    return JSONResponse({"detail": detail}, status_code=status.HTTP_202_ACCEPTED)


class ResetOut(BaseModel):
    detail: str
    session: SessionOut | None  # None when the account is locked: Celia unlocks it first


@router.post("/password-reset/confirm", response_model=ResetOut)
def confirm_password_reset(
    body: ResetIn,
    request: Request,
    response: Response,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
) -> ResetOut:
    """Set the new password and log in (every other session of the account ends)."""
    registrar = accounts.reset_password(db, security, body.token, body.new_password)
    if registrar.locked:
        db.commit()
        return ResetOut(detail=f"Your password is changed. {accounts.LOCKED}", session=None)
    cookie, session = open_session(db, security, settings, registrar_id=registrar.id)
    db.commit()
    set_cookies(response, request, settings, "registrar", cookie, session.csrf_token)
    return ResetOut(
        detail="Your password is changed and you are logged in.",
        session=SessionOut(
            registrar=registrar_out(registrar),
            csrf_token=session.csrf_token,
            password_change_required=False,
        ),
    )
