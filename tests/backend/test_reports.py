"""Staff reports (issue 29): daily rollups equal the raw counts, a day rolls up the same again,
exports hide small counts and hold no personal data, and bad periods are refused."""

import json
import re
import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from stdnum.fi import hetu as stdnum_hetu

from backend import admin, demo_data
from backend.models import (
    AnswerFeedback,
    Conversation,
    Escalation,
    EscalationMessage,
    MessageKind,
    Registrar,
    ReportDaily,
    StaffRequest,
    Unit,
    registrar_units,
)
from backend.services.report_rollup import (
    _within_office_hours,
    day_bounds,
    roll_up_day,
    roll_up_due,
)
from backend.services.reports import Period, build_report, percentile
from backend.settings import Settings
from tests.backend.conftest import Seed, service_headers, staff_login

RASA_EVENTS = (
    "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
    "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
    "action_name VARCHAR(255), data TEXT)"
)
DEMO_HETUS = [customer.hetu for customer in demo_data.CUSTOMERS]
DEMO_EMAILS = [registrar.email for registrar in demo_data.REGISTRARS] + [demo_data.STAFF[0]]
ENTRY = "how-to-register"  # the one entry of the tests' FAQ stub
# Words only the registrars' messages, transcripts and comments hold.
MESSAGE_WORDS = ["rekisteröin", "kirjastokortti", "Pertti", "Poistettava", "Reija", "lukutaito"]


@dataclass
class Tracker:
    """Rasa's tracker store (its `events` table), as the backend reads it."""

    path: Path

    def add(self, sender: str, at: datetime, event: dict) -> None:
        event = {**event, "timestamp": at.timestamp()}
        with sqlite3.connect(self.path) as connection:
            connection.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                (sender, event["event"], at.timestamp(), json.dumps(event)),
            )

    def turn(
        self,
        sender: str,
        at: datetime,
        text: str,
        bot: list[tuple[str | None, str]],
        language: str | None = None,
        channel: str = "widget",
        entry: str | None = None,
    ) -> None:
        """A user message and the bot's lines (utter_action, text) a second later."""
        entities = [{"entity": "language", "value": language}] if language else []
        self.add(
            sender,
            at,
            {
                "event": "user",
                "text": text,
                "parse_data": {"text": text, "entities": entities},
                "metadata": {"request_id": "r", "channel": channel},
            },
        )
        for action, line in bot:
            data = {"custom": {"faq_entry_id": entry}} if action and "answer" in action else {}
            self.add(
                sender,
                at + timedelta(seconds=1),
                {
                    "event": "bot",
                    "text": line,
                    "data": data,
                    "metadata": {"utter_action": action} if action else {},
                },
            )

    def user_events(self, start: datetime, end: datetime) -> list[tuple[str, dict]]:
        with sqlite3.connect(self.path) as connection:
            rows = connection.execute(
                "SELECT sender_id, data FROM events WHERE type_name = 'user' "
                "AND timestamp >= ? AND timestamp < ?",
                (start.timestamp(), end.timestamp()),
            ).fetchall()
        return [(sender, json.loads(data)) for sender, data in rows]


@pytest.fixture
def settings(client: TestClient) -> Settings:
    return client.app.state.settings  # type: ignore[attr-defined]


@pytest.fixture
def tracker(settings: Settings, tmp_path: Path) -> Tracker:
    path = tmp_path / "tracker.db"
    with sqlite3.connect(path) as connection:
        connection.execute(RASA_EVENTS)
    settings.tracker_db = path  # restored after the test by the client fixture
    return Tracker(path)


def today(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.office_timezone)).date()


def _demo(client: TestClient, seed: Seed) -> tuple[Registrar, int]:
    """The DEMO data; its registrar of the library and the school, and the library's id."""
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        demo_data.load(db, seed.security)
        registrar = db.scalar(
            select(Registrar).where(Registrar.email == demo_data.REGISTRARS[1].email)
        )
        library = db.scalar(select(Unit.id).where(Unit.name == demo_data.LIBRARY))
        assert registrar is not None and library is not None
        return registrar, library


@pytest.fixture
def traffic(client: TestClient, seed: Seed, tracker: Tracker, settings: Settings) -> dict:
    """A day's real traffic: chats (tracker events), a hand-off answered by staff, a request
    filed and decided, another left open, and votes."""
    registrar, library = _demo(client, seed)
    seed.staff()
    bound = seed.conversation(registrar_id=registrar.id)
    anonymous = [seed.conversation() for _ in range(2)]
    now = datetime.now(timezone.utc)
    tracker.turn(
        bound,
        now,
        "Miten rekisteröin asiakkaan, jolla on kirjastokortti?",
        [("utter_faq_answer", "Näin rekisteröit."), ("utter_anything_else", "Muuta?")],
        language="fi",
        entry=ENTRY,
    )
    tracker.turn(bound, now, "ok", [("utter_ok", "Selvä.")])  # no language evidence: stays fi
    tracker.turn(
        anonymous[0],
        now,
        "Hur registrerar jag Pertti Poistettava 150162-906P?",
        [("utter_faq_not_covered", "Det täcks inte."), (None, "Se Celianet-ohjeet.")],
        language="sv",
        channel="api",
    )
    tracker.turn(
        anonymous[1],
        now,
        "What about lukutaito tests for Reija rekisteroija@demo.celia.invalid?",
        [("utter_faq_not_covered", "Not covered."), ("utter_offer_handoff", "Pass it on?")],
        language="en",
    )
    service = service_headers(client)
    escalation = client.post(
        "/api/v1/service/escalations",
        json={
            "conversation_id": anonymous[1],
            "reason": "unanswered_question",
            "transcript": "user: What about lukutaito tests for Reija?\nbot: Pass it on?",
            "language": "en",
        },
        headers=service,
    )
    assert escalation.status_code == 201, escalation.text
    filed = client.post(
        "/api/v1/service/reactivation-requests",
        json={"conversation_id": bound, "hetu": "150162-906P", "unit_id": library},
        headers=service,
    )
    assert filed.status_code == 201, filed.text
    open_request = client.post(
        "/api/v1/service/unlock-requests",
        json={"conversation_id": bound, "email": "lukittu@demo.celia.invalid"},
        headers=service,
    )
    assert open_request.status_code == 202, open_request.text
    headers = staff_login(client)
    escalation_id = escalation.json()["id"]
    reply = client.post(
        f"/api/v1/staff/escalations/{escalation_id}/replies",
        json={"text": "Hei Reija, lukutaito ei kuulu Celian rekisteröintiin."},
        headers=headers,
    )
    assert reply.status_code == 201, reply.text
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        reactivation = db.scalar(select(StaffRequest.id).where(StaffRequest.kind == "reactivation"))
    approved = client.post(
        f"/api/v1/staff/requests/{reactivation}/approve", json={"note": "OK"}, headers=headers
    )
    assert approved.status_code == 200, approved.text
    for conversation, helpful, comment in (
        (seed.conversation(), True, None),
        (anonymous[0], True, "Pertti kiittää"),
        (anonymous[1], False, "Ei auttanut, rekisteroija@demo.celia.invalid 120475-901C"),
    ):
        vote = client.post(
            "/api/v1/feedback",
            json={
                "conversation_id": conversation,
                "entry_id": ENTRY,
                "answer_id": seed.security.answer_id(conversation, ENTRY),
                "helpful": helpful,
                "comment": comment,
            },
        )
        assert vote.status_code in (200, 201), vote.text
    return {"headers": headers, "day": today(settings)}


def rollup_rows(client: TestClient, day: date) -> dict[tuple[str, str], int]:
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        return {
            (row.metric, row.key): row.value
            for row in db.scalars(select(ReportDaily).where(ReportDaily.day == day))
        }


def roll(client: TestClient, day: date) -> None:
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        roll_up_day(db, client.app.state.settings, day)  # type: ignore[attr-defined]


def test_rollup_equals_the_raw_counts_of_the_day(
    client: TestClient, traffic: dict, tracker: Tracker, settings: Settings
) -> None:
    day = traffic["day"]
    roll(client, day)
    rows = rollup_rows(client, day)
    start, end = day_bounds(settings, day)

    user_events = tracker.user_events(start, end)
    assert sum(v for (m, _), v in rows.items() if m == "turns") == len(user_events)
    assert sum(v for (m, _), v in rows.items() if m == "conversations") == len(
        {sender for sender, _ in user_events}
    )
    assert rows["turns", "fi|widget"] == 2 and rows["conversations", "fi|widget"] == 1
    assert rows["conversations", "sv|api"] == 1 and rows["conversations", "en|widget"] == 1
    assert rows["faq_outcome", "answered"] == 1
    assert rows["faq_outcome", "related_only"] == 1
    assert rows["faq_outcome", "refused"] == 1
    assert rows["entry_asked", ENTRY] == 1

    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        in_day = (Escalation.created_at >= start, Escalation.created_at < end)
        assert rows["handoffs", "unanswered_question"] == db.scalar(
            select(func.count()).where(*in_day)
        )
        replies = db.scalar(
            select(func.count(func.distinct(EscalationMessage.escalation_id))).where(
                EscalationMessage.kind == MessageKind.reply
            )
        )
        assert sum(v for (m, _), v in rows.items() if m == "handoff_wait") == replies == 1
        assert sum(v for (m, _), v in rows.items() if m == "unanswered") == 1
        filed = Counter(db.scalars(select(StaffRequest.kind)))
        assert {k: v for (m, k), v in rows.items() if m == "requests_filed"} == {
            kind.value: count for kind, count in filed.items()
        }
        assert rows["requests_decided", "reactivation:approved"] == 1
        assert (
            rows["requests_open", "unlock"] == 1 and ("requests_open", "reactivation") not in rows
        )
        votes = Counter(
            (entry, helpful)
            for entry, helpful in db.execute(
                select(AnswerFeedback.entry_id, AnswerFeedback.helpful)
            )
        )
        assert rows["votes", f"{ENTRY}:yes"] == votes[ENTRY, True] == 2
        assert rows["votes", f"{ENTRY}:no"] == votes[ENTRY, False] == 1
        assert rows["registrars_new", ""] == db.scalar(select(func.count(Registrar.id)))
        # The bound registrar chatted and filed; the locked one asked to be unlocked.
        chatted = db.scalars(select(Conversation.registrar_id).where(Conversation.registrar_id > 0))
        active = {*chatted, *db.scalars(select(StaffRequest.registrar_id))}
        assert rows["registrars_active", "day"] == len(active) == 2
        units = set(
            db.scalars(
                select(registrar_units.c.unit_id).where(registrar_units.c.registrar_id.in_(active))
            )
        )
        assert rows["units_active", "day"] == len(units) == 2

    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        tables = {table.name: table for table in build_report(db, Period(day, day))}
    outcomes = tables["faq_outcomes"]
    assert outcomes.rows[-2] == ["Yhteensä", 1, 1, 1, 1]
    assert tables["handoffs"].rows[-1][:3] == ["Yhteensä", 1, 1]
    assert tables["entries"].rows[0][:5] == [ENTRY, 1, 100.0, 2, 1]


def test_rolling_a_day_up_again_changes_nothing(
    client: TestClient, traffic: dict, settings: Settings
) -> None:
    day = traffic["day"]
    roll(client, day)
    first = rollup_rows(client, day)
    roll(client, day)
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        roll_up_due(db, settings)
    assert rollup_rows(client, day) == first
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        duplicates = db.execute(
            select(ReportDaily.metric, ReportDaily.day, ReportDaily.key)
            .group_by(ReportDaily.metric, ReportDaily.day, ReportDaily.key)
            .having(func.count() > 1)
        ).all()
    assert duplicates == []


def test_a_day_without_traffic_rolls_up_to_zeros(client: TestClient, settings: Settings) -> None:
    """No tracker store yet (Rasa never started) and an empty database: nothing to count."""
    settings.tracker_db = Path("/nonexistent/tracker.db")
    day = today(settings) - timedelta(days=3)
    roll(client, day)
    assert rollup_rows(client, day) == {}


def _export(client: TestClient, day: date, path: str = "export.csv", **params: str) -> str:
    response = client.get(
        f"/api/v1/staff/reports/{path}", params={"from": str(day), "to": str(day), **params}
    )
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    assert response.headers["content-type"].startswith("text/csv")
    return response.content.decode("utf-8-sig")


def test_small_counts_are_hidden_in_exports(
    client: TestClient, traffic: dict, settings: Settings, seed: Seed
) -> None:
    day = traffic["day"]
    for number in range(5):
        seed.registrar(f"uusi{number}@example.org")
    roll(client, day)
    lines = _export(client, day, "registrars.csv").splitlines()
    # Two active registrars and two units could point at people; nine new accounts do not.
    assert lines[2] == f"{day},< 5,9,< 5"
    requests = _export(client, day, "requests.csv")
    assert "Asiakkuuden aktivointi,< 5,< 5,0," in requests
    # Where nobody can be singled out the counts are exact: the FAQ outcomes.
    assert f"{day},1,1,1,1" in _export(client, day, "faq_outcomes.csv")
    settings.report_small_count_threshold = 1
    assert f"{day},2,9,2" in _export(client, day, "registrars.csv")
    page = client.get("/api/v1/staff/reports", params={"from": str(day), "to": str(day)}).json()
    registrars = next(table for table in page["tables"] if table["name"] == "registrars")
    assert registrars["rows"][0] == [str(day), 2, 9, 2]  # the console shows exact counts


def test_exports_hold_no_personal_data(client: TestClient, traffic: dict) -> None:
    day = traffic["day"]
    roll(client, day)
    period = {"from": str(day - timedelta(days=6)), "to": str(day)}
    one_day = {"from": str(day), "to": str(day)}
    texts = [
        _export(client, day),
        _export(client, day, decimal="comma"),
        client.get("/api/v1/staff/reports", params=period).text,
    ]
    charts = ("usage", "faq_outcomes", "entries", "handoff_hours", "requests", "registrars")
    for name, params in [(name, period) for name in charts] + [("entries", one_day)]:
        chart = client.get(f"/api/v1/staff/reports/{name}.svg", params=params)
        assert chart.status_code == 200 and chart.headers["content-type"] == "image/svg+xml"
        assert 'class="no_data"' not in chart.text, name  # every chart here has figures
        texts.append(chart.text)
    everything = "\n".join(texts)
    assert everything.count("Yhteensä") >= 4  # the exports are not empty
    for secret in [*DEMO_HETUS, *DEMO_EMAILS, *MESSAGE_WORDS]:
        assert secret.casefold() not in everything.casefold(), secret
    shaped = re.findall(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", everything)  # charts' ids may match
    assert not [text for text in shaped if stdnum_hetu.is_valid(text, allow_temporary=True)]
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", everything)  # any address


def test_a_bad_period_is_refused_with_a_reason(client: TestClient, seed: Seed) -> None:
    seed.staff()
    staff_login(client)
    backwards = client.get(
        "/api/v1/staff/reports", params={"from": "2026-05-02", "to": "2026-05-01"}
    )
    assert backwards.status_code == 422
    assert (
        backwards.json()["detail"] == "The period starts (2026-05-02) after it ends (2026-05-01)."
    )
    too_long = client.get(
        "/api/v1/staff/reports", params={"from": "2020-01-01", "to": "2026-01-01"}
    )
    assert too_long.status_code == 422 and "at most 1098 days" in too_long.json()["detail"]
    not_a_date = client.get(
        "/api/v1/staff/reports/export.csv", params={"from": "eilen", "to": "2026-01-01"}
    )
    assert not_a_date.status_code == 422 and "from" in not_a_date.text
    missing = client.get("/api/v1/staff/reports", params={"from": "2026-01-01"})
    assert missing.status_code == 422
    unknown = client.get(
        "/api/v1/staff/reports/nope.csv", params={"from": "2026-01-01", "to": "2026-01-02"}
    )
    assert unknown.status_code == 404
    no_chart = client.get(
        "/api/v1/staff/reports/growing_entries.svg",
        params={"from": "2026-01-01", "to": "2026-01-02"},
    )
    assert no_chart.status_code == 404


def test_refresh_counts_today_for_the_console(client: TestClient, traffic: dict) -> None:
    day = traffic["day"]
    headers = traffic["headers"]
    assert client.post("/api/v1/staff/reports/refresh", headers={}).status_code == 403  # CSRF
    refreshed = client.post("/api/v1/staff/reports/refresh", headers=headers)
    assert refreshed.status_code == 200 and str(day) in refreshed.json()["days"]
    report = client.get("/api/v1/staff/reports", params={"from": str(day), "to": str(day)}).json()
    assert report["bucket"] == "day" and report["counted_at"] is not None
    usage = next(table for table in report["tables"] if table["name"] == "usage")
    assert usage["rows"] == [[str(day), 3, 4], ["Yhteensä", 3, 4]]


def test_buckets_follow_the_period() -> None:
    assert Period.of(date(2026, 12, 1), date(2026, 12, 31)).bucket == "day"
    weeks = Period.of(date(2026, 10, 1), date(2026, 12, 31))
    assert weeks.bucket == "week" and weeks.label(weeks.buckets()[0]) == "2026-W40"
    year = Period.of(date(2026, 1, 1), date(2026, 12, 31))
    assert year.bucket == "month" and len(year.buckets()) == 12
    assert year.previous() == Period(date(2025, 1, 1), date(2025, 12, 31))


def test_the_admin_command_writes_the_same_csv(
    client: TestClient, traffic: dict, settings: Settings
) -> None:
    day = traffic["day"]
    argv = ["report", "--from", str(day), "--to", str(day), "--format", "csv"]
    fresh = admin.run([*argv, "--refresh"], settings)  # counts today first
    assert fresh.startswith("\ufeff") and f"{day},1,1,1,1" in fresh
    assert (
        fresh.encode()
        == client.get(
            "/api/v1/staff/reports/export.csv", params={"from": str(day), "to": str(day)}
        ).content
    )
    comma = admin.run([*argv, "--decimal-comma"], settings)
    assert "Osuus %;25,0;25,0;25,0;25,0" in comma
    with pytest.raises(admin.CommandError, match=r"starts .* after it ends"):
        admin.run(["report", "--from", str(day), "--to", str(day - timedelta(days=1))], settings)


def test_workers_counting_the_same_day_at_once_agree(client: TestClient, traffic: dict) -> None:
    """Two workers (the job and a "count now") rolling the day up together: neither fails, and
    the rows are those of one roll."""
    day = traffic["day"]
    roll(client, day)
    alone = rollup_rows(client, day)
    with ThreadPoolExecutor(max_workers=2) as workers:
        for done in [workers.submit(roll, client, day) for _ in range(8)]:
            done.result()  # raises what the worker raised
    assert rollup_rows(client, day) == alone


def test_answered_within_office_hours_means_before_that_office_day_closed() -> None:
    settings = Settings(service_token="s" * 32, hetu_hmac_key="h" * 32, session_secret="x" * 32)
    zone = ZoneInfo(settings.office_timezone)

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 12, day, hour, minute, tzinfo=zone)

    # Friday evening, closed: the office day is Monday's (opens 9, closes 16).
    assert _within_office_hours(settings, at(4, 17), at(7, 10))
    assert not _within_office_hours(settings, at(4, 17), at(7, 16, 30))
    # Monday morning, open: answered the same afternoon, or not until Tuesday.
    assert _within_office_hours(settings, at(7, 10), at(7, 15, 59))
    assert not _within_office_hours(settings, at(7, 10), at(8, 9, 30))


def test_percentiles_are_nearest_rank_over_counted_values() -> None:
    waits = Counter({1: 5, 10: 4, 100: 1})  # ten hand-offs: five waited 1 min, one 100 min
    assert percentile(waits, 0.5) == 1
    assert percentile(waits, 0.9) == 10
    assert percentile(Counter({7: 1}), 0.9) == 7
    assert percentile(Counter(), 0.5) is None
