"""Celia customer service's opening hours: weekdays and hours from the settings, closed on
Finnish public holidays (computed here) and on the extra dates in OFFICE_CLOSED_DATES.

The `holidays` package would compute the holidays too, but it pins python-dateutil below 3
while the development tools pin 4.0 (matplotlib); the Finnish calendar is a dozen fixed or
Easter-relative days, so it lives here.
"""

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from backend.settings import Settings

_SEARCH_DAYS = 60  # no office is closed longer than this; beyond it we stop looking


def easter_sunday(year: int) -> date:
    """Western Easter (the Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _weekday_between(year: int, month: int, first_day: int, weekday: int) -> date:
    """The day of ISO `weekday` in the week starting at `first_day` of `month`."""
    start = date(year, month, first_day)
    return start + timedelta(days=(weekday - start.isoweekday()) % 7)


@lru_cache(maxsize=16)
def finnish_holidays(year: int) -> dict[date, str]:
    """Finnish public holidays, with Midsummer Eve and Christmas Eve (offices are closed)."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): "uudenvuodenpäivä",
        date(year, 1, 6): "loppiainen",
        easter - timedelta(days=2): "pitkäperjantai",
        easter: "pääsiäispäivä",
        easter + timedelta(days=1): "2. pääsiäispäivä",
        date(year, 5, 1): "vappu",
        easter + timedelta(days=39): "helatorstai",
        easter + timedelta(days=49): "helluntaipäivä",
        _weekday_between(year, 6, 19, 5): "juhannusaatto",
        _weekday_between(year, 6, 20, 6): "juhannuspäivä",
        _weekday_between(year, 10, 31, 6): "pyhäinpäivä",
        date(year, 12, 6): "itsenäisyyspäivä",
        date(year, 12, 24): "jouluaatto",
        date(year, 12, 25): "joulupäivä",
        date(year, 12, 26): "tapaninpäivä",
    }


def now(settings: Settings) -> datetime:
    """The office's clock: the real time, or OFFICE_CLOCK where a test sets it."""
    clock = settings.office_clock
    if clock is None:
        return datetime.now(timezone.utc)
    return clock if clock.tzinfo else clock.replace(tzinfo=ZoneInfo(settings.office_timezone))


def is_working_day(settings: Settings, day: date) -> bool:
    return (
        day.isoweekday() in settings.office_weekdays
        and day not in finnish_holidays(day.year)
        and day not in settings.office_closed_dates
    )


def _is_open(settings: Settings, local: datetime) -> bool:
    return (
        is_working_day(settings, local.date())
        and settings.office_opens <= local.time() < settings.office_closes
    )


def next_opening(settings: Settings, at: datetime) -> datetime | None:
    """When the office next opens after `at` (office time zone); None while it is open, or
    when it stays closed longer than we look ahead."""
    zone = ZoneInfo(settings.office_timezone)
    local = at.astimezone(zone)
    if _is_open(settings, local):
        return None
    if is_working_day(settings, local.date()) and local.time() < settings.office_opens:
        return datetime.combine(local.date(), settings.office_opens, zone)
    for offset in range(1, _SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        if is_working_day(settings, day):
            return datetime.combine(day, settings.office_opens, zone)
    return None


_WEEKDAYS = {
    "fi": ("maanantaina", "tiistaina", "keskiviikkona", "torstaina", "perjantaina",
           "lauantaina", "sunnuntaina"),
    "sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}  # fmt: skip
_OPEN = {
    "fi": "Asiakaspalvelu on nyt paikalla, ja vastaus tulee tähän chattiin.",
    "sv": "Kundtjänsten är på plats nu, och svaret kommer i den här chatten.",
    "en": "Customer service is in now, and the answer will come in this chat.",
}
_CLOSED = {
    "fi": "Asiakaspalvelu on nyt suljettu. Vastausta voit odottaa {weekday} {day}.{month}. "
    "kello {hour}.{minute} alkaen.",
    "sv": "Kundtjänsten är stängd just nu. Du kan vänta dig ett svar från {weekday} den "
    "{day}.{month}. klockan {hour}.{minute}.",
    "en": "Customer service is closed now. You can expect an answer from {weekday} {day}.{month}. "
    "at {hour}:{minute} (Finnish time).",
}
_CLOSED_LONG = {
    "fi": "Asiakaspalvelu on nyt suljettu. Vastaamme, kun palaamme.",
    "sv": "Kundtjänsten är stängd just nu. Vi svarar när vi är tillbaka.",
    "en": "Customer service is closed now. We will answer when we are back.",
}


def answer_expected(settings: Settings, language: str) -> str:
    """When the registrar can expect a staff answer, said in their language (fi/sv/en)."""
    language = language if language in _OPEN else "fi"
    at = now(settings)
    if _is_open(settings, at.astimezone(ZoneInfo(settings.office_timezone))):
        return _OPEN[language]
    opening = next_opening(settings, at)
    if opening is None:
        return _CLOSED_LONG[language]
    return _CLOSED[language].format(
        weekday=_WEEKDAYS[language][opening.weekday()],
        day=opening.day,
        month=opening.month,
        hour=opening.hour,
        minute=f"{opening.minute:02d}",
    )
