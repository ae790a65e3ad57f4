"""Daily rollups for the staff reports: one office-time day counted from where it is recorded.

- Rasa's tracker store (already redacted): turns and conversations by language and channel, the
  FAQ's answers, related-only answers and refusals, and the entries answered.
- Escalations and their staff replies: hand-offs by reason and hour of the week, waiting time to
  the first reply, whether that reply came within the office hours the hand-off arrived in; the
  questions the FAQ did not answer, as groups (backend/services/unanswered.py) under a hash.
- Staff requests: filed, decided and time to decision per kind, the open backlog.
- "Was this helpful?" votes; new registrar accounts; registrars and units with activity
  (a chat, a request or an audited action) per day, week and month.

Every figure is attributed to the day its event happened (a first reply to the day of the reply,
a decision to the day of the decision), so a day that has ended never changes. Rolling up a day
replaces its rows in one transaction, so running it again gives the same rows while the sources
still hold the day; retention deletes conversations and tracker events after
CONVERSATION_RETENTION_DAYS, and the job never rolls up a day older than that again.
"""

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session, sessionmaker

from backend import tracker_events
from backend.models import (
    AnswerFeedback,
    AuditEvent,
    Conversation,
    Escalation,
    EscalationMessage,
    EscalationReason,
    MessageKind,
    Registrar,
    ReportDaily,
    ReportDay,
    StaffRequest,
    registrar_units,
)
from backend.periodic import PeriodicTask, claim_turn
from backend.services import office_hours
from backend.services.unanswered import group_key, unanswered_question
from backend.settings import Settings

log = logging.getLogger(__name__)

CHANNELS = ("widget", "api")
LANGUAGES = ("fi", "sv", "en")
FAQ_ANSWERS = frozenset({"utter_faq_answer", "utter_faq_answer_dated"})
FAQ_NOT_COVERED = "utter_faq_not_covered"
# Distinct counts: a day's, a week's and a month's rows each count people once.
DISTINCT_METRICS = ("registrars_active", "units_active")
ROLLUP_LOCK = 0x7265706F7274  # "report": PostgreSQL advisory lock held while a day is replaced

Figures = Counter[tuple[str, str]]


def day_bounds(settings: Settings, day: date) -> tuple[datetime, datetime]:
    """The day's start and end (exclusive) in UTC; days are the office's (OFFICE_TIMEZONE)."""
    zone = ZoneInfo(settings.office_timezone)
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _minutes(since: datetime, until: datetime) -> int:
    return max(0, int((_aware(until) - _aware(since)).total_seconds() // 60))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _chat_figures(settings: Settings, start: datetime, end: datetime) -> Figures:
    """Turns, conversations and FAQ outcomes from the tracker store's events in [start, end)."""
    figures: Figures = Counter()
    language: dict[str, str] = {}
    channel: dict[str, str] = {}
    not_covered: set[str] = set()  # the sender's last bot line said the FAQ does not cover it
    for sender, kind, event in tracker_events.user_and_bot_events(settings, start, end):
        if kind == "user":
            language[sender] = _language(event) or language.get(sender, "fi")
            metadata = event.get("metadata") or {}
            channel[sender] = "widget" if metadata.get("channel") == "widget" else "api"
            figures["turns", f"{language[sender]}|{channel[sender]}"] += 1
            continue
        action = (event.get("metadata") or {}).get("utter_action")
        if sender in not_covered:
            not_covered.discard(sender)
            related = action is None and bool(event.get("text"))
            figures["faq_outcome", "related_only" if related else "refused"] += 1
        if action in FAQ_ANSWERS:
            figures["faq_outcome", "answered"] += 1
        elif action == FAQ_NOT_COVERED:
            not_covered.add(sender)
        custom = (event.get("data") or {}).get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("faq_entry_id"), str):
            figures["entry_asked", custom["faq_entry_id"][:64]] += 1
    figures["faq_outcome", "refused"] += len(not_covered)
    for sender, lang in language.items():
        figures["conversations", f"{lang}|{channel[sender]}"] += 1
    return figures


def _language(event: dict[str, Any]) -> str | None:
    for entity in (event.get("parse_data") or {}).get("entities") or []:
        if entity.get("entity") == "language" and entity.get("value") in LANGUAGES:
            return str(entity["value"])
    return None


def _handoff_figures(db: Session, settings: Settings, start: datetime, end: datetime) -> Figures:
    figures: Figures = Counter()
    zone = ZoneInfo(settings.office_timezone)
    filed = db.execute(
        select(Escalation.created_at, Escalation.reason, Escalation.transcript).where(
            Escalation.created_at >= start, Escalation.created_at < end
        )
    )
    for created_at, reason, transcript in filed:
        local = _aware(created_at).astimezone(zone)
        figures["handoffs", reason.value] += 1
        figures["handoffs_how", f"{local.isoweekday()}-{local.hour:02d}"] += 1
        question = (
            unanswered_question(transcript)
            if reason == EscalationReason.unanswered_question
            else None
        )
        if question:
            digest = hashlib.sha256(group_key(question).encode()).hexdigest()[:16]
            figures["unanswered", digest] += 1
    first_reply = (
        select(
            EscalationMessage.escalation_id.label("id"),
            func.min(EscalationMessage.created_at).label("at"),
        )
        .where(EscalationMessage.kind == MessageKind.reply)
        .group_by(EscalationMessage.escalation_id)
        .subquery()
    )
    answered = db.execute(
        select(Escalation.created_at, first_reply.c.at)
        .join(first_reply, first_reply.c.id == Escalation.id)
        .where(first_reply.c.at >= start, first_reply.c.at < end)
    )
    for created_at, replied_at in answered:
        figures["handoff_wait", str(_minutes(created_at, replied_at))] += 1
        in_hours = _within_office_hours(settings, _aware(created_at), _aware(replied_at))
        figures["handoffs_answered", "office_hours" if in_hours else "later"] += 1
    return figures


def _within_office_hours(settings: Settings, filed: datetime, replied: datetime) -> bool:
    """Whether the reply came before the office closed on the office day the hand-off arrived
    in (the day it was open then, or the next opening's)."""
    zone = ZoneInfo(settings.office_timezone)
    opening = office_hours.next_opening(settings, filed) or filed
    local = opening.astimezone(zone)
    if not office_hours.is_working_day(settings, local.date()):
        return False  # closed for longer than the office hours look ahead
    closes = datetime.combine(local.date(), settings.office_closes, zone)
    return replied <= closes


def _request_figures(db: Session, start: datetime, end: datetime, now: datetime) -> Figures:
    figures: Figures = Counter()
    filed = db.execute(
        select(StaffRequest.kind, func.count())
        .where(StaffRequest.created_at >= start, StaffRequest.created_at < end)
        .group_by(StaffRequest.kind)
    )
    for kind, count in filed:
        figures["requests_filed", kind.value] = count
    decided = db.execute(
        select(
            StaffRequest.kind, StaffRequest.status, StaffRequest.created_at, StaffRequest.decided_at
        ).where(StaffRequest.decided_at >= start, StaffRequest.decided_at < end)
    )
    for kind, status, created_at, decided_at in decided:
        figures["requests_decided", f"{kind.value}:{status.value}"] += 1
        minutes = _minutes(created_at, cast(datetime, decided_at))  # the query's condition
        figures["request_decision", f"{kind.value}:{minutes}"] += 1
    moment = min(end, now)
    backlog = db.execute(
        select(StaffRequest.kind, func.count())
        .where(
            StaffRequest.created_at < moment,
            or_(StaffRequest.decided_at.is_(None), StaffRequest.decided_at >= moment),
        )
        .group_by(StaffRequest.kind)
    )
    for kind, count in backlog:
        figures["requests_open", kind.value] = count
    return figures


def _vote_figures(db: Session, start: datetime, end: datetime) -> Figures:
    figures: Figures = Counter()
    votes = db.execute(
        select(AnswerFeedback.entry_id, AnswerFeedback.helpful, func.count())
        .where(AnswerFeedback.created_at >= start, AnswerFeedback.created_at < end)
        .group_by(AnswerFeedback.entry_id, AnswerFeedback.helpful)
    )
    for entry_id, helpful, count in votes:
        figures["votes", f"{entry_id}:{'yes' if helpful else 'no'}"] = count
    new = db.scalar(
        select(func.count()).where(Registrar.created_at >= start, Registrar.created_at < end)
    )
    if new:
        figures["registrars_new", ""] = int(new)
    return figures


def active(db: Session, start: datetime, end: datetime) -> tuple[int, int]:
    """How many registrars, and units of theirs or of requests, had activity in [start, end):
    a chat (a conversation begun or continued), a request filed or an audited action."""
    in_range = [
        select(Conversation.registrar_id).where(
            Conversation.registrar_id.is_not(None),
            or_(
                (Conversation.created_at >= start) & (Conversation.created_at < end),
                (Conversation.last_message_at >= start) & (Conversation.last_message_at < end),
            ),
        ),
        select(StaffRequest.registrar_id).where(
            StaffRequest.created_at >= start, StaffRequest.created_at < end
        ),
        select(AuditEvent.actor_id).where(
            AuditEvent.actor_kind == "registrar",
            AuditEvent.actor_id.is_not(None),
            AuditEvent.created_at >= start,
            AuditEvent.created_at < end,
        ),
    ]
    registrars: set[int] = set()
    for query in in_range:
        registrars.update(db.scalars(query))
    units = set(
        db.scalars(
            select(StaffRequest.unit_id).where(
                StaffRequest.unit_id.is_not(None),
                StaffRequest.created_at >= start,
                StaffRequest.created_at < end,
            )
        )
    )
    if registrars:
        units.update(
            db.scalars(
                select(registrar_units.c.unit_id).where(
                    registrar_units.c.registrar_id.in_(sorted(registrars))
                )
            )
        )
    return len(registrars), len(units)


def _rows(metric_rows: Iterable[tuple[tuple[str, str], int]], day: date) -> list[ReportDaily]:
    return [
        ReportDaily(metric=metric, day=day, key=key, value=value)
        for (metric, key), value in metric_rows
        if value
    ]


def roll_up_day(db: Session, settings: Settings, day: date, now: datetime | None = None) -> int:
    """Count `day` from its sources and replace its rows (and its week's and month's distinct
    counts); returns how many rows the day has now."""
    now = now or datetime.now(timezone.utc)
    if db.get_bind().dialect.name == "postgresql":
        # One rollup at a time across workers (the job, "count now"): two replacing the same
        # rows at once would collide or deadlock. SQLite runs one writer at a time anyway.
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROLLUP_LOCK})
    start, end = day_bounds(settings, day)
    figures = _chat_figures(settings, start, end)
    figures.update(_handoff_figures(db, settings, start, end))
    figures.update(_request_figures(db, start, end, now))
    figures.update(_vote_figures(db, start, end))
    buckets = {
        "day": (day, day + timedelta(days=1)),
        "week": (week_start(day), week_start(day) + timedelta(days=7)),
        "month": (month_start(day), next_month(day)),
    }
    rows = _rows(figures.items(), day)
    db.execute(
        delete(ReportDaily).where(
            ReportDaily.day == day, ReportDaily.metric.not_in(DISTINCT_METRICS)
        )
    )
    for bucket, (first, after) in buckets.items():
        registrars, units = active(
            db, day_bounds(settings, first)[0], day_bounds(settings, after)[0]
        )
        db.execute(
            delete(ReportDaily).where(
                ReportDaily.day == first,
                ReportDaily.metric.in_(DISTINCT_METRICS),
                ReportDaily.key == bucket,
            )
        )
        rows += _rows(
            [(("registrars_active", bucket), registrars), (("units_active", bucket), units)],
            first,
        )
    db.add_all(rows)
    marker = db.get(ReportDay, day)
    if marker is None:
        db.add(ReportDay(day=day, rolled_at=now))
    else:
        marker.rolled_at = now
    db.commit()
    return len(rows)


def days_to_roll(db: Session, settings: Settings, now: datetime) -> list[date]:
    """Today, and every day within retention not yet counted after it ended."""
    today = now.astimezone(ZoneInfo(settings.office_timezone)).date()
    first = today - timedelta(days=settings.conversation_retention_days - 1)
    final = {
        marker.day
        for marker in db.scalars(select(ReportDay).where(ReportDay.day >= first))
        if _aware(marker.rolled_at) >= day_bounds(settings, marker.day)[1]
    }
    return [
        first + timedelta(days=offset)
        for offset in range((today - first).days + 1)
        if first + timedelta(days=offset) not in final
    ]


def roll_up_due(db: Session, settings: Settings) -> list[date]:
    """Roll up every day that is due (the job's round, the console's "count now")."""
    now = office_hours.now(settings)
    days = days_to_roll(db, settings, now)
    for day in days:
        roll_up_day(db, settings, day, now)
    return days


def report_rollup_job(settings: Settings, sessions: sessionmaker[Session]) -> PeriodicTask:
    """The rollup inside the running backend, one worker per REPORT_ROLLUP_INTERVAL_SECONDS."""
    interval = settings.report_rollup_interval_seconds

    def roll_up_if_my_turn() -> None:
        if claim_turn(sessions, "report_rollup", interval):
            with sessions() as db:
                days = roll_up_due(db, settings)
            log.info("report rollup: %s day(s) counted", len(days))

    return PeriodicTask(
        "report_rollup", lambda: asyncio.to_thread(roll_up_if_my_turn), min(interval, 60.0)
    )
