"""Forwards chat messages to Rasa's REST channel: one server, or replicas in round robin.

Replicas share the tracker store (PostgreSQL) and the lock store (Redis), so any replica can
take any turn of any conversation. A replica that refuses the connection is skipped for that
message; a replica that times out or fails is not retried, since it may have handled the turn.
"""

import asyncio
import itertools
from typing import Any

import aiohttp

from backend.metrics import RASA_ERRORS
from privacy.log_context import REQUEST_ID, REQUEST_ID_HEADER

READY_TIMEOUT_SECONDS = 2.0
# Below Sanic's keep-alive (5 s): a turn never goes out on a connection Rasa is closing.
IDLE_SECONDS = 2.0


class RasaUnavailable(Exception):
    """Rasa did not answer (down, timed out, or answered with an error)."""


class RasaClient:
    """On aiohttp rather than httpx: a turn's request cost the backend 0.9 ms of CPU through
    httpx and 0.2 ms through aiohttp (the turn's largest single part in the backend)."""

    def __init__(self, base_urls: list[str], timeout_seconds: float, token: str) -> None:
        if not base_urls:
            raise ValueError("at least one Rasa URL is needed")
        self.base_urls = [url.rstrip("/") for url in base_urls]
        self._next = itertools.cycle(range(len(self.base_urls)))
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds, sock_connect=2.0)
        self._headers = {"Authorization": f"Bearer {token}"}  # Rasa's channel wants the token
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    def _client(self) -> aiohttp.ClientSession:
        """The session of the running event loop, made on first use. A session works only in
        the loop it was made in, so the loop is kept beside it (as in
        rasa_ext/endpoint_session.py) and another loop (a test's) gets a session of its own."""
        loop = asyncio.get_running_loop()
        session = self._session
        if session is None or session.closed or self._session_loop is not loop:
            session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=100, keepalive_timeout=IDLE_SECONDS),
            )
            self._session, self._session_loop = session, loop
        return session

    async def send(
        self, conversation_id: str, message: str, channel: str = "api"
    ) -> list[dict[str, Any]]:
        """The bot's messages; the request id goes along (header and message metadata), so
        Rasa's and the actions' log lines of this turn carry it, and the channel (widget or
        api) for the staff reports, which read it from the tracker store."""
        request_id = REQUEST_ID.get()
        first = next(self._next)
        order = self.base_urls[first:] + self.base_urls[:first]
        for base_url in order:
            try:
                async with self._client().post(
                    f"{base_url}/webhooks/rest/webhook",
                    json={
                        "sender": conversation_id,
                        "message": message,
                        "metadata": {"request_id": request_id, "channel": channel},
                    },
                    headers={REQUEST_ID_HEADER: request_id},
                ) as response:
                    if response.status != 200:
                        raise self._failed(base_url, "http", f"HTTP {response.status}")
                    payload = await response.json(content_type=None)
            except aiohttp.ClientConnectorError:
                RASA_ERRORS.labels(base_url, "connect").inc()
                continue  # nothing was sent: the next replica can take this turn
            except (TimeoutError, asyncio.TimeoutError) as error:
                raise self._failed(base_url, "timeout", type(error).__name__) from error
            except aiohttp.ClientError as error:
                raise self._failed(base_url, "transport", type(error).__name__) from error
            except ValueError as error:
                raise self._failed(base_url, "payload", "not JSON") from error
            if not isinstance(payload, list):
                raise self._failed(base_url, "payload", "unexpected payload")
            return payload
        raise RasaUnavailable("no Rasa server accepted the connection")

    @staticmethod
    def _failed(base_url: str, kind: str, reason: str) -> RasaUnavailable:
        RASA_ERRORS.labels(base_url, kind).inc()
        return RasaUnavailable(reason)

    async def any_replica_up(self) -> bool:
        """Whether at least one replica answers its root URL (readiness)."""
        timeout = aiohttp.ClientTimeout(total=READY_TIMEOUT_SECONDS)
        for base_url in self.base_urls:
            try:
                async with self._client().get(f"{base_url}/", timeout=timeout) as reply:
                    if reply.status == 200:
                        return True
            except (aiohttp.ClientError, TimeoutError, asyncio.TimeoutError):
                continue
        return False

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
