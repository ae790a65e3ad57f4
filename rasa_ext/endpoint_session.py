"""Keep Rasa's connections to the action server open between requests.

Rasa 3.6 opens a new aiohttp session, so a new TCP connection, for every request to an
endpoint (each remote action and form validation): connecting was a quarter of Rasa's busy time
per message under load (py-spy), and the action server accepted a connection each time. Here
each endpoint keeps one session per event loop; `async with endpoint.session()` still works as
before but leaves the session open. Idle connections are dropped after 2 s, before the action
server's own keep-alive timeout (5 s), so a request never goes out on a connection the server is
closing. A session works only in the loop it was made in, so the loop is kept beside it (the
backend's Rasa client does the same, backend/rasa_client.py).
"""

import asyncio
from types import TracebackType
from typing import Any

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

from rasa_ext.patching import Replacement, replace

IDLE_SECONDS = 2.0


class KeptSession:
    """An async context giving a kept session; leaving it does not close the session."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None


def kept_session(endpoint: EndpointConfig) -> Any:
    """The endpoint's session for the running event loop, made on first use."""
    loop = asyncio.get_running_loop()
    kept: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = getattr(
        endpoint, "_kept_session", None
    )
    session = kept[1] if kept is not None and kept[0] is loop else None
    if session is None or session.closed:
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(
                endpoint.basic_auth["username"], endpoint.basic_auth["password"]
            )
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_SECONDS),
        )
        endpoint._kept_session = (loop, session)
    return KeptSession(session)


def install() -> None:
    replace(Replacement(EndpointConfig, "session", ("self",), kept_session))
