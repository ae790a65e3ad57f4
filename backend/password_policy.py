"""Password rule of seed 003 plus OWASP advice: 8–128 characters of any Unicode, upper and lower
case, a digit and a special character, and not one of the most common passwords."""

import unicodedata

MIN_LENGTH = 8
MAX_LENGTH = 128

# The commonest passwords that still satisfy the character rule (lists of breached passwords,
# Finnish favourites included); compared case-insensitively.
COMMON_PASSWORDS = frozenset(
    {
        "password1!",
        "password123!",
        "password1.",
        "passw0rd!",
        "p@ssw0rd",
        "p@ssword1",
        "p@ssw0rd1",
        "p@ssw0rd!",
        "p@55w0rd",
        "qwerty1!",
        "qwerty123!",
        "qwerty12!",
        "welcome1!",
        "welcome123!",
        "abc123!!",
        "abcd1234!",
        "admin123!",
        "admin@123",
        "letmein1!",
        "iloveyou1!",
        "monkey123!",
        "dragon123!",
        "sunshine1!",
        "football1!",
        "princess1!",
        "summer2024!",
        "summer2025!",
        "winter2024!",
        "spring2024!",
        "salasana1!",
        "salasana123!",
        "salasana1.",
        "salasana!1",
        "s4l4s4n4!",
        "kesä2024!",
        "kevät2024!",
        "syksy2024!",
        "talvi2024!",
        "celia123!",
        "celianet1!",
        "kirjasto1!",
        "kirjasto123!",
        "lösenord1!",
        "changeme1!",
        "test1234!",
        "1234abcd!",
        "aa123456!",
    }
)


class WeakPassword(ValueError):
    """The password breaks the rule; the message says which part."""


def normalized(password: str) -> str:
    """The form that is checked and hashed, so composed and decomposed "ä" are the same."""
    return unicodedata.normalize("NFC", password)


def check_password(password: str) -> None:
    normalized_password = normalized(password)
    if len(normalized_password) < MIN_LENGTH:
        raise WeakPassword(f"The password must be at least {MIN_LENGTH} characters long.")
    if len(normalized_password) > MAX_LENGTH:
        raise WeakPassword(f"The password can be at most {MAX_LENGTH} characters long.")
    missing = []
    if not any(c.isupper() for c in normalized_password):
        missing.append("an upper-case letter")
    if not any(c.islower() for c in normalized_password):
        missing.append("a lower-case letter")
    if not any(c.isdigit() for c in normalized_password):
        missing.append("a digit")
    if all(c.isalnum() for c in normalized_password):
        missing.append("a special character")
    if missing:
        raise WeakPassword("The password must also contain " + ", ".join(missing) + ".")
    if normalized_password.casefold() in COMMON_PASSWORDS:
        raise WeakPassword("This password is too common; choose another one.")
