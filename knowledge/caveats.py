"""Caveats for time-bound answers, generated from dates in the asker's language.

An entry from a dated source ("dated") says when its content is from; an entry past its
"review_by" date says it is due a check. The text is made here, never written into answers.
"""

from datetime import date

_MONTHS = {
    # Finnish in the ablative ("toukokuulta", from May); Swedish and English month names.
    "fi": "tammikuulta helmikuulta maaliskuulta huhtikuulta toukokuulta kesäkuulta "
    "heinäkuulta elokuulta syyskuulta lokakuulta marraskuulta joulukuulta".split(),
    "sv": "januari februari mars april maj juni juli augusti september oktober november "
    "december".split(),
    "en": "January February March April May June July August September October November "
    "December".split(),
}
_DATED = {
    "fi": "Huom: tieto on {month} {year}, joten se voi olla vanhentunut. "
    "Tarkista ajantasainen tilanne Celiasta (palvelut@celia.fi).",
    "sv": "Obs: uppgiften är från {month} {year}, så den kan vara föråldrad. "
    "Kontrollera det aktuella läget med Celia (palvelut@celia.fi).",
    "en": "Note: this is from {month} {year}, so it may be out of date. "
    "Check the current situation with Celia (palvelut@celia.fi).",
}
_REVIEW = {
    "fi": "Huom: tämän vastauksen tarkistus oli määrä tehdä {day}.{month}.{year} mennessä, "
    "joten se voi olla vanhentunut. Tarkista asia Celiasta (palvelut@celia.fi).",
    "sv": "Obs: svaret skulle ha granskats senast {day}.{month}.{year}, så det kan vara "
    "föråldrat. Kontrollera saken med Celia (palvelut@celia.fi).",
    "en": "Note: this answer was due for review by {day}.{month}.{year}, so it may be out of "
    "date. Check with Celia (palvelut@celia.fi).",
}


def caveat(lang: str, dated: str | None, review_by: str | None, today: date) -> str | None:
    """The caveat for an answer in `lang`, or None when its content is neither dated nor due."""
    if dated:
        when = date.fromisoformat(dated)
        return _DATED[lang].format(month=_MONTHS[lang][when.month - 1], year=when.year)
    if review_by and date.fromisoformat(review_by) < today:
        due = date.fromisoformat(review_by)
        return _REVIEW[lang].format(day=due.day, month=due.month, year=due.year)
    return None
