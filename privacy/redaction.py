"""Remove hetus, e-mail addresses and password-like tokens from free text."""

import logging
import re

# Any hetu-shaped string, valid checksum or not, with or without its century sign:
# a mistyped hetu is still personal data.
# Century signs: + (1800s), - Y X W V U (1900s), A B C D E F (2000s).
HETU_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])\d{6}\s?[-+A-FYXWVUa-fyxwvu]?\s?\d{3}[0-9A-Ya-y](?![0-9A-Za-z])"
)
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# A token that mixes lower case, upper case, a digit and a special character looks like a password.
PASSWORD_LIKE = re.compile(
    r"(?<!\S)(?=\S*[a-zåäö])(?=\S*[A-ZÅÄÖ])(?=\S*\d)(?=\S*[^\w\s])\S{8,128}(?!\S)"
)

HETU_MASK = "[hetu]"
EMAIL_MASK = "[email]"
SECRET_MASK = "[secret]"  # noqa: S105 (a mask, not a password)


def redact(text: str) -> str:
    """The text with every hetu, e-mail address and password-like token masked."""
    text = HETU_PATTERN.sub(HETU_MASK, text)
    text = EMAIL_PATTERN.sub(EMAIL_MASK, text)
    return PASSWORD_LIKE.sub(SECRET_MASK, text)


class RedactingFilter(logging.Filter):
    """Logging filter that redacts the message, the traceback and the stack of every record.

    A filter runs before the formatter fills `record.exc_text`, so the traceback is formatted
    here (the formatter then reuses the redacted text instead of formatting it again).
    """

    _traceback_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            return True
        redacted = redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._traceback_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_redacting_filter(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of the root logger (or the given one)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
