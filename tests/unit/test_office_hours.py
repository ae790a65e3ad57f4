"""Office hours: Finnish public holidays, the next opening, and what the hand-off says."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from backend.services.office_hours import (
    answer_expected,
    easter_sunday,
    finnish_holidays,
    next_opening,
)
from backend.settings import Settings
from tests.helpers import random_secrets

HELSINKI = ZoneInfo("Europe/Helsinki")


def settings(**changes: object) -> Settings:
    secrets = {name.lower(): value for name, value in random_secrets().items()}
    return Settings(**secrets, **changes)  # type: ignore[arg-type]


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HELSINKI)


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25))],
)  # fmt: skip
def test_easter(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_finnish_holidays_of_2026() -> None:
    assert sorted(finnish_holidays(2026)) == [
        date(2026, 1, 1), date(2026, 1, 6), date(2026, 4, 3), date(2026, 4, 5),
        date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 24),
        date(2026, 6, 19), date(2026, 6, 20), date(2026, 10, 31), date(2026, 12, 6),
        date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("now", "opens"),
    [
        (at(2026, 11, 26, 10, 0), None),  # Thursday morning: open
        (at(2026, 11, 26, 7, 30), at(2026, 11, 26, 9, 0)),  # before opening
        (at(2026, 11, 26, 16, 0), at(2026, 11, 27, 9, 0)),  # closing time is closed
        (at(2026, 11, 27, 17, 0), at(2026, 11, 30, 9, 0)),  # Friday evening: Monday
        (at(2026, 12, 5, 18, 0), at(2026, 12, 7, 9, 0)),  # Independence Day on a Sunday
        (at(2026, 12, 23, 16, 30), at(2026, 12, 28, 9, 0)),  # Christmas: 24–27 closed
        (at(2026, 4, 2, 20, 0), at(2026, 4, 7, 9, 0)),  # Easter: Good Friday to Monday
        (at(2026, 6, 18, 17, 0), at(2026, 6, 22, 9, 0)),  # Midsummer Eve is closed
        (datetime(2026, 11, 26, 6, 59, tzinfo=ZoneInfo("UTC")), at(2026, 11, 26, 9, 0)),
    ],
)
def test_next_opening(now: datetime, opens: datetime | None) -> None:
    assert next_opening(settings(), now) == opens


def test_settings_change_the_hours_days_and_closed_dates() -> None:
    custom = settings(
        office_opens=time(8, 0),
        office_closes=time(20, 0),
        office_weekdays="1,2,3,4,5,6",
        office_closed_dates="2026-11-28,2026-11-30",
    )
    assert next_opening(custom, at(2026, 11, 27, 19, 0)) is None
    assert next_opening(custom, at(2026, 11, 27, 20, 0)) == at(2026, 12, 1, 8, 0)


def test_the_hand_off_says_when_to_expect_an_answer_in_three_languages() -> None:
    closed = settings(office_clock=at(2026, 12, 5, 18, 0))
    assert answer_expected(closed, "fi") == (
        "Asiakaspalvelu on nyt suljettu. Vastausta voit odottaa maanantaina 7.12. "
        "kello 9.00 alkaen."
    )
    assert "måndag den 7.12. klockan 9.00" in answer_expected(closed, "sv")
    assert "Monday 7.12. at 9:00 (Finnish time)" in answer_expected(closed, "en")
    assert answer_expected(closed, "de").startswith("Asiakaspalvelu on nyt suljettu")
    open_ = settings(office_clock="2026-11-26T10:00:00")  # naive: office time
    assert answer_expected(open_, "sv") == (
        "Kundtjänsten är på plats nu, och svaret kommer i den här chatten."
    )
    sundays_only = settings(office_weekdays="7")
    assert next_opening(sundays_only, at(2026, 12, 21, 10, 0)) == at(2026, 12, 27, 9, 0)
    assert answer_expected(settings(office_weekdays=[]), "en") == (
        "Customer service is closed now. We will answer when we are back."
    )
