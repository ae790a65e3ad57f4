"""Finnish personal identity codes: the one rule for the backend and the actions.

Validation is python-stdnum's `stdnum.fi.hetu` with the temporary range 900–999 allowed and the
2023 century signs (-YXWVU, ABCDEF). A birth date in the future is refused as well.
Error messages never contain the code itself. Runs in both environments (Python 3.10 and 3.11;
python-stdnum is pinned in both lock files). Finding hetus in free text is
`privacy.redaction.HETU_PATTERN` (the widget's copy, web/widget/hetu.js, is tested against it).
"""

import re
from datetime import date

from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.fi import hetu as stdnum_hetu

_CENTURY = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}


class InvalidHetu(ValueError):
    """The text is not a valid hetu; the message says why without repeating it."""


def canonical(text: str) -> str:
    """The validated hetu in its compact upper-case form, or InvalidHetu."""
    try:
        number = stdnum_hetu.validate(text.strip(), allow_temporary=True)
    except InvalidChecksum as error:
        raise InvalidHetu("The check character of the hetu is wrong.") from error
    except InvalidComponent as error:
        raise InvalidHetu("The hetu has an impossible date or individual number.") from error
    except ValidationError as error:
        raise InvalidHetu(
            "The hetu must be 11 characters: birth date DDMMYY, century sign, "
            "three digits and a check character."
        ) from error
    if birth_date(number) > date.today():
        raise InvalidHetu("The hetu has a birth date in the future.")
    return number


def valid(text: str) -> str | None:
    """The canonical hetu typed (spaces and case forgiven), or None when it is not valid."""
    try:
        return canonical(re.sub(r"\s+", "", text).upper())
    except InvalidHetu:
        return None


def birth_date(number: str) -> date:
    return date(_CENTURY[number[6]] + int(number[4:6]), int(number[2:4]), int(number[0:2]))


def age_on(number: str, day: date) -> int:
    born = birth_date(number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def mask(number: str) -> str:
    """Show only the birth date and century sign: 131052-****."""
    return f"{number[:7]}****"
