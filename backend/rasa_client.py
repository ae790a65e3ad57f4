"""Forwards chat messages to Rasa's REST channel."""

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer (down, timed out, or answered with an error)."""


class RasaClient:
    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_seconds, connect=2.0),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
        )

    async def send(self, conversation_id: str, message: str) -> list[dict[str, Any]]:
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json={"sender": conversation_id, "message": message}
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(type(error).__name__) from error
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        payload = response.json()
        if not isinstance(payload, list):
            raise RasaUnavailable("unexpected payload")
        return payload

    async def close(self) -> None:
        await self._client.aclose()
