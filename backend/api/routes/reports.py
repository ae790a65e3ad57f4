"""The staff reports (agents and admins): figures, charts and CSV exports for a period.

The figures come from the daily rollups (backend/services/report_rollup.py, reports.py);
this module only speaks HTTP.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from backend.api.auth import CurrentStaff
from backend.api.deps import SessionDep, SettingsDep
from backend.services.errors import Invalid, NotFound
from backend.services.report_charts import chart_svg
from backend.services.report_rollup import roll_up_due
from backend.services.reports import (
    Cell,
    Period,
    PeriodError,
    Table,
    build_report,
    counted_at,
    find_table,
    to_csv,
)

router = APIRouter(prefix="/api/v1/staff/reports", tags=["staff"])

First = Annotated[date, Query(alias="from", description="First day (YYYY-MM-DD), included")]
Last = Annotated[date, Query(alias="to", description="Last day (YYYY-MM-DD), included")]
Decimal = Annotated[Literal["point", "comma"], Query(description="comma: 1,5 and ';' fields")]
NO_STORE = {"Cache-Control": "no-store"}


def _period(first: date, last: date) -> Period:
    try:
        return Period.of(first, last)
    except PeriodError as error:
        raise Invalid(str(error)) from error


class TableOut(BaseModel):
    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    chart: bool
    note: str


class ReportOut(BaseModel):
    first: date
    last: date
    bucket: str
    counted_at: datetime | None  # when the latest day of the period was rolled up
    tables: list[TableOut]


def _out(table: Table) -> TableOut:
    return TableOut(
        name=table.name,
        title=table.title,
        columns=table.columns,
        rows=table.rows,
        chart=table.chart is not None,
        note=table.note,
    )


@router.get("", response_model=ReportOut)
def report(context: CurrentStaff, db: SessionDep, first: First, last: Last) -> ReportOut:
    """Every report of the period, as tables (the charts and exports hold the same figures)."""
    period = _period(first, last)
    return ReportOut(
        first=period.first,
        last=period.last,
        bucket=period.bucket,
        counted_at=counted_at(db, period),
        tables=[_out(table) for table in build_report(db, period)],
    )


def _csv(text: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
    )


@router.get("/export.csv", response_class=Response)
def export_all(
    context: CurrentStaff,
    db: SessionDep,
    settings: SettingsDep,
    first: First,
    last: Last,
    decimal: Decimal = "point",
) -> Response:
    """Every report of the period in one CSV file (UTF-8 with BOM; small counts hidden)."""
    period = _period(first, last)
    text = to_csv(
        build_report(db, period), period, settings.report_small_count_threshold, decimal == "comma"
    )
    return _csv(text, f"celia-raportit-{period.first}-{period.last}.csv")


def _table(db: SessionDep, period: Period, name: str) -> Table:
    table = find_table(db, period, name)
    if table is None:
        raise NotFound(f"There is no report called {name!r}.")
    return table


@router.get("/{name}.csv", response_class=Response)
def export_one(
    context: CurrentStaff,
    db: SessionDep,
    settings: SettingsDep,
    name: str,
    first: First,
    last: Last,
    decimal: Decimal = "point",
) -> Response:
    """One report of the period as CSV (UTF-8 with BOM; small counts hidden)."""
    period = _period(first, last)
    table = _table(db, period, name)
    text = to_csv([table], period, settings.report_small_count_threshold, decimal == "comma")
    return _csv(text, f"celia-{name}-{period.first}-{period.last}.csv")


@router.get("/{name}.svg", response_class=Response)
def chart(context: CurrentStaff, db: SessionDep, name: str, first: First, last: Last) -> Response:
    """One report's chart (SVG); its figures are the report's table."""
    period = _period(first, last)
    table = _table(db, period, name)
    if table.chart is None:
        raise NotFound(f"The {name!r} report has no chart.")
    return Response(chart_svg(table), media_type="image/svg+xml", headers=NO_STORE)


class RefreshOut(BaseModel):
    days: list[date]


@router.post("/refresh", response_model=RefreshOut)
def refresh(context: CurrentStaff, db: SessionDep, settings: SettingsDep) -> RefreshOut:
    """Count today (and any day due) now rather than at the rollup job's next round."""
    return RefreshOut(days=roll_up_due(db, settings))
