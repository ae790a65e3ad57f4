"""Per-request context, as an ASGI middleware: the request id and the latency histogram.

The request id comes from X-Request-ID when a trusted proxy (TRUSTED_PROXIES) or the action
server (the service token) sent it, else it is made here; it is answered in X-Request-ID,
sent on to Rasa, and carried by every log line of the request (privacy/log_context.py).
"""

import hmac
import time
import uuid
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api.deps import is_trusted_proxy, socket_peer
from backend.metrics import REQUEST_SECONDS
from backend.settings import Settings
from privacy.log_context import REQUEST_ID, valid_request_id


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self._service = f"Bearer {settings.service_token.get_secret_value()}".encode()

    def _given_id(self, scope: Scope) -> str | None:
        headers = Headers(scope=scope)
        given = valid_request_id(headers.get("x-request-id"))
        if given is None:
            return None
        if is_trusted_proxy(socket_peer(scope), self.settings.trusted_proxies):
            return given
        authorization = headers.get("authorization", "").encode()
        return given if hmac.compare_digest(authorization, self._service) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = self._given_id(scope) or uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # The route's template (e.g. /api/v1/customers/{customer_id}), never the raw path.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            REQUEST_SECONDS.labels(scope["method"], route, str(status)).observe(
                time.perf_counter() - started
            )
            REQUEST_ID.reset(token)


def _path_only(location: bytes) -> bytes:
    """The path, query and fragment of a redirect target, without scheme and host."""
    parts = urlsplit(location.decode("latin-1"))
    if not parts.scheme and not parts.netloc:
        return location
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return (target + (f"#{parts.fragment}" if parts.fragment else "")).encode("latin-1")


class RelativeRedirectMiddleware:
    """Every redirect names a path on this site, never a host: Starlette's trailing-slash
    redirect builds an absolute Location from the Host header, which the client chooses
    (`Host: evil.example` made `Location: http://evil.example/account`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_relative(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                message["headers"] = [
                    (name, _path_only(value) if name.lower() == b"location" else value)
                    for name, value in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, send_relative if scope["type"] == "http" else send)
