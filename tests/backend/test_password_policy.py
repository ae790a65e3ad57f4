"""Seed 003's password rule plus OWASP length and common-password checks."""

import pytest

from backend.password_policy import WeakPassword, check_password, normalized


@pytest.mark.parametrize(
    "password",
    ["Kirjasto-2025", "Ääkköset1!", "Lösen#ord9", "Aa1!" + "ü" * 124, "Pass word 1 with spaces"],
)
def test_good_passwords(password: str) -> None:
    check_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "Aa1!aaa",
        "aaaaaaa1!",
        "AAAAAAA1!",
        "Aaaaaaaa!",
        "Aaaaaaaa1",
        "Salasana1!",
        "Aa1!" + "x" * 125,
    ],
)
def test_bad_passwords(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_password(password)


def test_composed_and_decomposed_letters_are_the_same_password() -> None:
    assert normalized("Ka\u0308rpa\u0308nen1!") == normalized("Kärpänen1!")
