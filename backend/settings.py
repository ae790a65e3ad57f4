"""All backend settings in one place; each field reads the environment variable of the same name."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    backend_host: str = "127.0.0.1"
    backend_port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 10.0
    database_url: str = f"sqlite:///{VAR_DIR / 'celia.db'}"
    log_dir: Path = VAR_DIR / "log"

    # Secrets: never defaults. `make run` generates them once into var/secrets.env.
    service_token: SecretStr = Field(min_length=32)
    hetu_hmac_key: SecretStr = Field(min_length=32)
    session_secret: SecretStr = Field(min_length=32)

    chat_message_max_chars: int = 2000


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]
