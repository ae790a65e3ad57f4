"""Health: /healthz (the launcher's contract), /livez (the process answers), /readyz (it can
serve a chat turn: database, FAQ index and at least one Rasa replica), and /metrics."""

import hmac
from ipaddress import ip_address

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from backend.api.deps import client_address
from backend.metrics import exposition

router = APIRouter()


def _base_checks(request: Request) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        with request.app.state.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # any driver error means "not ready"
        checks["database"] = "unavailable"
    checks["faq_index"] = "ok" if getattr(request.app.state, "faq", None) else "not loaded"
    return checks


def _answer(checks: dict[str, str]) -> JSONResponse:
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status_code=200 if healthy else 503,
    )


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    """200 when the database answers and the FAQ index is loaded."""
    return _answer(_base_checks(request))


@router.get("/livez", include_in_schema=False)
def livez() -> JSONResponse:
    """200 while the process answers at all: restart it only when this fails."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """200 when a chat turn can be served: send traffic elsewhere while this fails."""
    checks = await run_in_threadpool(_base_checks, request)
    rasa_up = await request.app.state.rasa.any_replica_up()
    checks["rasa"] = "ok" if rasa_up else "unavailable"
    return _answer(checks)


def _may_read_metrics(request: Request) -> bool:
    """From the machine itself, or with METRICS_TOKEN as a bearer token."""
    token = request.app.state.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(given, f"Bearer {token.get_secret_value()}".encode()):
            return True
    try:
        return ip_address(client_address(request)).is_loopback
    except ValueError:
        return False


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    if not _may_read_metrics(request):
        return JSONResponse({"detail": "Metrics are for the operators."}, status_code=403)
    body = await run_in_threadpool(exposition, request.app.state.metrics)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
