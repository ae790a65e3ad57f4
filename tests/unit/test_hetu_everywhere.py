"""One hetu rule: the chat's form accepts exactly what the backend accepts, and the widget masks
exactly what the Python redaction masks."""

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from stdnum import util as stdnum_util

from launcher.paths import PROJECT_ROOT, RASA_PYTHON
from privacy.hetu import InvalidHetu, canonical, valid
from privacy.redaction import HETU_MASK, HETU_PATTERN, redact

CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def make(born: date, individual: int, sign: str) -> str:
    digits = f"{born:%d%m%y}{individual:03d}"
    return f"{born:%d%m%y}{sign}{individual:03d}{CHECK_CHARS[int(digits) % 31]}"


TOMORROW = date.today() + timedelta(days=1)
# Every century sign of the 2023 reform, ordinary and temporary (900-999) individual numbers.
SIGNED = [
    make(date(1899, 12, 31), 123, "+"),
    *(make(date(1952, 10, 13), 308, sign) for sign in "-YXWVU"),
    *(make(date(2004, 3, 2), 9 + 900, sign) for sign in "ABCDEF"),
    make(date(1988, 3, 14), 950, "-"),
]
FORM_CASES = [
    *SIGNED,
    make(date(1952, 10, 13), 308, "-").lower(),
    make(date(1952, 10, 13), 308, "-").replace("-", " - "),
    make(TOMORROW, 123, "A"),  # a birth date in the future
    make(date(1952, 10, 13), 308, "-")[:-1] + "U",  # a wrong check character
    "310299-123X",  # an impossible date
    "hello",
]


def backend_rule(text: str) -> str | None:
    try:
        return canonical("".join(text.split()).upper())
    except InvalidHetu:
        return None


@pytest.mark.rasa
def test_the_form_accepts_exactly_what_the_backend_accepts() -> None:
    script = (
        "import json, sys\nfrom actions.forms import valid_hetu\n"
        "print(json.dumps([valid_hetu(t) for t in json.loads(sys.argv[1])]))"
    )
    run = subprocess.run(
        [str(RASA_PYTHON), "-c", script, json.dumps(FORM_CASES)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    form = json.loads(run.stdout.strip().splitlines()[-1])
    assert form == [backend_rule(text) for text in FORM_CASES]
    assert form[FORM_CASES.index(make(TOMORROW, 123, "A"))] is None


MASK_CASES = [
    *(f"asiakkaan hetu on {hetu}, kiitos" for hetu in SIGNED),
    *(f"{hetu.lower()} ja {hetu.replace(hetu[6], ' ' + hetu[6] + ' ')}" for hetu in SIGNED[:4]),
    "puhelin 09 123 4567, vuosi 2021, tilaus 12345678901234",
    "hetu 131052308T ilman merkkiä",
    "15 01 62-906P kirjoitettu väleillä, 150162 \u2013 906 p ajatusviivalla",
    "\uff11\uff15\uff10\uff11\uff16\uff12-\uff19\uff10\uff16P ja 15\u00a001\u200962\t906P",
]


@pytest.mark.parametrize("widget", [PROJECT_ROOT / "web" / "widget" / "hetu.js"])
def test_the_widget_masks_what_the_python_redaction_masks(widget: Path) -> None:
    script = (
        f"import {{ maskHetus }} from {json.dumps(widget.as_uri())};\n"
        "const cases = JSON.parse(process.argv[1]);\n"
        "console.log(JSON.stringify(cases.map(maskHetus)));"
    )
    run = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(MASK_CASES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    masked_by_widget = json.loads(run.stdout)
    assert masked_by_widget == [HETU_PATTERN.sub(HETU_MASK, text) for text in MASK_CASES]
    assert all(hetu not in " ".join(masked_by_widget) for hetu in SIGNED)


def _accepted_forms(hetu: str) -> list[str]:
    """Ways of typing one hetu: whitespace of every kind between each pair of its characters,
    both cases, each Unicode dash python-stdnum reads as "-", full-width digits."""
    dashes = [char for char, ascii in stdnum_util._char_map.items() if ascii == "-"]
    full_width = hetu.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    spaced = [hetu[:i] + gap + hetu[i:] for i in range(1, len(hetu)) for gap in SPACES]
    return [
        *spaced,
        " ".join(hetu),
        "\t".join(hetu.lower()),
        hetu.lower(),
        full_width,
        *(hetu.replace("-", dash) for dash in dashes),
        *(hetu.replace("-", f" {dash}  ") for dash in dashes),
    ]


SPACES = [" ", "  ", "\t", "\n", "\u00a0", "\u2009", "\u202f", "\u3000", " \n "]


@pytest.mark.parametrize("hetu", [make(date(1962, 1, 15), 906, "-"), *SIGNED])
def test_every_form_the_validator_accepts_is_redacted(hetu: str) -> None:
    """Whatever privacy/hetu.py (the chat's form, the backend) takes for a hetu, the redaction
    masks: the text around it stays, nothing of the hetu does."""
    accepted = [form for form in _accepted_forms(hetu) if valid(form) or _canonical(form)]
    assert len(accepted) > 60  # the forms are really accepted, not refused
    for form in accepted:
        assert redact(f"asiakas {form}, kiitos") == f"asiakas {HETU_MASK}, kiitos", repr(form)


def _canonical(text: str) -> str | None:
    try:
        return canonical(text)
    except InvalidHetu:
        return None


def test_the_pattern_knows_every_dash_python_stdnum_reads_as_a_hyphen() -> None:
    dashes = {char for char, ascii in stdnum_util._char_map.items() if ascii == "-"}
    assert all(HETU_PATTERN.fullmatch(f"150162{dash}906P") for dash in dashes)
