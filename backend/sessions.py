"""Browser sessions for registrars and staff, and CSRF tokens.

The session cookie (HttpOnly, SameSite=Lax, Secure on HTTPS or when SESSION_COOKIE_SECURE) holds
a random token signed with SESSION_SECRET; the database keeps only the token's hash, so sessions
can be revoked (log-out, password change, second-factor reset, "end my other sessions") and a
database leak does not hand out sessions. A session also ends after an idle time, shorter for
staff (STAFF_SESSION_IDLE_MINUTES) than for registrars (REGISTRAR_SESSION_IDLE_MINUTES).
CSRF uses the synchronizer pattern: each session has its own token, returned at log-in and in a
readable cookie, and every state-changing request must echo it in the X-CSRF-Token header.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from fastapi import Request, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from backend.models import Registrar, RegistrarStatus, SessionStage, WebSession, utcnow
from backend.security import Security, new_token, token_digest
from backend.settings import Settings

Audience = Literal["registrar", "staff"]
CSRF_HEADER = "X-CSRF-Token"
# Issued with each conversation id: proves this browser holds the conversation (binding at log-in).
CONVERSATION_COOKIE = "celia_conversation"
# last_seen_at is written at most this often, so reading pages does not write on every request
SEEN_PRECISION = timedelta(minutes=1)
# A page's own polling (the console's live queue) sends this: it is not the user's activity,
# so it does not keep an idle session alive.
BACKGROUND_HEADER = "X-Background-Poll"


@dataclass(frozen=True)
class CookieNames:
    session: str
    csrf: str


COOKIES: dict[Audience, CookieNames] = {
    "registrar": CookieNames("celia_session", "celia_csrf"),
    "staff": CookieNames("celia_staff_session", "celia_staff_csrf"),
}


def open_session(
    db: Session,
    security: Security,
    settings: Settings,
    *,
    registrar_id: int | None = None,
    staff_user_id: int | None = None,
    password_change_required: bool = False,
    stage: SessionStage | None = None,
) -> tuple[str, WebSession]:
    """Add a session row; return the signed cookie value and the row."""
    token = new_token()
    row = WebSession(
        token_hash=token_digest(token),
        registrar_id=registrar_id,
        staff_user_id=staff_user_id,
        csrf_token=secrets.token_urlsafe(32),
        password_change_required=password_change_required,
        stage=stage,
        expires_at=utcnow() + timedelta(hours=settings.session_hours),
    )
    db.add(row)
    return f"{token}.{security.sign(token)}", row


def set_cookies(
    response: Response,
    request: Request,
    settings: Settings,
    audience: Audience,
    cookie_value: str,
    csrf_token: str,
) -> None:
    secure = settings.session_cookie_secure or request.url.scheme == "https"
    max_age = int(settings.session_hours * 3600)
    names = COOKIES[audience]
    response.set_cookie(
        names.session, cookie_value, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    response.set_cookie(
        names.csrf, csrf_token, max_age=max_age, httponly=False, samesite="lax", secure=secure
    )


def _conversation_signature(security: Security, conversation_id: str) -> str:
    return security.sign(f"conversation:{conversation_id}")


def set_conversation_cookie(
    response: Response,
    request: Request,
    security: Security,
    settings: Settings,
    conversation_id: str,
) -> None:
    """HttpOnly and signed: script cannot read it and a client cannot forge it for an id."""
    signature = _conversation_signature(security, conversation_id)
    response.set_cookie(
        CONVERSATION_COOKIE,
        f"{conversation_id}.{signature}",
        httponly=True,
        samesite="lax",
        secure=settings.session_cookie_secure or request.url.scheme == "https",
    )


def held_conversation(request: Request, security: Security) -> str | None:
    """The conversation id this browser was issued, if its cookie's signature holds."""
    value = request.cookies.get(CONVERSATION_COOKIE, "")
    conversation_id, _, signature = value.partition(".")
    if not conversation_id or len(value) > 200:
        return None
    expected = _conversation_signature(security, conversation_id)
    return conversation_id if hmac.compare_digest(expected.encode(), signature.encode()) else None


def clear_cookies(response: Response, audience: Audience) -> None:
    names = COOKIES[audience]
    response.delete_cookie(names.session)
    response.delete_cookie(names.csrf)


def find_session(
    request: Request, db: Session, audience: Audience, security: Security, settings: Settings
) -> WebSession | None:
    """The unexpired session named by the request's cookie, if its signature holds."""
    value = request.cookies.get(COOKIES[audience].session, "")
    token, _, signature = value.partition(".")
    if not token or len(value) > 200:
        return None
    if not hmac.compare_digest(security.sign(token).encode(), signature.encode()):
        return None
    row = db.scalar(select(WebSession).where(WebSession.token_hash == token_digest(token)))
    now = utcnow()
    if row is None or row.expires_at <= now:
        return None
    if (audience == "registrar") != (row.registrar_id is not None):
        return None
    if row.last_seen_at + idle_limit(settings, audience) <= now:
        return None
    if row.last_seen_at + SEEN_PRECISION <= now and request.headers.get(BACKGROUND_HEADER) != "1":
        row.last_seen_at = now
        db.commit()
    return row


def idle_limit(settings: Settings, audience: Audience) -> timedelta:
    minutes = (
        settings.staff_session_idle_minutes
        if audience == "staff"
        else settings.registrar_session_idle_minutes
    )
    return timedelta(minutes=minutes)


def _owned_by(registrar_id: int | None, staff_user_id: int | None) -> ColumnElement[bool]:
    if staff_user_id is not None:
        return WebSession.staff_user_id == staff_user_id
    return WebSession.registrar_id == registrar_id


def user_sessions(
    db: Session,
    settings: Settings,
    *,
    registrar_id: int | None = None,
    staff_user_id: int | None = None,
) -> list[WebSession]:
    """The user's sessions that have neither expired nor idled out, newest first."""
    owner = _owned_by(registrar_id, staff_user_id)
    now = utcnow()
    idle = idle_limit(settings, "staff" if staff_user_id is not None else "registrar")
    query = select(WebSession).where(
        owner, WebSession.expires_at > now, WebSession.last_seen_at > now - idle
    )
    return list(db.scalars(query.order_by(WebSession.last_seen_at.desc(), WebSession.id.desc())))


def end_sessions(
    db: Session,
    *,
    registrar_id: int | None = None,
    staff_user_id: int | None = None,
    keep: int | None = None,
) -> None:
    """End every session of one user, except `keep` (the session asking, if any)."""
    owner = _owned_by(registrar_id, staff_user_id)
    query = delete(WebSession).where(owner)
    if keep is not None:
        query = query.where(WebSession.id != keep)
    db.execute(query)


def current_registrar_id(
    request: Request, db: Session, security: Security, settings: Settings
) -> int | None:
    """The logged-in, active and unlocked registrar of this request, for the chat proxy."""
    row = find_session(request, db, "registrar", security, settings)
    if row is None or row.registrar_id is None or row.stage is not None:
        return None
    registrar = db.get(Registrar, row.registrar_id)
    if registrar is None or registrar.status != RegistrarStatus.active or registrar.locked:
        return None
    return registrar.id
