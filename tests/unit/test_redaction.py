import logging

import pytest

from privacy.redaction import RedactingFilter, redact


@pytest.mark.parametrize(
    "hetu",
    ["131052-308T", "131052308T", "010101A123N", "010594Y9032", "020304B9999", "131052-308t"],
)
def test_hetus_are_masked_valid_or_not(hetu: str) -> None:
    assert hetu not in redact(f"asiakkaan hetu on {hetu}, auta")
    assert "[hetu]" in redact(f"asiakkaan hetu on {hetu}, auta")


def test_email_and_password_like_tokens_are_masked() -> None:
    text = "minun s-posti on anna.a@kirjasto.fi ja salasana Kissa#2024kala"
    redacted = redact(text)
    assert "anna.a@kirjasto.fi" not in redacted
    assert "Kissa#2024kala" not in redacted
    assert "[email]" in redacted and "[secret]" in redacted


def test_ordinary_text_is_left_alone() -> None:
    text = "Miten rekisteröin 14-vuotiaan asiakkaan? Puhelin 09 123 4567, vuosi 2021."
    assert redact(text) == text


def test_logging_filter_redacts_arguments() -> None:
    logger = logging.getLogger("test.redaction")
    handler_filter = RedactingFilter()
    record = logger.makeRecord(
        "t", logging.INFO, __file__, 1, "hetu %s e-mail %s", ("131052-308T", "a@b.fi"), None
    )
    handler_filter.filter(record)
    assert record.getMessage() == "hetu [hetu] e-mail [email]"
