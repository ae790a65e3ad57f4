"""The hetu table: python-stdnum rules with temporary numbers, 2023 century signs and no future."""

from datetime import date, timedelta

import pytest

from privacy.hetu import InvalidHetu, age_on, birth_date, canonical, mask
from tests.backend.conftest import make_hetu

VALID = [
    ("131052-308T", date(1952, 10, 13)),
    (make_hetu(date(1980, 1, 1), 900), date(1980, 1, 1)),  # temporary range 900–999
    (make_hetu(date(1980, 1, 1), 999), date(1980, 1, 1)),
    (make_hetu(date(1899, 12, 31), 123, "+"), date(1899, 12, 31)),
    (make_hetu(date(2010, 5, 17), 456, "A"), date(2010, 5, 17)),
    *[(make_hetu(date(1994, 5, 1), 903, sign), date(1994, 5, 1)) for sign in "YXWVU"],
    *[(make_hetu(date(2005, 5, 1), 203, sign), date(2005, 5, 1)) for sign in "BCDEF"],
    (make_hetu(date(2000, 2, 29), 123, "A"), date(2000, 2, 29)),  # a leap day
]

INVALID = [
    ("131052-308U", "check character"),  # wrong checksum
    ("310252-308Y", "impossible date"),  # 31 February
    ("290201-1234", "impossible date"),  # 2001 was no leap year (whatever the checksum)
    ("131352-308T", "impossible date"),  # month 13
    ("131052-001T", "impossible"),  # individual numbers start at 002
    ("131052G308T", "DDMMYY"),  # no such century sign
    ("13105-308T", "DDMMYY"),
    ("131052-308", "DDMMYY"),
    ("1310523308T", "DDMMYY"),
    ("'; DROP TABLE customers;--", "DDMMYY"),
    (make_hetu(date.today() + timedelta(days=1), 123, "A"), "future"),
]


@pytest.mark.parametrize(("number", "born"), VALID)
def test_valid_hetus(number: str, born: date) -> None:
    assert canonical(number) == number
    assert birth_date(number) == born


def test_lower_case_and_spaces_around_are_accepted() -> None:
    assert canonical("  131052-308t ") == "131052-308T"


@pytest.mark.parametrize(("number", "reason"), INVALID)
def test_invalid_hetus_say_why_without_repeating_it(number: str, reason: str) -> None:
    with pytest.raises(InvalidHetu) as error:
        canonical(number)
    assert reason in str(error.value)
    assert number not in str(error.value)


def test_mask_keeps_only_the_birth_date_and_sign() -> None:
    assert mask("131052-308T") == "131052-****"
    assert mask(make_hetu(date(2010, 5, 17), 456, "B")) == "170510B****"


def test_age_turns_on_the_birthday() -> None:
    number = make_hetu(date(2010, 5, 17), 456, "A")
    assert age_on(number, date(2025, 5, 16)) == 14
    assert age_on(number, date(2025, 5, 17)) == 15
