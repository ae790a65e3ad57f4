"""`python -m benchmarks reports`: the staff reports on a synthetic year, SQLite and PostgreSQL.

A year of history (REPORT_BENCH_TURNS turns, default 1,000,000, in Rasa's tracker store; 20,000
hand-offs, 90 % answered; 5,000 requests, 95 % decided; votes, registrars, units) is generated,
every day is rolled up as the backend's job does, and then the page's data (every report) is
timed for a week, 30 days and the year, beside the unrolled query that counts the chat figures
straight from the tracker store's events. The tracker store is SQLite in both runs (the
rollup reads it the same way on PostgreSQL); the backend database is SQLite, then PostgreSQL.
"""

import json
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from backend.db import Database
from backend.migrate import upgrade
from backend.models import (
    AnswerFeedback,
    AuditEvent,
    Escalation,
    EscalationMessage,
    Registrar,
    StaffRequest,
    StaffUser,
    Unit,
    registrar_units,
)
from backend.services.report_charts import chart_svg
from backend.services.report_rollup import _chat_figures, day_bounds, roll_up_day
from backend.services.reports import Period, build_report
from backend.settings import Settings
from launcher.local_servers import MissingServer, create_database, postgres_service
from launcher.services import ServiceGroup, free_port

TURNS = int(os.environ.get("REPORT_BENCH_TURNS", "1000000"))
HANDOFFS, REQUESTS, VOTES, REGISTRARS, UNITS = 20_000, 5_000, 30_000, 3_000, 800
DAYS = 365
REPEATS = 20
ENTRIES = [f"entry-{number:02d}" for number in range(60)]
QUESTIONS = [f"kysymys numero {number}" for number in range(400)]
KINDS = ["reactivation", "unlock", "delivery_change", "registrar_removal"]
REASONS = ["asked_for_human", "unanswered_question", "failed_flow"]
TRACKER_TABLE = (
    "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
    "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
    "action_name VARCHAR(255), data TEXT)"
)


def _moment(rng: random.Random, first: datetime) -> datetime:
    """A time in the year, weighted to office hours on weekdays as real traffic is."""
    while True:
        day = first + timedelta(days=rng.randrange(DAYS))
        if day.weekday() >= 5 and rng.random() < 0.8:
            continue
        weights = [1] * 7 + [4, 8, 10, 10, 9, 10, 10, 8, 5] + [2] * 8
        hour = rng.choices(range(24), weights=weights)[0]
        return day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))


def _tracker_rows(rng: random.Random, first: datetime) -> Iterator[tuple[Any, ...]]:
    """A user event and the bot's lines for each turn; about four turns a conversation."""
    for number in range(TURNS):
        sender = f"c{number // 4:07d}"
        at = _moment(rng, first).timestamp()
        language = rng.choices(["fi", "sv", "en"], weights=[85, 10, 5])[0]
        user = {
            "event": "user",
            "text": "kysymys",
            "parse_data": {"entities": [{"entity": "language", "value": language}]},
            "metadata": {"channel": "widget" if rng.random() < 0.9 else "api"},
        }
        yield sender, "user", at, json.dumps(user)
        outcome = rng.random()
        if outcome < 0.7:
            bot = {
                "event": "bot",
                "text": "vastaus",
                "data": {"custom": {"faq_entry_id": rng.choice(ENTRIES)}},
                "metadata": {"utter_action": "utter_faq_answer"},
            }
            yield sender, "bot", at + 1, json.dumps(bot)
        elif outcome < 0.85:
            not_covered = {"event": "bot", "metadata": {"utter_action": "utter_faq_not_covered"}}
            yield sender, "bot", at + 1, json.dumps({**not_covered, "text": "ei"})
            if outcome < 0.78:
                yield sender, "bot", at + 1, json.dumps({"event": "bot", "text": "katso"})


def fill_tracker(path: Path, rng: random.Random, first: datetime) -> int:
    with sqlite3.connect(path) as connection:
        connection.execute(TRACKER_TABLE)
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            _tracker_rows(rng, first),
        )
        # The rollup reads one day of events; without this index that is a scan of them all.
        connection.execute("CREATE INDEX events_time ON events (timestamp)")
        return int(connection.execute("SELECT count(*) FROM events").fetchone()[0])


def fill_backend(db: Session, rng: random.Random, first: datetime) -> None:
    """Units, registrars, hand-offs with replies, requests, votes and audited actions."""
    db.execute(
        insert(StaffUser),
        [{"id": 1, "email": "bench@celia.invalid", "name": "Bench", "role": "agent"}],
    )
    db.execute(
        insert(Unit),
        [{"id": n, "name": f"Unit {n}", "kind": "library"} for n in range(1, UNITS + 1)],
    )
    registrars = [
        {
            "id": n,
            "email": f"r{n}@bench.invalid",
            "first_name": "R",
            "last_name": "R",
            "status": "active",
            "created_at": _moment(rng, first),
        }
        for n in range(1, REGISTRARS + 1)
    ]
    db.execute(insert(Registrar), registrars)
    db.execute(
        insert(registrar_units),
        [{"registrar_id": n, "unit_id": 1 + n % UNITS} for n in range(1, REGISTRARS + 1)],
    )
    escalations, replies = [], []
    for number in range(1, HANDOFFS + 1):
        created = _moment(rng, first)
        reason = rng.choice(REASONS)
        escalations.append(
            {
                "id": number,
                "conversation_id": f"e{number:031d}",
                "reason": reason,
                "transcript": f"user: {rng.choice(QUESTIONS)}\nbot: Välitänkö?",
                "status": "resolved",
                "created_at": created,
                "updated_at": created,
                "language": "fi",
            }
        )
        if rng.random() < 0.9:
            waited = timedelta(minutes=min(rng.lognormvariate(3.5, 1.2), 4000))
            replies.append(
                {
                    "escalation_id": number,
                    "kind": "reply",
                    "author_id": 1,
                    "text": "vastaus",
                    "created_at": created + waited,
                }
            )
    db.execute(insert(Escalation), escalations)
    db.execute(insert(EscalationMessage), replies)
    requests = []
    for _ in range(REQUESTS):
        created = _moment(rng, first)
        decided = rng.random() < 0.95
        requests.append(
            {
                "kind": rng.choice(KINDS),
                "status": rng.choice(["approved", "denied"]) if decided else "open",
                "registrar_id": rng.randrange(1, REGISTRARS + 1),
                "unit_id": rng.randrange(1, UNITS + 1),
                "created_at": created,
                "decided_at": created + timedelta(hours=rng.expovariate(1 / 20))
                if decided
                else None,
            }
        )
    db.execute(insert(StaffRequest), requests)
    db.execute(
        insert(AnswerFeedback),
        [
            {
                "conversation_id": f"v{number:031d}",
                "entry_id": rng.choice(ENTRIES),
                "helpful": rng.random() < 0.8,
                "created_at": _moment(rng, first),
            }
            for number in range(VOTES)
        ],
    )
    db.execute(
        insert(AuditEvent),
        [
            {
                "actor_kind": "registrar",
                "actor_id": rng.randrange(1, REGISTRARS + 1),
                "action": "customer.created",
                "target_kind": "customer",
                "created_at": _moment(rng, first),
            }
            for _ in range(50_000)
        ],
    )
    db.commit()


def _ms(work: Callable[[], object], repeats: int = REPEATS) -> dict[str, float]:
    work()  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
    }


def _period_figures(db: Session, settings: Settings, period: Period) -> dict:
    """The page's data and charts from the rollups, and the chat figures counted raw."""
    charts = [table for table in build_report(db, period) if table.chart]
    start, end = day_bounds(settings, period.first)[0], day_bounds(settings, period.last)[1]
    return {
        "page_data": _ms(lambda: build_report(db, period)),
        "charts": _ms(lambda: [chart_svg(table) for table in charts], 5),
        "raw_chat_query": _ms(lambda: _chat_figures(settings, start, end), 1),
    }


def _settings(database_url: str, tracker: Path) -> Settings:
    return Settings(
        database_url=database_url,
        tracker_db=tracker,
        service_token="b" * 32,
        hetu_hmac_key="b" * 32,
        session_secret="b" * 32,
    )


def day_without_time_index(database_url: str, tracker: Path, day: date) -> float:
    """Milliseconds to roll up one day when the tracker store has no index on the time (as
    Rasa creates it): the day's events are then a scan of all of them."""
    with sqlite3.connect(tracker) as connection:
        connection.execute("DROP INDEX events_time")
    settings = _settings(database_url, tracker)
    database = Database(database_url)
    try:
        with database.sessions() as db:
            started = time.perf_counter()
            roll_up_day(db, settings, day, datetime.now(timezone.utc))
            return round((time.perf_counter() - started) * 1000, 1)
    finally:
        database.engine.dispose()


def measure(database_url: str, tracker: Path, first: datetime, last_day: date) -> dict:
    settings = _settings(database_url, tracker)
    upgrade(database_url)
    database = Database(database_url)
    report: dict[str, Any] = {}
    try:
        with database.sessions() as db:
            fill_backend(db, random.Random(29), first)  # noqa: S311 (synthetic data)
            days = [last_day - timedelta(days=n) for n in range(DAYS)]
            times = []
            started = time.perf_counter()
            for day in reversed(days):
                begun = time.perf_counter()
                roll_up_day(db, settings, day, datetime.now(timezone.utc))
                times.append((time.perf_counter() - begun) * 1000)
            times.sort()
            report["rollup"] = {
                "days": len(days),
                "total_s": round(time.perf_counter() - started, 1),
                "per_day_p50_ms": round(statistics.median(times), 1),
                "per_day_p95_ms": round(times[round(0.95 * len(times)) - 1], 1),
            }
            periods = {
                "week": Period.of(last_day - timedelta(days=6), last_day),
                "30 days": Period.of(last_day - timedelta(days=29), last_day),
                "year": Period.of(last_day - timedelta(days=DAYS - 1), last_day),
            }
            for name, period in periods.items():
                report[name] = _period_figures(db, settings, period)
    finally:
        database.engine.dispose()
    return report


def run() -> dict:
    last_day = date.today() - timedelta(days=1)
    first = datetime.combine(last_day - timedelta(days=DAYS - 1), datetime.min.time(), timezone.utc)
    with tempfile.TemporaryDirectory(prefix="celia-report-bench-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        events = fill_tracker(root / "tracker.db", random.Random(29), first)  # noqa: S311
        results: dict[str, Any] = {
            "turns": TURNS,
            "tracker_events": events,
            "handoffs": HANDOFFS,
            "requests": REQUESTS,
            "generate_tracker_s": round(time.perf_counter() - started, 1),
        }
        results["sqlite"] = measure(
            f"sqlite:///{root / 'celia.db'}", root / "tracker.db", first, last_day
        )
        # Not inside `folder`: its owner-only mode would shut out the postgres user.
        pg_root = Path(tempfile.mkdtemp(prefix="celia-report-bench-pg-"))
        try:
            server = postgres_service(pg_root, free_port())
            with ServiceGroup([server], pg_root / "log"):
                url = create_database(server.port, "celia_bench")
                results["postgresql"] = measure(url, root / "tracker.db", first, last_day)
        except MissingServer as error:
            results["postgresql"] = {"skipped": str(error)}
        finally:
            shutil.rmtree(pg_root, ignore_errors=True)
        results["sqlite"]["rollup"]["a_day_without_time_index_ms"] = day_without_time_index(
            f"sqlite:///{root / 'celia.db'}", root / "tracker.db", last_day
        )
    return results
