"""All backend settings in one place; each field reads the environment variable of the same name."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    backend_host: str = "127.0.0.1"
    backend_port: int = 8000
    # The address people open the pages at, for links in e-mail (e.g. https://celia.example.fi);
    # unset: http://BACKEND_HOST:BACKEND_PORT.
    public_url: str | None = None
    # One Rasa server, or replicas separated by commas (scale-out mode: round robin).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 10.0
    database_url: str = f"sqlite:///{VAR_DIR / 'celia.db'}"
    # How long a request waits for a busy database (a SQLite write lock, a free pooled
    # connection, a PostgreSQL connection) before it answers 503 and writes nothing.
    database_busy_timeout_seconds: float = Field(default=15, gt=0)
    log_dir: Path = VAR_DIR / "log"

    # Secrets: never defaults. `make run` generates them once into var/secrets.env.
    service_token: SecretStr = Field(min_length=32)
    hetu_hmac_key: SecretStr = Field(min_length=32)
    session_secret: SecretStr = Field(min_length=32)

    # Chat proxy limits (backend/chat_limits.py) and browsers allowed to call the API.
    chat_per_conversation_per_minute: int = Field(default=30, ge=1)
    chat_per_client_per_minute: int = Field(default=600, ge=1)
    # Log-in attempts (registrar and staff) per client address: each costs an Argon2 hash.
    login_per_client_per_minute: int = Field(default=20, ge=1)
    cors_origins: list[str] = []

    # Retention (backend/retention.py): conversations and Rasa's tracker events (TRACKER_DB,
    # the same SQLite file endpoints.yml gives Rasa) older than this are deleted hourly.
    conversation_retention_days: int = Field(default=30, ge=1)
    retention_interval_seconds: float = Field(default=3600, gt=0)
    tracker_db: Path = VAR_DIR / "tracker.db"
    tracker_db_url: str | None = None  # scale-out mode: the PostgreSQL tracker store instead

    @property
    def tracker_database_url(self) -> str:
        return self.tracker_db_url or f"sqlite:///{self.tracker_db}"

    @property
    def site_url(self) -> str:
        return (self.public_url or f"http://{self.backend_host}:{self.backend_port}").rstrip("/")

    @property
    def rasa_urls(self) -> list[str]:
        return [url.strip() for url in self.rasa_url.split(",") if url.strip()]

    # Registrar accounts (seeds 002 and 003).
    login_max_failures: int = Field(default=5, ge=1)  # consecutive failures before the lock
    password_rotation_months: int = 0  # 0 = rotation off, else 6 or 12 (seed 002)
    verification_code_hours: int = Field(default=24, ge=1)
    password_reset_token_minutes: int = Field(default=60, ge=1)
    password_reset_per_account_per_hour: int = Field(default=3, ge=1)
    password_reset_per_client_per_hour: int = Field(default=20, ge=1)
    session_hours: float = Field(default=12, gt=0)
    session_cookie_secure: bool = False  # Secure is also set on every HTTPS request
    # Argon2id cost; production keeps the defaults, tests lower them.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)

    # Outgoing e-mail: the outbox is delivered by a background sender.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Celia <no-reply@celia.fi>"
    email_sender_enabled: bool = True
    email_send_interval_seconds: float = Field(default=5.0, gt=0)
    email_retry_base_seconds: float = Field(default=30.0, gt=0)  # doubles per failed attempt
    email_retry_max_seconds: float = Field(default=3600.0, gt=0)

    @field_validator("password_rotation_months")
    @classmethod
    def _rotation_choice(cls, months: int) -> int:
        if months not in (0, 6, 12):
            raise ValueError("PASSWORD_ROTATION_MONTHS must be 0 (off), 6 or 12")
        return months


@lru_cache
def get_settings() -> Settings:
    return Settings()
