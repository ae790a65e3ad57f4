"""Remove hetus, e-mail addresses and password-like tokens from free text."""

import logging
import re

# Whatever privacy/hetu.py accepts as a hetu, and anything hetu-shaped besides (a mistyped hetu
# is still personal data): whitespace between any two characters ("15 01 62-906P"; the form
# removes it), either case, a Unicode dash for "-" (python-stdnum reads these as "-"), any
# decimal digit, with or without the century sign: + (1800s), - Y X W V U (1900s),
# A B C D E F (2000s). The widget's copy is web/widget/hetu.js.
HETU_DASHES = (
    "\u00af\u02d7\u058a\u05be\u1680\u180a\u2010-\u2015\u203e\u2043\u207b\u208b\u2212"
    "\u23af\u23ba-\u23bd\u23e4\ufe63\uff0d\uffe3"
)
HETU_PATTERN = re.compile(
    r"(?<![\dA-Za-z])(?:\d\s*){6}"
    rf"(?:[-+A-FYXWVUa-fyxwvu{HETU_DASHES}]\s*)?"
    r"(?:\d\s*){3}[\dA-Ya-y](?![\dA-Za-z])"
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
    """Attach the filter to every handler of the root logger (or the given one), and send
    Python warnings through logging: a warning that quotes a message ("Failed to parse
    arguments in line '/inform{...}'") would otherwise reach stderr unredacted."""
    logging.captureWarnings(True)
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
