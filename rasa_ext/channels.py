"""Rasa's REST channel, for the backend only: a message needs the shared service token.

Without it anyone who can reach Rasa's port could post a turn under another conversation's id
(and act as the registrar that conversation is bound to) and skip the backend's limits. The
channel keeps Rasa's name `rest`, so the URL stays /webhooks/rest/webhook; its health check
(GET /webhooks/rest/) stays open. The backend's X-Request-ID is set for the turn, so Rasa's
log lines of it carry the id (privacy/log_context.py); the message's metadata holds it too,
which is how the action server learns it.
"""

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from privacy.log_context import REQUEST_ID, REQUEST_ID_HEADER, valid_request_id

log = logging.getLogger(__name__)


class TokenRestInput(RestInput):
    def __init__(self, token: str) -> None:
        if len(token) < 32:
            raise ValueError("the REST channel needs a token of at least 32 characters")
        self._expected = f"Bearer {token}"

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(str((credentials or {}).get("token") or ""))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def require_token(request: Request) -> HTTPResponse | None:
            if request.method == "GET":
                return None  # the health check
            given = request.headers.get("Authorization", "")
            if hmac.compare_digest(given.encode(), self._expected.encode()):
                # Same task as the handler, which awaits the whole turn: the id stays set.
                request_id = valid_request_id(request.headers.get(REQUEST_ID_HEADER)) or "-"
                REQUEST_ID.set(request_id)
                # The id in the text too: Rasa's RepeatedLogFilter drops a line equal to the last.
                log.info("turn received (request %s)", request_id)
                return None
            return response.json({"error": "A valid service token is required."}, status=401)

        return webhook
