"""Error responses a person can act on; never a stack trace, never the submitted input."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from backend.limits import LimitsUnavailable
from backend.services.errors import Refusal

log = logging.getLogger("backend.error_handlers")


def _describe(error: dict[str, Any]) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    message = error.get("msg", "invalid value")
    return f"{location}: {message}" if location else message


async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    # The default handler echoes the submitted input back, which may hold a hetu or a password.
    problems = [_describe(error) for error in exc.errors()]
    return JSONResponse(
        status_code=422,
        content={"detail": "; ".join(problems), "errors": problems},
    )


async def refusal(_request: Request, exc: Refusal) -> JSONResponse:
    content: dict[str, str] = {"detail": str(exc.detail)}
    if exc.code is not None:
        content["code"] = exc.code.value
    return JSONResponse(status_code=exc.status_code, content=content, headers=exc.headers)


BUSY = "The service is busy for a moment. Nothing was saved: please try again."
CONFLICT = (
    "Another request changed the same record at the same moment. Nothing was saved: "
    "check the current state and try again."
)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database (or the limits' Redis) is locked, full of clients or down: the transaction
    was rolled back, so the client may send the same request again (same Idempotency-Key)."""
    # The exception's text holds the SQL statement and its parameters: never log it.
    log.warning(
        "storage unavailable (%s) on %s %s", type(exc).__name__, request.method, request.url.path
    )
    return JSONResponse(
        status_code=503,
        content={"detail": BUSY},
        headers={"Retry-After": "2"},
    )


async def conflicting_write(request: Request, exc: Exception) -> JSONResponse:
    """Two requests created the same thing at the same moment (e.g. one hetu twice): the
    database's unique constraint stopped the second, and its transaction was rolled back."""
    log.warning(
        "conflicting write (%s) on %s %s", type(exc).__name__, request.method, request.url.path
    )
    return JSONResponse(status_code=409, content={"detail": CONFLICT})


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return JSONResponse(
        status_code=500,
        content={"detail": "Something went wrong on our side. Please try again later."},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]  # Starlette types handlers for Exception
    app.add_exception_handler(Refusal, refusal)  # type: ignore[arg-type]  # Starlette types handlers for Exception
    for database_error in (OperationalError, PoolTimeout, LimitsUnavailable):
        app.add_exception_handler(database_error, database_unavailable)
    app.add_exception_handler(IntegrityError, conflicting_write)
    app.add_exception_handler(Exception, unexpected_error)
