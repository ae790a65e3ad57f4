import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
LOG_DIR = Path(os.environ.get("LOG_DIR") or VAR_DIR / "log")
APP_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"
RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
RASA_BIN = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
