"""A registrar's second log-in step when REGISTRAR_TWO_FACTOR_REQUIRED is on (off by default):
the TOTP or recovery code, or the first-time enrolment, as for staff."""

from fastapi import APIRouter, Response, status

from backend.api.auth import RegistrarPending
from backend.api.deps import SecurityDep, SessionDep, SettingsDep
from backend.api.second_factor import (
    CodeIn,
    EnrolmentOut,
    RecoveryCodesOut,
    enrolment_out,
    in_stage,
    qr_response,
)
from backend.models import SessionStage
from backend.services import accounts, second_factor

router = APIRouter(prefix="/api/v1/auth", tags=["registrar accounts"])


@router.post("/second-factor", status_code=status.HTTP_204_NO_CONTENT)
def second_factor_step(
    body: CodeIn,
    context: RegistrarPending,
    db: SessionDep,
    security: SecurityDep,
    settings: SettingsDep,
) -> None:
    """A code from the authenticator app, or one unused recovery code; five wrong codes lock
    the account like five wrong passwords."""
    in_stage(context.session, SessionStage.second_factor)
    accounts.check_second_factor(db, security, settings, context.registrar, body.code)
    context.session.stage = None
    db.commit()


@router.get("/enrolment", response_model=EnrolmentOut)
def enrolment(context: RegistrarPending, db: SessionDep, security: SecurityDep) -> EnrolmentOut:
    in_stage(context.session, SessionStage.enrolment)
    return enrolment_out(db, security, context.registrar, f"{router.prefix}/enrolment/qr.svg")


@router.get("/enrolment/qr.svg", response_class=Response)
def enrolment_qr(context: RegistrarPending, db: SessionDep, security: SecurityDep) -> Response:
    in_stage(context.session, SessionStage.enrolment)
    return qr_response(db, security, context.registrar)


@router.post("/enrolment", response_model=RecoveryCodesOut)
def confirm_enrolment(
    body: CodeIn, context: RegistrarPending, db: SessionDep, security: SecurityDep
) -> RecoveryCodesOut:
    in_stage(context.session, SessionStage.enrolment)
    codes = second_factor.confirm(db, security, context.registrar, body.code)
    context.session.stage = None
    db.commit()
    return RecoveryCodesOut(recovery_codes=codes)
