"""Action server entry point: rasa-sdk's app, on loopback unless ACTION_HOST says, callable
only with the token.

Run as `python -m actions.server` (ACTION_PORT, SERVICE_TOKEN from the environment).
"""

import hmac
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.backend_client import backend
from privacy.log_context import REQUEST_ID, formatter_from_env, valid_request_id
from privacy.redaction import install_redacting_filter

log = logging.getLogger("actions.server")


def build_app(token: str) -> Sanic:
    app = create_app("actions", cors_origins=[])
    expected = f"Bearer {token}".encode()

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path == "/health":
            return None
        given = request.headers.get("authorization", "").encode()  # bytes: any character
        if not hmac.compare_digest(given, expected):
            return response.json({"error": "a valid service token is required"}, status=401)
        return None

    @app.middleware("request")
    async def carry_request_id(request: Request) -> None:
        """The turn's request id, from the message metadata the backend gave Rasa: this
        action's log lines and its calls to the backend carry it."""
        if request.path != "/webhook" or not isinstance(request.json, dict):
            return
        tracker = request.json.get("tracker") or {}
        metadata = (tracker.get("latest_message") or {}).get("metadata") or {}
        REQUEST_ID.set(valid_request_id(metadata.get("request_id")) or "-")
        log.info("running %s", request.json.get("next_action"))

    @app.listener("after_server_stop")
    async def close_backend_client(*_: object) -> None:
        await backend().close()

    @app.exception(Exception)
    async def on_error(request: Request, exception: Exception) -> HTTPResponse:
        # rasa-sdk's own handler echoes the request body (user text) back; this one does not.
        log.error("action failed: %s", type(exception).__name__)
        return response.json({"error": "action failed"}, status=500)

    return app


def configure_logging() -> None:
    """Everything to stderr (the launcher keeps it in actions.out), through the redacting filter;
    LOG_FORMAT=json: one object a line."""
    logging.basicConfig(level=logging.INFO)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter_from_env())
    install_redacting_filter()


def main() -> None:
    configure_logging()
    port = int(os.environ.get("ACTION_PORT", "5055"))
    # Loopback unless told: a container on an orchestrator's pod network sets 0.0.0.0.
    host = os.environ.get("ACTION_HOST", "127.0.0.1")
    app = build_app(os.environ["SERVICE_TOKEN"])
    app.run(host=host, port=port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
