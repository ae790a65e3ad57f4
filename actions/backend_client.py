"""Small typed client for the backend's API, used by every action (service token, 3 s timeout)."""

import os
from dataclasses import dataclass
from typing import Any

import aiohttp

DEFAULT_TIMEOUT_SECONDS = 3.0


class BackendError(Exception):
    """The backend was unreachable, too slow, or answered with an unexpected status."""


@dataclass(frozen=True)
class ConversationInfo:
    known: bool
    registrar_id: int | None


@dataclass(frozen=True)
class FaqAnswer:
    answered: bool
    answer: str | None
    entry_id: str | None
    lang: str
    sources: list[dict[str, str]]


class BackendClient:
    def __init__(self, base_url: str, token: str, timeout_seconds: float) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_env(cls) -> "BackendClient":
        return cls(
            os.environ.get("BACKEND_URL", "http://127.0.0.1:8000"),
            os.environ["SERVICE_TOKEN"],
            float(os.environ.get("BACKEND_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)),
        )

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self._session

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            async with self._client().request(method, self.base_url + path, **kwargs) as reply:
                if reply.status >= 400:
                    raise BackendError(f"{method} {path} answered {reply.status}")
                return await reply.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise BackendError(f"{method} {path} failed: {type(error).__name__}") from error

    async def conversation(self, conversation_id: str) -> ConversationInfo:
        data = await self._request("GET", f"/api/v1/service/conversations/{conversation_id}")
        return ConversationInfo(known=bool(data["known"]), registrar_id=data.get("registrar_id"))

    async def ask(self, question: str, lang: str | None) -> FaqAnswer:
        data = await self._request("POST", "/api/v1/ask", json={"question": question, "lang": lang})
        return FaqAnswer(
            answered=bool(data["answered"]),
            answer=data.get("answer"),
            entry_id=data.get("entry_id"),
            lang=data["lang"],
            sources=data.get("sources", []),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


_shared: BackendClient | None = None


def backend() -> BackendClient:
    """The action server's one client (one connection pool)."""
    global _shared
    if _shared is None:
        _shared = BackendClient.from_env()
    return _shared
