"""Keep Rasa's connections to the action server open between requests.

Rasa 3.6 opens a new aiohttp session, so a new TCP connection, for every request to an
endpoint (each remote action and form validation): connecting was a quarter of Rasa's busy time
per message under load (py-spy), and the action server accepted a connection each time. Here
each endpoint keeps one session per event loop; `async with endpoint.session()` still works as
before but leaves the session open. Idle connections are dropped after 2 s, before the action
server's own keep-alive timeout (5 s), so a request never goes out on a connection the server is
closing.
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
    session: aiohttp.ClientSession | None = getattr(endpoint, "_kept_session", None)
    if session is None or session.closed or session._loop is not loop:
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
        endpoint._kept_session = session
    return KeptSession(session)


def install() -> None:
    replace(Replacement(EndpointConfig, "session", ("self",), kept_session))
