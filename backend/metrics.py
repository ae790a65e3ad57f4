"""Prometheus metrics, all named celia_*; no label ever holds personal data.

Counters and the latency histogram live in each process (prometheus-client's multiprocess
mode when PROMETHEUS_MULTIPROC_DIR is set, so /metrics on any worker sums every worker). What
the database knows (outbox backlog, open escalations) is read from it at scrape time, so it is
the same whichever worker answers.
"""

import os
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.models import Escalation, EscalationStatus, OutboxEmail, utcnow

REQUEST_SECONDS = Histogram(
    "celia_http_request_duration_seconds",
    "Time to answer an HTTP request, per route template.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CHAT_TURNS = Counter("celia_chat_turns", "Chat turns answered (by the bot or during a hand-off).")
FAQ_ANSWERS = Counter(
    "celia_faq_questions",
    "FAQ questions, answered or abstained (not covered), per language.",
    ["lang", "outcome"],
)
HANDOFFS = Counter(
    "celia_handoffs", "Conversations handed to Celia staff (new escalations).", ["reason"]
)
RASA_ERRORS = Counter(
    "celia_rasa_errors",
    "Failed calls to a Rasa replica (kind: connect, timeout, transport, http, payload).",
    ["replica", "kind"],
)
ACTION_ERRORS = Counter(
    "celia_action_errors",
    "Turns Rasa answered with nothing: an action failed or the action server was down.",
)


class DatabaseCollector(Collector):
    """Gauges read from the database at scrape time."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def collect(self) -> Iterator[Metric]:
        with self._sessions() as db:
            backlog, oldest = db.execute(
                select(func.count(), func.min(OutboxEmail.created_at)).where(
                    OutboxEmail.sent_at.is_(None)
                )
            ).one()
            open_by_status = dict(
                db.execute(
                    select(Escalation.status, func.count())
                    .where(Escalation.status != EscalationStatus.resolved)
                    .group_by(Escalation.status)
                ).all()
            )
        yield GaugeMetricFamily(
            "celia_outbox_backlog", "E-mails waiting to be delivered.", value=backlog
        )
        yield GaugeMetricFamily(
            "celia_outbox_oldest_age_seconds",
            "Age of the oldest undelivered e-mail (0 when none waits).",
            value=_age(oldest),
        )
        escalations = GaugeMetricFamily(
            "celia_escalations_open", "Escalations not yet resolved.", labels=["status"]
        )
        for status in (EscalationStatus.open, EscalationStatus.in_progress):
            escalations.add_metric([status.value], open_by_status.get(status, 0))
        yield escalations


def _age(created: datetime | None) -> float:
    if created is None:
        return 0.0
    if created.tzinfo is None:  # SQLite hands back naive UTC
        created = created.replace(tzinfo=utcnow().tzinfo)
    return max(0.0, (utcnow() - created).total_seconds())


def exposition(database: DatabaseCollector) -> bytes:
    """The text format of every process's metrics and the database's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
    else:
        processes = REGISTRY
    gauges = CollectorRegistry()
    gauges.register(database)
    return generate_latest(processes) + generate_latest(gauges)
