"""Dependencies for routes used by logged-in registrars and staff (session cookie + CSRF)."""

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from backend.api.deps import SecurityDep, SessionDep, SettingsDep
from backend.models import Registrar, RegistrarStatus, StaffRole, StaffUser, WebSession
from backend.services.errors import Forbidden, Unauthorized
from backend.sessions import CSRF_HEADER, Audience, find_session

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FINISH_LOG_IN = "Please finish logging in with the code from your app."


@dataclass(frozen=True)
class RegistrarContext:
    registrar: Registrar
    session: WebSession


@dataclass(frozen=True)
class StaffContext:
    staff: StaffUser
    session: WebSession


def _session(
    request: Request,
    db: SessionDep,
    audience: Audience,
    security: SecurityDep,
    settings: SettingsDep,
) -> WebSession:
    row = find_session(request, db, audience, security, settings)
    if row is None:
        raise Unauthorized("Please log in.")
    if request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), row.csrf_token.encode()):
            raise Forbidden("The form's security token is missing or stale; reload and retry.")
    return row


def registrar_session_pending(
    request: Request, db: SessionDep, security: SecurityDep, settings: SettingsDep
) -> RegistrarContext:
    """A registrar session, also one still waiting for the second factor (when required)."""
    row = _session(request, db, "registrar", security, settings)
    registrar = db.get(Registrar, row.registrar_id)
    if registrar is None or registrar.status != RegistrarStatus.active:
        raise Unauthorized("Please log in.")
    if registrar.locked:
        raise Forbidden("Your account is locked. Celia unlocks it: ask in the chat.")
    return RegistrarContext(registrar, row)


def registrar_session_any(
    context: Annotated[RegistrarContext, Depends(registrar_session_pending)],
) -> RegistrarContext:
    """A logged-in registrar, also one that must change an expired password first."""
    if context.session.stage is not None:
        raise Unauthorized(FINISH_LOG_IN)
    return context


def registrar_session(
    context: Annotated[RegistrarContext, Depends(registrar_session_any)],
) -> RegistrarContext:
    if context.session.password_change_required:
        raise Forbidden("Your password has expired. Change it before you continue.")
    return context


def staff_session_any(
    request: Request, db: SessionDep, security: SecurityDep, settings: SettingsDep
) -> StaffContext:
    """A staff session, also one still waiting for the second factor (or its enrolment)."""
    row = _session(request, db, "staff", security, settings)
    staff = db.get(StaffUser, row.staff_user_id)
    if staff is None or not staff.active or staff.locked:
        raise Unauthorized("Please log in.")
    return StaffContext(staff, row)


def staff_session(
    context: Annotated[StaffContext, Depends(staff_session_any)],
) -> StaffContext:
    """A staff user who gave the password and the second factor."""
    if context.session.stage is not None:
        raise Unauthorized(FINISH_LOG_IN)
    return context


def admin_session(context: Annotated[StaffContext, Depends(staff_session)]) -> StaffContext:
    if context.staff.role != StaffRole.admin:
        raise Forbidden("Only admin staff manage staff users and units.")
    return context


RegistrarPending = Annotated[RegistrarContext, Depends(registrar_session_pending)]
RegistrarAny = Annotated[RegistrarContext, Depends(registrar_session_any)]
CurrentRegistrar = Annotated[RegistrarContext, Depends(registrar_session)]
StaffAny = Annotated[StaffContext, Depends(staff_session_any)]
CurrentStaff = Annotated[StaffContext, Depends(staff_session)]
CurrentAdmin = Annotated[StaffContext, Depends(admin_session)]
