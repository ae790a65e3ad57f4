"""Forwards chat messages to Rasa's REST channel: one server, or replicas in round robin.

Replicas share the tracker store (PostgreSQL) and the lock store (Redis), so any replica can
take any turn of any conversation. A replica that refuses the connection is skipped for that
message; a replica that times out or fails is not retried, since it may have handled the turn.
"""

import itertools
from typing import Any

import httpx

from backend.metrics import RASA_ERRORS
from privacy.log_context import REQUEST_ID, REQUEST_ID_HEADER

READY_TIMEOUT_SECONDS = 2.0


class RasaUnavailable(Exception):
    """Rasa did not answer (down, timed out, or answered with an error)."""


class RasaClient:
    def __init__(
        self,
        base_urls: list[str],
        timeout_seconds: float,
        token: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not base_urls:
            raise ValueError("at least one Rasa URL is needed")
        self.base_urls = [url.rstrip("/") for url in base_urls]
        self._next = itertools.cycle(range(len(self.base_urls)))
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds, connect=2.0),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
            transport=transport,
            headers={"Authorization": f"Bearer {token}"},  # Rasa's channel wants the token
        )

    async def send(self, conversation_id: str, message: str) -> list[dict[str, Any]]:
        """The bot's messages; the request id goes along (header and message metadata), so
        Rasa's and the actions' log lines of this turn carry it."""
        request_id = REQUEST_ID.get()
        first = next(self._next)
        order = self.base_urls[first:] + self.base_urls[:first]
        for base_url in order:
            try:
                response = await self._client.post(
                    f"{base_url}/webhooks/rest/webhook",
                    json={
                        "sender": conversation_id,
                        "message": message,
                        "metadata": {"request_id": request_id},
                    },
                    headers={REQUEST_ID_HEADER: request_id},
                )
            except httpx.ConnectError:
                RASA_ERRORS.labels(base_url, "connect").inc()
                continue  # nothing was sent: the next replica can take this turn
            except httpx.HTTPError as error:
                kind = "timeout" if isinstance(error, httpx.TimeoutException) else "transport"
                raise self._failed(base_url, kind, type(error).__name__) from error
            if response.status_code != 200:
                raise self._failed(base_url, "http", f"HTTP {response.status_code}")
            payload = response.json()
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
        for base_url in self.base_urls:
            try:
                reply = await self._client.get(f"{base_url}/", timeout=READY_TIMEOUT_SECONDS)
            except httpx.HTTPError:
                continue
            if reply.status_code == 200:
                return True
        return False

    async def close(self) -> None:
        await self._client.aclose()
