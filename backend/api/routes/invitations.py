"""A person invited by Celia registers as a unit's main user (the link in the invitation mail)."""

from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, StringConstraints

from backend.api.deps import LoginLimit, SecurityDep, SessionDep, SettingsDep
from backend.api.fields import Language, Password, PersonName
from backend.services import unit_admin

router = APIRouter(prefix="/api/v1/invitations", tags=["registrar accounts"])


class AcceptIn(BaseModel):
    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    first_name: PersonName
    last_name: PersonName
    password: Password
    language: Language = "fi"


class AcceptedOut(BaseModel):
    email: str
    detail: str


@router.post(
    "/main-user",
    status_code=status.HTTP_201_CREATED,
    response_model=AcceptedOut,
    dependencies=[LoginLimit],
)
def accept_main_user_invitation(
    body: AcceptIn, db: SessionDep, security: SecurityDep, settings: SettingsDep
) -> AcceptedOut:
    """Create the main user's account in the invited unit; a code is mailed to verify the
    address (POST /api/v1/auth/verify), as in ordinary registration."""
    registrar = unit_admin.accept_main_user_invitation(
        db,
        security,
        settings,
        token=body.token,
        first_name=body.first_name,
        last_name=body.last_name,
        password=body.password,
        language=body.language,
    )
    db.commit()
    return AcceptedOut(
        email=registrar.email, detail="We sent a verification code to your e-mail address."
    )
