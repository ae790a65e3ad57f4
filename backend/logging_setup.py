"""Backend logging: a file under var/log and stderr, both through the redacting filter."""

import logging
from pathlib import Path

from privacy.redaction import install_redacting_filter

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_file: Path) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(log_file) for h in root.handlers):
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(file_handler)
    root.setLevel(logging.INFO)
    install_redacting_filter(root)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        install_redacting_filter(logging.getLogger(name))
