"""Small typed client for the backend's service API, used by every action.

Every call carries the service token and gives up after BACKEND_TIMEOUT_SECONDS (3 s), so an
action can still answer the user within Rasa's patience when the backend is slow or down.
"""

import asyncio
import os
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp

from privacy.log_context import REQUEST_ID, REQUEST_ID_HEADER

DEFAULT_TIMEOUT_SECONDS = 3.0


class BackendError(Exception):
    """The backend was unreachable, too slow, or failed (5xx)."""


class BackendRefusal(Exception):
    """The backend refused the request (4xx) with a message a person can act on and, where the
    chat may meet it, a reason code (backend/services/errors.py: RefusalCode)."""

    def __init__(self, status: int, detail: str, code: str | None = None) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.code = code


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
    caveat: str | None = None
    see_also: str | None = None
    related_entry_id: str | None = None


@dataclass(frozen=True)
class FiledRequest:
    reference: str
    masked_hetu: str | None


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
        # The turn's request id: the backend's log lines of this call carry it too.
        kwargs["headers"] = {**kwargs.get("headers", {}), REQUEST_ID_HEADER: REQUEST_ID.get()}
        try:
            async with self._client().request(method, self.base_url + path, **kwargs) as reply:
                if 400 <= reply.status < 500:
                    body = await reply.json(content_type=None)
                    body = body if isinstance(body, dict) else {}
                    code = body.get("code")
                    raise BackendRefusal(
                        reply.status,
                        str(body.get("detail") or "request refused"),
                        code if isinstance(code, str) else None,
                    )
                if reply.status >= 500:
                    raise BackendError(f"{method} {path} answered {reply.status}")
                return await reply.json()
        # asyncio.TimeoutError: on Python 3.10 (the action server's) it is not TimeoutError.
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError) as error:
            raise BackendError(f"{method} {path} failed: {type(error).__name__}") from error

    async def _create(self, path: str, body: dict[str, Any], idempotency_key: str) -> dict:
        return await self._request(
            "POST", path, json=body, headers={"Idempotency-Key": idempotency_key}
        )

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
            caveat=data.get("caveat"),
            see_also=data.get("see_also"),
            related_entry_id=data.get("related_entry_id"),
        )

    async def request_password_reset(self, conversation_id: str, email: str) -> None:
        await self._request(
            "POST",
            "/api/v1/service/password-reset",
            json={"conversation_id": conversation_id, "email": email},
        )

    async def request_unlock(self, conversation_id: str, email: str, key: str) -> str | None:
        data = await self._create(
            "/api/v1/service/unlock-requests",
            {"conversation_id": conversation_id, "email": email},
            key,
        )
        return data.get("reference")

    async def request_reactivation(self, conversation_id: str, hetu: str, key: str) -> FiledRequest:
        data = await self._create(
            "/api/v1/service/reactivation-requests",
            {"conversation_id": conversation_id, "hetu": hetu},
            key,
        )
        return FiledRequest(data["reference"], data.get("customer_hetu_masked"))

    async def request_delivery_change(
        self, conversation_id: str, hetu: str, key: str
    ) -> FiledRequest:
        data = await self._create(
            "/api/v1/service/delivery-change-requests",
            {"conversation_id": conversation_id, "hetu": hetu},
            key,
        )
        return FiledRequest(data["reference"], data.get("customer_hetu_masked"))

    async def create_escalation(
        self, conversation_id: str, reason: str, transcript: str, language: str, key: str
    ) -> tuple[str, str]:
        """The escalation's reference and when staff will answer, in `language`."""
        data = await self._create(
            "/api/v1/service/escalations",
            {
                "conversation_id": conversation_id,
                "reason": reason,
                "transcript": transcript,
                "language": language,
            },
            key,
        )
        return str(data["reference"]), str(data["answer_expected"])

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def idempotency_key(*parts: str) -> str:
    """A stable key for one user turn, so a retried action never files a request twice."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(parts)))


_shared: BackendClient | None = None


def backend() -> BackendClient:
    """The action server's one client (one connection pool)."""
    global _shared
    if _shared is None:
        _shared = BackendClient.from_env()
    return _shared
