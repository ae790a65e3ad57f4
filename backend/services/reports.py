"""The staff reports for a period, computed from the daily rollups (report_rollup.py) only.

Each report is a `Table`: the same figures feed the console's data table, its chart and the
CSV export. Buckets are days for a period up to a month, weeks up to half a year, else months.
Counts only: no report holds a hetu, an address, a name or a message's words. In exports a
count below REPORT_SMALL_COUNT_THRESHOLD is written "< N" in the columns that could single out
a unit or a registrar (`small`).
"""

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import ReportDaily, ReportDay, RequestKind
from backend.services.report_rollup import (
    CHANNELS,
    LANGUAGES,
    month_start,
    next_month,
    week_start,
)

MAX_PERIOD_DAYS = 3 * 366
Bucket = Literal["day", "week", "month"]
Cell = str | int | float | None

OUTCOMES = {
    "answered": "Vastattu",
    "related_only": "Vain aiheeseen liittyvä",
    "refused": "Ei katettu",
    "handed_over": "Välitetty ihmiselle",
}
LANGUAGE_NAMES = {"fi": "suomi", "sv": "ruotsi", "en": "englanti"}
CHANNEL_NAMES = {"widget": "chat-ikkuna", "api": "rajapinta"}
KIND_NAMES = {
    "reactivation": "Asiakkuuden aktivointi",
    "unlock": "Tunnuksen lukituksen avaus",
    "delivery_change": "CD-lainaajasta verkkokäyttäjäksi",
    "registrar_removal": "Rekisteröijän poisto",
}
WEEKDAYS = ("ma", "ti", "ke", "to", "pe", "la", "su")
TOP_ENTRIES = 10
GROWING_ENTRIES = 5
TOTAL = "Yhteensä"


class PeriodError(ValueError):
    """A period the reports cannot be made for; the message says why."""


@dataclass(frozen=True)
class Period:
    """Office-time days `first` to `last`, both included."""

    first: date
    last: date

    @classmethod
    def of(cls, first: date, last: date) -> "Period":
        if first > last:
            raise PeriodError(f"The period starts ({first}) after it ends ({last}).")
        if (last - first).days + 1 > MAX_PERIOD_DAYS:
            raise PeriodError(
                f"A report covers at most {MAX_PERIOD_DAYS} days; choose a shorter period."
            )
        return cls(first, last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def bucket(self) -> Bucket:
        return "day" if self.days <= 31 else "week" if self.days <= 183 else "month"

    def bucket_of(self, day: date) -> date:
        return {"day": day, "week": week_start(day), "month": month_start(day)}[self.bucket]

    def buckets(self) -> list[date]:
        starts = []
        current = self.bucket_of(self.first)
        while current <= self.last:
            starts.append(current)
            current = (
                current + timedelta(days=1)
                if self.bucket == "day"
                else current + timedelta(days=7)
                if self.bucket == "week"
                else next_month(current)
            )
        return starts

    def label(self, start: date) -> str:
        if self.bucket == "day":
            return start.isoformat()
        if self.bucket == "week":
            year, week, _ = start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{start:%Y-%m}"

    def previous(self) -> "Period":
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


ChartKind = Literal["bar", "stacked", "line", "horizontal", "punchcard"]


@dataclass
class Table:
    """One report: a caption, column headings, rows, and how to draw it."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # Columns whose small counts are hidden in exports (they could single out a person).
    small: frozenset[int] = frozenset()
    chart: ChartKind | None = None
    # Which columns the chart draws (the first column labels the x axis).
    series: Sequence[int] = ()
    note: str = ""


Sums = dict[date, Counter[str]]


def _sums(db: Session, metric: str, period: Period) -> Sums:
    """Bucket start -> key -> summed value of one metric over the bucket's days.

    On the session's connection, not through the ORM: a year of a metric is thousands of rows
    (waiting minutes per day), and the ORM's row handling was most of the report's time."""
    rows = db.connection().execute(  # (metric, day, key) is the key: one row each, no GROUP BY
        select(ReportDaily.day, ReportDaily.key, ReportDaily.value).where(
            ReportDaily.metric == metric,
            ReportDaily.day >= period.first,
            ReportDaily.day <= period.last,
        )
    )
    sums: Sums = defaultdict(Counter)
    buckets: dict[date, date] = {}
    for day, key, value in rows:
        start = buckets.get(day) or buckets.setdefault(day, period.bucket_of(day))
        sums[start][key] += int(value)
    return sums


def _merged(sums: Sums, starts: Iterable[date]) -> Counter[str]:
    """key -> value summed over the given buckets."""
    merged: Counter[str] = Counter()
    for start in starts:
        merged.update(sums.get(start, Counter()))
    return merged


def _totals(db: Session, metric: str, period: Period) -> Counter[str]:
    """key -> summed value of one metric over the whole period."""
    rows = db.connection().execute(
        select(ReportDaily.key, func.sum(ReportDaily.value))
        .where(
            ReportDaily.metric == metric,
            ReportDaily.day >= period.first,
            ReportDaily.day <= period.last,
        )
        .group_by(ReportDaily.key)
    )
    return Counter({key: int(value) for key, value in rows})


def percentile(histogram: Counter[int], share: float) -> int | None:
    """The nearest-rank percentile of values given as value -> how many times."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, -(-int(share * 100) * total // 100))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


def usage(db: Session, period: Period) -> list[Table]:
    conversations = _sums(db, "conversations", period)
    turns = _sums(db, "turns", period)
    series = Table(
        "usage",
        "Keskustelut ja viestit",
        ["Jakso", "Keskustelut", "Viestit"],
        chart="bar",
        series=(1, 2),
        note="Keskustelu lasketaan kunakin päivänä, jona siinä kirjoitettiin; viesti on "
        "rekisteröijän yksi viesti avustajalle.",
    )
    for start in period.buckets():
        series.rows.append(
            [
                period.label(start),
                conversations.get(start, Counter()).total(),
                turns.get(start, Counter()).total(),
            ]
        )
    series.rows.append(
        [
            TOTAL,
            sum(counts.total() for counts in conversations.values()),
            sum(counts.total() for counts in turns.values()),
        ]
    )
    by_language = Table(
        "usage_by_language",
        "Keskustelut ja viestit kielen ja kanavan mukaan",
        ["Kieli", "Kanava", "Keskustelut", "Viestit"],
        chart="horizontal",
        series=(2, 3),
    )
    conversation_totals = _totals(db, "conversations", period)
    turn_totals = _totals(db, "turns", period)
    for language in LANGUAGES:
        for channel in CHANNELS:
            key = f"{language}|{channel}"
            by_language.rows.append(
                [
                    LANGUAGE_NAMES[language],
                    CHANNEL_NAMES[channel],
                    conversation_totals[key],
                    turn_totals[key],
                ]
            )
    return [series, by_language]


def faq_outcomes(db: Session, period: Period) -> list[Table]:
    outcomes = _sums(db, "faq_outcome", period)
    handoffs = _sums(db, "handoffs", period)
    table = Table(
        "faq_outcomes",
        "FAQ:n tulos",
        ["Jakso", *OUTCOMES.values()],
        chart="stacked",
        series=(1, 2, 3, 4),
        note="Vastattu: FAQ-vastaus. Vain aiheeseen liittyvä: ei vastausta, mutta ohjaus "
        "lähteeseen. Ei katettu: aineisto ei kata kysymystä. Välitetty ihmiselle: keskustelu "
        "siirtyi asiakaspalvelulle.",
    )
    totals: Counter[str] = Counter()
    for start in period.buckets():
        row: list[Cell] = [period.label(start)]
        for outcome in OUTCOMES:
            if outcome == "handed_over":
                value = handoffs.get(start, Counter()).total()
            else:
                value = outcomes.get(start, Counter())[outcome]
            totals[outcome] += value
            row.append(value)
        table.rows.append(row)
    table.rows.append([TOTAL, *(totals[outcome] for outcome in OUTCOMES)])
    whole = sum(totals.values())
    table.rows.append(["Osuus %", *(_share(totals[outcome], whole) for outcome in OUTCOMES)])
    return [table]


def entries(db: Session, period: Period) -> list[Table]:
    asked = _totals(db, "entry_asked", period)
    before = _totals(db, "entry_asked", period.previous())
    votes = _totals(db, "votes", period)
    whole, whole_before = sum(asked.values()), sum(before.values())

    def growth(entry: str) -> float:
        now = asked[entry] / whole if whole else 0.0
        then = before[entry] / whole_before if whole_before else 0.0
        return round(100 * (now - then), 1)

    top = Table(
        "entries",
        f"Kysytyimmät FAQ-merkinnät ({TOP_ENTRIES} eniten)",
        ["Merkintä", "Vastauksia", "Osuus %", "Auttoi", "Ei auttanut", "Osuuden muutos %-yks."],
        chart="horizontal",
        series=(1,),
        note="Muutos verrattuna yhtä pitkään edeltävään jaksoon.",
    )
    for entry, count in sorted(asked.items(), key=lambda item: (-item[1], item[0]))[:TOP_ENTRIES]:
        top.rows.append(
            [
                entry,
                count,
                _share(count, whole),
                votes[f"{entry}:yes"],
                votes[f"{entry}:no"],
                growth(entry),
            ]
        )
    growing = Table(
        "growing_entries",
        "Merkinnät, joiden osuus kasvaa",
        ["Merkintä", "Osuus %", "Osuus edellisellä jaksolla %", "Muutos %-yks."],
        note="Yhtä pitkään edeltävään jaksoon verrattuna eniten kasvaneet.",
    )
    rising = sorted(
        (entry for entry in asked if growth(entry) > 0), key=lambda entry: (-growth(entry), entry)
    )
    for entry in rising[:GROWING_ENTRIES]:
        growing.rows.append(
            [entry, _share(asked[entry], whole), _share(before[entry], whole_before), growth(entry)]
        )
    return [top, growing]


def unanswered(db: Session, period: Period) -> list[Table]:
    groups = _sums(db, "unanswered", period)
    table = Table(
        "unanswered",
        "Kysymykset, joihin FAQ ei vastannut",
        ["Jakso", "Kysymyksiä", "Erilaisia kysymyksiä", "Toistuneita kysymyksiä"],
        chart="bar",
        series=(1, 2),
        note="Samanlaiset kysymykset ryhmitellään kuten Vastaamattomat kysymykset -sivulla; "
        "raportti ei sisällä kysymysten sanoja.",
    )
    for start in period.buckets():
        counts = list(groups.get(start, Counter()).values())
        table.rows.append(
            [period.label(start), sum(counts), len(counts), sum(1 for v in counts if v > 1)]
        )
    whole = _totals(db, "unanswered", period)
    table.rows.append(
        [TOTAL, sum(whole.values()), len(whole), sum(1 for v in whole.values() if v > 1)]
    )
    return [table]


def handoffs(db: Session, period: Period) -> list[Table]:
    filed = _sums(db, "handoffs", period)
    answered = _sums(db, "handoffs_answered", period)
    waits = _sums(db, "handoff_wait", period)
    table = Table(
        "handoffs",
        "Siirrot asiakaspalvelulle",
        [
            "Jakso",
            "Siirtoja",
            "Vastattuja",
            "Vastattu samana aukiolopäivänä %",
            "Odotus, mediaani (min)",
            "Odotus, 90 % (min)",
        ],
        chart="bar",
        series=(1, 2),
        note="Vastattu: ensimmäinen vastaus lähti jakson aikana; odotus siirrosta ensimmäiseen "
        "vastaukseen. Samana aukiolopäivänä: ennen asiakaspalvelun sulkeutumista sinä "
        "aukiolopäivänä, jona siirto tuli (tai seuraavana, jos se tuli suljettuna).",
    )

    def row(label: str, starts: list[date]) -> list[Cell]:
        histogram = Counter({int(key): value for key, value in _merged(waits, starts).items()})
        replies = _merged(answered, starts)
        done = replies.total()
        return [
            label,
            _merged(filed, starts).total(),
            done,
            _share(replies["office_hours"], done),
            percentile(histogram, 0.5),
            percentile(histogram, 0.9),
        ]

    for start in period.buckets():
        table.rows.append(row(period.label(start), [start]))
    table.rows.append(row(TOTAL, period.buckets()))
    hours = Table(
        "handoff_hours",
        "Siirrot viikonpäivän ja kellonajan mukaan",
        ["Viikonpäivä", *(f"{hour:02d}" for hour in range(24))],
        chart="punchcard",
        series=tuple(range(1, 25)),
        note="Siirtojen määrä kunakin tuntina (Suomen aikaa); kuva näyttää, milloin "
        "asiakaspalvelua tarvitaan.",
    )
    how = _totals(db, "handoffs_how", period)
    for number, weekday in enumerate(WEEKDAYS, start=1):
        hours.rows.append([weekday, *(how[f"{number}-{hour:02d}"] for hour in range(24))])
    return [table, hours]


def requests(db: Session, period: Period) -> list[Table]:
    filed = _totals(db, "requests_filed", period)
    decided = _totals(db, "requests_decided", period)
    decisions = _totals(db, "request_decision", period)
    last_rolled = db.scalar(
        select(func.max(ReportDay.day)).where(
            ReportDay.day >= period.first, ReportDay.day <= period.last
        )
    )
    backlog = (
        _totals(db, "requests_open", Period(last_rolled, last_rolled)) if last_rolled else Counter()
    )
    table = Table(
        "requests",
        "Pyynnöt lajeittain",
        [
            "Laji",
            "Jätetty",
            "Hyväksytty",
            "Hylätty",
            "Päätökseen, mediaani (h)",
            "Päätökseen, 90 % (h)",
            "Avoinna jakson lopussa",
        ],
        small=frozenset({1, 2, 3, 6}),
        chart="bar",
        series=(1, 2, 3),
        note="Päätökseen: jätöstä päätökseen, jakson aikana päätetyistä.",
    )
    overall: Counter[int] = Counter()
    for kind in RequestKind:
        histogram: Counter[int] = Counter()
        for key, value in decisions.items():
            name, minutes = key.rsplit(":", 1)
            if name == kind.value:
                histogram[int(minutes)] += value
        overall.update(histogram)
        table.rows.append(
            [
                KIND_NAMES[kind.value],
                filed[kind.value],
                decided[f"{kind.value}:approved"],
                decided[f"{kind.value}:denied"],
                _hours(percentile(histogram, 0.5)),
                _hours(percentile(histogram, 0.9)),
                backlog[kind.value],
            ]
        )
    table.rows.append(
        [
            TOTAL,
            sum(filed.values()),
            sum(v for k, v in decided.items() if k.endswith(":approved")),
            sum(v for k, v in decided.items() if k.endswith(":denied")),
            _hours(percentile(overall, 0.5)),
            _hours(percentile(overall, 0.9)),
            sum(backlog.values()),
        ]
    )
    return [table]


def registrars(db: Session, period: Period) -> list[Table]:
    new = _sums(db, "registrars_new", period)
    bucket = period.bucket
    distinct = db.execute(
        select(ReportDaily.metric, ReportDaily.day, ReportDaily.value).where(
            ReportDaily.metric.in_(("registrars_active", "units_active")),
            ReportDaily.key == bucket,
            ReportDaily.day >= period.bucket_of(period.first),
            ReportDaily.day <= period.last,
        )
    )
    counts = {(metric, day): value for metric, day, value in distinct}
    table = Table(
        "registrars",
        "Rekisteröijät ja yksiköt",
        ["Jakso", "Aktiivisia rekisteröijiä", "Uusia tunnuksia", "Yksiköitä, joissa toimintaa"],
        small=frozenset({1, 2, 3}),
        chart="line",
        series=(1, 2, 3),
        note="Aktiivinen: keskusteli avustajan kanssa kirjautuneena, jätti pyynnön tai teki "
        "kirjatun toimen jakson aikana; kukin lasketaan jaksossa kerran (viikko ja kuukausi "
        "kokonaisina).",
    )
    for start in period.buckets():
        table.rows.append(
            [
                period.label(start),
                counts.get(("registrars_active", start), 0),
                new.get(start, Counter()).total(),
                counts.get(("units_active", start), 0),
            ]
        )
    return [table]


Builder = Callable[[Session, Period], list[Table]]
# The report each name belongs to, in the page's order; a builder makes all of its reports.
BUILDERS: dict[str, Builder] = {
    "usage": usage,
    "usage_by_language": usage,
    "faq_outcomes": faq_outcomes,
    "entries": entries,
    "growing_entries": entries,
    "unanswered": unanswered,
    "handoffs": handoffs,
    "handoff_hours": handoffs,
    "requests": requests,
    "registrars": registrars,
}


def build_report(db: Session, period: Period) -> list[Table]:
    """Every report of the period, in the page's order."""
    return [table for build in dict.fromkeys(BUILDERS.values()) for table in build(db, period)]


def counted_at(db: Session, period: Period) -> datetime | None:
    """When the period's latest rolled-up day was counted (None: no day is yet)."""
    return db.scalar(
        select(ReportDay.rolled_at)
        .where(ReportDay.day >= period.first, ReportDay.day <= period.last)
        .order_by(ReportDay.day.desc())
        .limit(1)
    )


def find_table(db: Session, period: Period, name: str) -> Table | None:
    """One report, computing only it and its siblings (a chart asks for one)."""
    build = BUILDERS.get(name)
    return None if build is None else next(t for t in build(db, period) if t.name == name)


def _cell(value: Cell, small: bool, threshold: int, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if small and isinstance(value, int) and 0 < value < threshold:
        return f"< {threshold}"
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if decimal_comma else text
    return str(value)


def to_csv(
    tables: Sequence[Table], period: Period, threshold: int, decimal_comma: bool = False
) -> str:
    """The tables as CSV (a title line before each), with a BOM so that Excel reads UTF-8;
    with a decimal comma the fields are separated by semicolons, as Finnish Excel expects."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([f"{table.title} {period.first.isoformat()}–{period.last.isoformat()}"])
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow(
                [
                    _cell(value, column in table.small, threshold, decimal_comma)
                    for column, value in enumerate(row)
                ]
            )
    return out.getvalue()
