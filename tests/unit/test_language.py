import pytest

from knowledge.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hei, miten rekisteröin uuden asiakkaan?", "fi"),
        ("tarviiko alle 15v huoltajan luvan", "fi"),
        ("hetu on käytössä mutta asiakasta ei löydy", "fi"),
        ("Hur registrerar jag en ny kund?", "sv"),
        ("jag har glömt mitt lösenord", "sv"),
        ("How do I register a new customer?", "en"),
        ("my account is locked", "en"),
    ],
)
def test_detects_the_language_of_typical_questions(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text", ["", "ok", "123", "anna@example.org", "?!", "150162-906A", "010594Y9032"]
)
def test_gives_no_answer_without_evidence(text: str) -> None:
    assert detect_language(text) is None
