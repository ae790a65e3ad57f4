"""Typed FastAPI dependencies shared by the routers."""

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from sqlalchemy.orm import Session

from backend.chat_limits import SlidingWindowLimiter
from backend.settings import Settings


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    yield from request.app.state.db.session()


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_db)]


def require_service_token(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Only the action server, holding the shared token, may call service endpoints."""
    expected = f"Bearer {settings.service_token.get_secret_value()}"
    if authorization is None or not hmac.compare_digest(authorization.encode(), expected.encode()):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="A valid service token is required.",
            headers={"WWW-Authenticate": "Bearer"},
        )


ServiceAuth = Depends(require_service_token)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def enforce_limit(limiter: SlidingWindowLimiter, key: str, detail: str) -> None:
    """Count one hit; beyond the limit answer 429 with the seconds to wait."""
    if not limiter.allow(key):
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail=detail,
            headers={"Retry-After": str(limiter.retry_after(key))},
        )


def limit_logins_per_client(request: Request) -> None:
    """Before any password is hashed: a client guessing across many accounts is slowed down
    (the per-account lock stops guessing one account)."""
    enforce_limit(
        request.app.state.login_limiter,
        client_address(request),
        "Too many log-in attempts. Please wait a minute and try again.",
    )


LoginLimit = Depends(limit_logins_per_client)
