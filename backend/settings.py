"""All backend settings in one place; each field reads the environment variable of the same name."""

from datetime import date, datetime, time
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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

    # Reverse proxies whose X-Forwarded-For and X-Request-ID are believed (addresses or CIDR
    # networks, separated by commas); from any other peer those headers are ignored.
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = []

    # Every limit (backend/limits.py). Counted in process memory ("memory://", one process) or
    # in Redis ("redis://host:port/db") so that all backend workers share the buckets.
    limits_storage_url: str = "memory://"
    chat_per_conversation_per_minute: int = Field(default=30, ge=1)
    chat_per_client_per_minute: int = Field(default=600, ge=1)
    # Log-in attempts (registrar and staff) per client address: each costs an Argon2 hash.
    login_per_client_per_minute: int = Field(default=20, ge=1)
    staff_login_failures_per_account_per_15_minutes: int = Field(default=10, ge=1)
    verification_codes_per_account_per_hour: int = Field(default=5, ge=1)
    verification_attempts_per_account_per_hour: int = Field(default=10, ge=1)
    invitations_per_main_user_per_hour: int = Field(default=20, ge=1)
    # Registrations: each costs an Argon2 hash and a mail, so per client and per address.
    registrations_per_client_per_hour: int = Field(default=10, ge=1)
    registrations_per_address_per_hour: int = Field(default=3, ge=1)
    # "Was this helpful?" votes per client address (backend/api/routes/feedback.py).
    feedback_per_client_per_minute: int = Field(default=20, ge=1)
    cors_origins: list[str] = []
    # Request bodies larger than this are refused with 413 before they are read or parsed.
    max_request_bytes: int = Field(default=64 * 1024, ge=1024)

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
    # A session ends after this long without a request; staff sessions reach more data.
    registrar_session_idle_minutes: float = Field(default=120, gt=0)
    staff_session_idle_minutes: float = Field(default=30, gt=0)
    # Staff always log in with a TOTP code; this asks registrars for one too.
    registrar_two_factor_required: bool = False
    invitation_days: int = Field(default=7, ge=1)  # invitations, password and conversation links
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

    # The staff console's working day (backend/services/office_hours.py, live queue, reply mail).
    office_timezone: str = "Europe/Helsinki"
    office_opens: time = time(9, 0)
    office_closes: time = time(16, 0)
    office_weekdays: Annotated[list[int], NoDecode] = [1, 2, 3, 4, 5]  # ISO: Monday = 1
    office_closed_dates: Annotated[list[date], NoDecode] = []  # besides Finnish public holidays
    office_clock: datetime | None = None  # tests only: the office hours' "now"
    queue_waiting_alert_minutes: int = Field(default=60, ge=1)
    # A staff reply the widget has not fetched within this long is e-mailed to the registrar.
    reply_email_delay_seconds: float = Field(default=300, gt=0)
    reply_email_interval_seconds: float = Field(default=30, gt=0)

    # Observability: /metrics answers loopback, or anyone with this bearer token; json logs
    # put one object a line (with the request id) in the log file and on stderr.
    metrics_token: SecretStr | None = None
    log_format: Literal["text", "json"] = "text"
    # `file`: LOG_DIR/backend.log; `stdout`: standard output, for a container runtime to collect.
    log_output: Literal["file", "stdout"] = "file"

    # FAQ content (backend/services/faq_*.py): a draft is published after a second staff
    # member approves it (true: a one-person team approves its own); every worker checks for
    # a new publication this often; a publish is refused below these top-1 floors.
    faq_single_person_team: bool = False
    faq_reload_interval_seconds: float = Field(default=2.0, gt=0)
    faq_gate_dev_top1_floor: float = Field(default=0.95, ge=0, le=1)
    faq_gate_heldout_top1_floor: float = Field(default=0.95, ge=0, le=1)
    # An entry with this many "not helpful" votes is listed for review.
    faq_review_not_helpful_votes: int = Field(default=3, ge=1)

    # Staff reports (backend/services/report_rollup.py): how often the daily rollup runs (one
    # worker per interval); exports show counts below the threshold as "< N" where a unit or
    # registrar could be singled out.
    report_rollup_interval_seconds: float = Field(default=600, gt=0)
    report_small_count_threshold: int = Field(default=5, ge=1)

    @field_validator("trusted_proxies", "office_weekdays", "office_closed_dates", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("password_rotation_months")
    @classmethod
    def _rotation_choice(cls, months: int) -> int:
        if months not in (0, 6, 12):
            raise ValueError("PASSWORD_ROTATION_MONTHS must be 0 (off), 6 or 12")
        return months


@lru_cache
def get_settings() -> Settings:
    return Settings()
