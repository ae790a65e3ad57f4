"""Train the Rasa model only when its inputs changed (fingerprint of config, domain, bot/)."""

import hashlib
import subprocess
from pathlib import Path

from launcher.paths import PROJECT_ROOT, RASA_BIN

MODEL_DIR = PROJECT_ROOT / "models"
MODEL_NAME = "celia"
MODEL_FILE = MODEL_DIR / f"{MODEL_NAME}.tar.gz"
FINGERPRINT_FILE = MODEL_DIR / f"{MODEL_NAME}.fingerprint"


def training_inputs() -> list[Path]:
    files = [PROJECT_ROOT / "config.yml", PROJECT_ROOT / "domain.yml"]
    for folder in ("bot", "rasa_ext"):
        files += sorted(
            p
            for p in (PROJECT_ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )
    return files


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_current() -> bool:
    return (
        MODEL_FILE.is_file()
        and FINGERPRINT_FILE.is_file()
        and FINGERPRINT_FILE.read_text().strip() == fingerprint()
    )


def train_if_stale(log_file: Path) -> bool:
    """Returns True when a model was trained. Raises CalledProcessError on failure."""
    if is_current():
        return False
    expected = fingerprint()
    MODEL_DIR.mkdir(exist_ok=True)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as log:
        subprocess.run(
            [
                str(RASA_BIN),
                "train",
                "--config",
                "config.yml",
                "--domain",
                "domain.yml",
                "--data",
                "bot",
                "--out",
                str(MODEL_DIR),
                "--fixed-model-name",
                MODEL_NAME,
            ],
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
    FINGERPRINT_FILE.write_text(expected)
    return True
