"""Backend logging: a file under var/log (and uvicorn's stderr), all through the redacting
filter, as text lines or, with LOG_FORMAT=json, one JSON object a line with the request id."""

import logging
from pathlib import Path

from privacy.log_context import make_formatter
from privacy.redaction import install_redacting_filter


def configure_logging(log_file: Path, log_format: str = "text") -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    file_handler = next(
        (h for h in root.handlers if getattr(h, "baseFilename", None) == str(log_file)), None
    )
    if file_handler is None:
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        root.addHandler(file_handler)
    file_handler.setFormatter(make_formatter(log_format))
    root.setLevel(logging.INFO)
    install_redacting_filter(root)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        install_redacting_filter(logger)
        if log_format == "json":
            for handler in logger.handlers:
                handler.setFormatter(make_formatter(log_format))
