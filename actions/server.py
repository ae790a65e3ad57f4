"""Action server entry point: rasa-sdk's app, bound to loopback, callable only with the token.

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
from privacy.redaction import install_redacting_filter

log = logging.getLogger("actions.server")


def build_app(token: str) -> Sanic:
    app = create_app("actions", cors_origins=[])
    expected = f"Bearer {token}"

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path == "/health":
            return None
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given, expected):
            return response.json({"error": "a valid service token is required"}, status=401)
        return None

    @app.listener("after_server_stop")
    async def close_backend_client(*_: object) -> None:
        await backend().close()

    @app.exception(Exception)
    async def on_error(request: Request, exception: Exception) -> HTTPResponse:
        # rasa-sdk's own handler echoes the request body (user text) back; this one does not.
        log.error("action failed: %s", type(exception).__name__)
        return response.json({"error": "action failed"}, status=500)

    return app


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install_redacting_filter()
    port = int(os.environ.get("ACTION_PORT", "5055"))
    app = build_app(os.environ["SERVICE_TOKEN"])
    app.run(host="127.0.0.1", port=port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
