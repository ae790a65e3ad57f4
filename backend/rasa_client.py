"""Forwards chat messages to Rasa's REST channel: one server, or replicas in round robin.

Replicas share the tracker store (PostgreSQL) and the lock store (Redis), so any replica can
take any turn of any conversation. A replica that refuses the connection is skipped for that
message; a replica that times out or fails is not retried, since it may have handled the turn.
"""

import itertools
from typing import Any

import httpx


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
        first = next(self._next)
        order = self.base_urls[first:] + self.base_urls[:first]
        for base_url in order:
            try:
                response = await self._client.post(
                    f"{base_url}/webhooks/rest/webhook",
                    json={"sender": conversation_id, "message": message},
                )
            except httpx.ConnectError:
                continue  # nothing was sent: the next replica can take this turn
            except httpx.HTTPError as error:
                raise RasaUnavailable(type(error).__name__) from error
            if response.status_code != 200:
                raise RasaUnavailable(f"HTTP {response.status_code}")
            payload = response.json()
            if not isinstance(payload, list):
                raise RasaUnavailable("unexpected payload")
            return payload
        raise RasaUnavailable("no Rasa server accepted the connection")

    async def close(self) -> None:
        await self._client.aclose()
