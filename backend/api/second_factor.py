"""What the log-in routes of staff and (when REGISTRAR_TWO_FACTOR_REQUIRED) registrars share for
the second factor: the request and answer shapes, the stage check, the enrolment answers."""

from typing import Annotated

from fastapi import Response
from pydantic import BaseModel, StringConstraints
from sqlalchemy.orm import Session

from backend.models import SessionStage, WebSession
from backend.security import Security
from backend.services import second_factor
from backend.services.errors import Conflict
from backend.services.second_factor import Owner

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=20)]


class CodeIn(BaseModel):
    code: Code


class EnrolmentOut(BaseModel):
    secret: str
    otpauth_uri: str
    qr_svg_url: str


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str]


def stage_for(db: Session, owner: Owner) -> SessionStage:
    """The step after a right password: the code, or the enrolment when there is none yet."""
    if second_factor.enrolled(db, owner):
        return SessionStage.second_factor
    return SessionStage.enrolment


def in_stage(session: WebSession, stage: SessionStage) -> None:
    if session.stage != stage:
        raise Conflict("This step of the log-in is not due now.")


def enrolment_out(db: Session, security: Security, owner: Owner, qr_url: str) -> EnrolmentOut:
    secret = second_factor.pending_secret(db, security, owner)
    db.commit()
    return EnrolmentOut(
        secret=secret,
        otpauth_uri=second_factor.provisioning_uri(secret, owner.email),
        qr_svg_url=qr_url,
    )


def qr_response(db: Session, security: Security, owner: Owner) -> Response:
    secret = second_factor.pending_secret(db, security, owner)
    db.commit()
    svg = second_factor.qr_svg(second_factor.provisioning_uri(secret, owner.email))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
