"""FastAPI application factory: `uvicorn backend.main:create_app --factory`."""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from backend import migrate, web
from backend.api.routes import (
    accounts,
    actions_api,
    ask,
    chat,
    conversations,
    customers,
    feedback,
    health,
    insights,
    invitations,
    registrar_requests,
    registrar_second_factor,
    reports,
    staff,
    staff_admin,
    staff_auth,
    staff_faq,
    staff_queue,
    units,
)
from backend.db import Database
from backend.email.sender import EmailSender
from backend.error_handlers import install_error_handlers
from backend.limits import Limits
from backend.logging_setup import configure_logging
from backend.metrics import DatabaseCollector
from backend.rasa_client import RasaClient
from backend.request_context import RelativeRedirectMiddleware, RequestContextMiddleware
from backend.reset_worker import ResetWorker
from backend.retention import retention_job
from backend.security import Security
from backend.services.faq_live import start_live_faq
from backend.services.reply_mail import reply_mail_job
from backend.services.report_rollup import report_rollup_job
from backend.settings import Settings, get_settings
from knowledge.answering import FaqService
from knowledge.settings import KnowledgeSettings

log = logging.getLogger("backend")


def create_app(
    settings: Settings | None = None,
    load_faq: Callable[[], FaqService] = lambda: FaqService.load(KnowledgeSettings()),
) -> FastAPI:
    """The app; `load_faq` lets tests that do not need the FAQ index skip building it."""
    settings = settings or get_settings()
    log_file = settings.log_dir / "backend.log" if settings.log_output == "file" else None
    configure_logging(log_file, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate.upgrade(settings.database_url)
        app.state.db = Database(settings.database_url, settings.database_busy_timeout_seconds)
        app.state.metrics = DatabaseCollector(app.state.db.sessions)
        app.state.faq_live = start_live_faq(load_faq(), app.state.db.sessions, settings)
        app.state.rasa = RasaClient(
            settings.rasa_urls,
            settings.rasa_timeout_seconds,
            settings.service_token.get_secret_value(),
        )
        app.state.email_sender = EmailSender(settings, app.state.db.sessions)
        if settings.email_sender_enabled:
            app.state.email_sender.start()
        app.state.reset_worker = ResetWorker(settings, app.state.limits, app.state.db.sessions)
        app.state.reset_worker.start()
        app.state.retention = retention_job(settings, app.state.db.sessions)
        app.state.retention.start()
        app.state.reply_mail = reply_mail_job(settings, app.state.db.sessions)
        app.state.reply_mail.start()
        app.state.report_rollup = report_rollup_job(settings, app.state.db.sessions)
        app.state.report_rollup.start()
        log.info("backend ready")
        yield
        await app.state.report_rollup.stop()
        await app.state.reply_mail.stop()
        await app.state.faq_live.task.stop()
        await app.state.retention.stop()
        await app.state.reset_worker.stop()
        await app.state.email_sender.stop()
        await app.state.rasa.close()
        app.state.db.engine.dispose()

    app = FastAPI(
        title="Celia registrar assistant backend",
        version="0.1.0",
        lifespan=lifespan,
        # Starlette's limit: a larger Content-Length is refused before the body is read, and
        # a body without one is counted as it streams in (413 once over).
        max_body_size=settings.max_request_bytes,
    )
    app.state.settings = settings
    app.state.limits = Limits(settings)
    app.state.security = Security(settings)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-CSRF-Token"],
            allow_credentials=True,
        )
    install_error_handlers(app)
    app.add_middleware(RelativeRedirectMiddleware)
    app.add_middleware(RequestContextMiddleware, settings=settings)
    for module in (
        health,
        ask,
        chat,
        actions_api,
        accounts,
        registrar_second_factor,
        customers,
        registrar_requests,
        units,
        conversations,
        staff,
        staff_queue,
        staff_auth,
        staff_admin,
        staff_faq,
        invitations,
        insights,
        feedback,
        reports,
        web,
    ):
        app.include_router(module.router)
    return app
