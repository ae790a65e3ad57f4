"""Backend logging: a file under var/log or standard output (LOG_OUTPUT), and uvicorn's stderr,
all through the redacting filter, as text lines or, with LOG_FORMAT=json, one JSON object a line
with the request id."""

import logging
import sys
from pathlib import Path

from privacy.log_context import make_formatter
from privacy.redaction import install_redacting_filter


def configure_logging(log_file: Path | None, log_format: str = "text") -> None:
    """Log to `log_file`, or with None to standard output (a container's log)."""
    root = logging.getLogger()
    handler: logging.Handler | None
    if log_file is None:
        handler = next((h for h in root.handlers if getattr(h, "stream", None) is sys.stdout), None)
        if handler is None:
            handler = logging.StreamHandler(sys.stdout)
            root.addHandler(handler)
    else:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = next(
            (h for h in root.handlers if getattr(h, "baseFilename", None) == str(log_file)), None
        )
        if handler is None:
            handler = logging.FileHandler(log_file, encoding="utf-8")
            root.addHandler(handler)
    handler.setFormatter(make_formatter(log_format))
    root.setLevel(logging.INFO)
    install_redacting_filter(root)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        install_redacting_filter(logger)
        if log_format == "json":
            for handler in logger.handlers:
                handler.setFormatter(make_formatter(log_format))
