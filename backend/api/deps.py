"""Typed FastAPI dependencies shared by the routers."""

import hmac
from collections.abc import Iterator, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from sqlalchemy.orm import Session
from starlette.types import Scope

from backend.limits import Limit, Limits
from backend.settings import Settings


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    yield from request.app.state.db.session()


def get_limits(request: Request) -> Limits:
    return request.app.state.limits


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_db)]
LimitsDep = Annotated[Limits, Depends(get_limits)]


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


def is_trusted_proxy(host: str, proxies: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in proxies)


def socket_peer(scope: Scope) -> str:
    """The address at the other end of the connection (a proxy's, when there is one)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def client_address(request: Request) -> str:
    """The client's address, the one key of every per-client limit.

    The socket peer, unless the peer is a trusted proxy (TRUSTED_PROXIES): then the right-most
    address in X-Forwarded-For that is not a trusted proxy itself, as the proxies appended it.
    From any other peer the header is ignored, so a client cannot pick its own bucket.
    """
    peer = socket_peer(request.scope)
    proxies = request.app.state.settings.trusted_proxies
    if not is_trusted_proxy(peer, proxies):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
    ]
    address = peer
    for hop in reversed(hops):
        try:
            ip_address(hop)
        except ValueError:
            break  # garbage left of the last proxy's entry: the client wrote it
        address = hop
        if not is_trusted_proxy(hop, proxies):
            break
    return address


def limit_logins_per_client(request: Request) -> None:
    """Before any password is hashed: a client guessing across many accounts is slowed down
    (the per-account lock stops guessing one account)."""
    get_limits(request).enforce(Limit.LOGIN_PER_CLIENT, client_address(request))


LoginLimit = Depends(limit_logins_per_client)
