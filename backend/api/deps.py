"""Typed FastAPI dependencies shared by the routers.

Everything a route needs from the running app is built in main.py (the settings, limits and
keyed security with the app; the database, FAQ index, Rasa client and workers in its lifespan)
and reached through one of these: no other module reads `app.state`.
"""

import hmac
from collections.abc import Callable, Iterator, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated, TypeVar

from fastapi import Depends, Header, HTTPException, Request, status
from sqlalchemy.orm import Session
from starlette.types import Scope

from backend.db import Database
from backend.limits import Limit, Limits
from backend.metrics import DatabaseCollector
from backend.rasa_client import RasaClient
from backend.reset_worker import ResetWorker
from backend.security import Security
from backend.services.faq_live import LiveFaq
from backend.settings import Settings
from knowledge.answering import FaqService

T = TypeVar("T")


def _part(name: str, kind: type[T]) -> Callable[[Request], T]:
    """A dependency giving what main.py stored as `app.state.<name>`, typed as `kind`."""

    def part(request: Request) -> T:
        found: T = getattr(request.app.state, name)
        return found

    part.__name__ = f"get_{name}"
    return part


get_settings_dep = _part("settings", Settings)
get_limits = _part("limits", Limits)
get_security = _part("security", Security)
get_database = _part("db", Database)
get_live_faq = _part("faq_live", LiveFaq)
get_rasa = _part("rasa", RasaClient)
get_reset_worker = _part("reset_worker", ResetWorker)
get_metrics = _part("metrics", DatabaseCollector)


def get_db(request: Request) -> Iterator[Session]:
    yield from get_database(request).session()


def get_faq(request: Request) -> FaqService:
    """The FAQ index serving now; a request keeps the one it started with across a swap."""
    return get_live_faq(request).service


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_db)]
LimitsDep = Annotated[Limits, Depends(get_limits)]
SecurityDep = Annotated[Security, Depends(get_security)]
DatabaseDep = Annotated[Database, Depends(get_database)]
LiveFaqDep = Annotated[LiveFaq, Depends(get_live_faq)]
FaqDep = Annotated[FaqService, Depends(get_faq)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
ResetWorkerDep = Annotated[ResetWorker, Depends(get_reset_worker)]
MetricsDep = Annotated[DatabaseCollector, Depends(get_metrics)]


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
    proxies = get_settings_dep(request).trusted_proxies
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
