"""Every request limit of the backend, one mechanism: moving windows on the `limits` library.

The numbers are settings (backend/settings.py). The counts live in process memory by default
(`make run`, one process) or in Redis when LIMITS_STORAGE_URL names one, so that every backend
worker counts into the same buckets. Each limit has its own keys and its own window: a hit on
one never touches another's counts. Keys are HMACs of the subject (a client address, an
account, a conversation), so neither the memory nor Redis holds an address in clear.
"""

import hashlib
import hmac
import math
import time
from enum import Enum

from limits import RateLimitItemPerSecond
from limits.errors import StorageError as LimitsUnavailable
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from backend.services.errors import TooManyRequests
from backend.settings import Settings

MINUTE, HOUR = 60, 3600
__all__ = ["Limit", "Limits", "LimitsUnavailable"]

CHAT_REFUSAL = "Too many messages in a short time. Please wait a moment and try again."


class Limit(Enum):
    """A limit: the setting holding its number, its window in seconds, and its refusal."""

    CHAT_PER_CLIENT = ("chat_per_client_per_minute", MINUTE, CHAT_REFUSAL)
    CHAT_PER_CONVERSATION = ("chat_per_conversation_per_minute", MINUTE, CHAT_REFUSAL)
    LOGIN_PER_CLIENT = (
        "login_per_client_per_minute",
        MINUTE,
        "Too many log-in attempts. Please wait a minute and try again.",
    )
    STAFF_LOGIN_FAILURES = (
        "staff_login_failures_per_account_per_15_minutes",
        15 * MINUTE,
        "Too many failed log-ins. Try again in 15 minutes.",
    )
    RESET_PER_CLIENT = (
        "password_reset_per_client_per_hour",
        HOUR,
        "Too many password reset requests. Please try again in an hour.",
    )
    RESET_PER_ACCOUNT = ("password_reset_per_account_per_hour", HOUR, "")
    VERIFICATION_CODES = ("verification_codes_per_account_per_hour", HOUR, "")
    INVITATIONS_PER_MAIN_USER = (
        "invitations_per_main_user_per_hour",
        HOUR,
        "Too many invitations in an hour. Please try again later.",
    )
    FEEDBACK_PER_CLIENT = (
        "feedback_per_client_per_minute",
        MINUTE,
        "Too much feedback in a short time. Please wait a minute and try again.",
    )
    REGISTRATIONS_PER_CLIENT = (
        "registrations_per_client_per_hour",
        HOUR,
        "Too many registrations. Please try again in an hour.",
    )
    REGISTRATIONS_PER_ADDRESS = (
        "registrations_per_address_per_hour",
        HOUR,
        "Too many registrations. Please try again in an hour.",
    )
    VERIFICATION_ATTEMPTS = (
        "verification_attempts_per_account_per_hour",
        HOUR,
        "Too many attempts. Ask for a new code in an hour.",
    )

    def __init__(self, setting: str, seconds: int, refusal: str) -> None:
        self.setting = setting
        self.seconds = seconds
        self.refusal = refusal


class Limits:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._secret = settings.session_secret.get_secret_value().encode()
        # Storage errors (Redis down) surface as LimitsUnavailable: answered 503.
        storage = storage_from_string(settings.limits_storage_url, wrap_exceptions=True)
        if not isinstance(storage, Storage):
            raise ValueError("LIMITS_STORAGE_URL must be memory:// or redis://…, not async+")
        self.storage = storage
        self._limiter = MovingWindowRateLimiter(self.storage)

    def _item(self, limit: Limit) -> RateLimitItemPerSecond:
        # Read on every hit, so a changed setting takes effect at once.
        return RateLimitItemPerSecond(getattr(self._settings, limit.setting), limit.seconds)

    def _key(self, limit: Limit, subject: str) -> str:
        digest = hmac.new(self._secret, subject.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{limit.name.lower()}:{digest}"

    def hit(self, limit: Limit, subject: str) -> bool:
        """Count one hit for `subject`; False (and not counted) when its window is full."""
        return self._limiter.hit(self._item(limit), self._key(limit, subject))

    def retry_after(self, limit: Limit, subject: str) -> int:
        """Whole seconds until the oldest hit in the window leaves it (at least 1)."""
        stats = self._limiter.get_window_stats(self._item(limit), self._key(limit, subject))
        return max(1, math.ceil(stats.reset_time - time.time()))

    def enforce(self, limit: Limit, subject: str) -> None:
        """Count one hit; beyond the limit refuse with 429 and the seconds to wait."""
        if not self.hit(limit, subject):
            raise TooManyRequests(limit.refusal, self.retry_after(limit, subject))

    def reset(self) -> None:
        """Forget every count (tests start each case from empty buckets)."""
        self.storage.reset()
