"""Health: /healthz (the launcher's contract), /livez (the process answers), /readyz (it can
serve a chat turn: database, FAQ index and at least one Rasa replica), and /metrics."""

import hmac
from ipaddress import ip_address

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from backend.api.deps import (
    DatabaseDep,
    LiveFaqDep,
    MetricsDep,
    RasaDep,
    SettingsDep,
    client_address,
)
from backend.db import Database
from backend.metrics import exposition
from backend.services.faq_live import LiveFaq
from backend.settings import Settings

router = APIRouter()


def _base_checks(database: Database, live: LiveFaq) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # any driver error means "not ready"
        checks["database"] = "unavailable"
    checks["faq_index"] = "ok" if live.service.entries else "not loaded"
    return checks


def _answer(checks: dict[str, str]) -> JSONResponse:
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status_code=200 if healthy else 503,
    )


@router.get("/healthz", include_in_schema=False)
def healthz(database: DatabaseDep, live: LiveFaqDep) -> JSONResponse:
    """200 when the database answers and the FAQ index is loaded."""
    return _answer(_base_checks(database, live))


@router.get("/livez", include_in_schema=False)
def livez() -> JSONResponse:
    """200 while the process answers at all: restart it only when this fails."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz", include_in_schema=False)
async def readyz(database: DatabaseDep, live: LiveFaqDep, rasa: RasaDep) -> JSONResponse:
    """200 when a chat turn can be served: send traffic elsewhere while this fails."""
    checks = await run_in_threadpool(_base_checks, database, live)
    rasa_up = await rasa.any_replica_up()
    checks["rasa"] = "ok" if rasa_up else "unavailable"
    return _answer(checks)


def _may_read_metrics(request: Request, settings: Settings) -> bool:
    """From the machine itself, or with METRICS_TOKEN as a bearer token."""
    token = settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(given, f"Bearer {token.get_secret_value()}".encode()):
            return True
    try:
        return ip_address(client_address(request)).is_loopback
    except ValueError:
        return False


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, settings: SettingsDep, collector: MetricsDep) -> Response:
    if not _may_read_metrics(request, settings):
        return JSONResponse({"detail": "Metrics are for the operators."}, status_code=403)
    body = await run_in_threadpool(exposition, collector)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
