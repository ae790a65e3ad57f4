"""Password hashing, random tokens and the keys that protect hetus.

Key decisions:
- Passwords: Argon2id (argon2-cffi); the cost comes from settings so tests can run cheaply.
- Tokens (sessions, e-mail codes, reset tokens) come from `secrets`; only their SHA-256 is stored,
  which is enough because they carry 128+ bits of entropy.
- A hetu is low-entropy, so a plain hash would be reversible by enumeration. Look-ups use
  HMAC-SHA256 keyed with HETU_HMAC_KEY. The customer record also keeps a Fernet-encrypted copy
  (so the hetu can be masked for display and re-keyed if HETU_HMAC_KEY is ever rotated); its key
  is derived from HETU_HMAC_KEY with HKDF under a separate label, so one secret is managed, but
  the look-up and encryption keys are independent. Rotating HETU_HMAC_KEY means re-keying every
  customer row (decrypt with the old key, HMAC and encrypt with the new one).
- TOTP secrets are Fernet-encrypted with a third key derived the same way (own label).
- A queued mail's secret parameters (a reset token, a link holding one) are Fernet-encrypted
  with a fourth derived key while the mail waits in the outbox, and deleted once it is sent
  (backend/email/outbox.py), so a database reader or a backup finds no live token.
"""

import base64
import hashlib
import hmac
import secrets
from functools import cached_property

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.settings import Settings


def new_token() -> str:
    """A 256-bit URL-safe random token."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    """A 8-digit e-mail verification code (typed by hand; valid 24 h and single-use)."""
    return f"{secrets.randbelow(10**8):08d}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        secret.encode("utf-8")
    )


def mail_secrets_fernet(settings: Settings) -> Fernet:
    """The key that seals a queued mail's secret parameters (backend/email/outbox.py)."""
    key = _derive(settings.hetu_hmac_key.get_secret_value(), b"celia outbox secrets v1")
    return Fernet(base64.urlsafe_b64encode(key))


class Security:
    """The keyed primitives of one running app, built from its settings."""

    def __init__(self, settings: Settings) -> None:
        self._hetu_key = settings.hetu_hmac_key.get_secret_value().encode("utf-8")
        self._secret_for_derivation = settings.hetu_hmac_key.get_secret_value()
        self._session_key = settings.session_secret.get_secret_value().encode("utf-8")
        self.passwords = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
            type=Type.ID,
        )

    @cached_property
    def _dummy_hash(self) -> str:
        return self.passwords.hash(new_token())

    @cached_property
    def _fernet(self) -> Fernet:
        key = _derive(self._secret_for_derivation, b"celia hetu encryption v1")
        return Fernet(base64.urlsafe_b64encode(key))

    @cached_property
    def _fingerprint_key(self) -> bytes:
        return _derive(self._secret_for_derivation, b"celia request fingerprint v1")

    @cached_property
    def _totp_fernet(self) -> Fernet:
        key = _derive(self._secret_for_derivation, b"celia totp secret v1")
        return Fernet(base64.urlsafe_b64encode(key))

    def encrypt_totp_secret(self, secret: str) -> str:
        return self._totp_fernet.encrypt(secret.encode("ascii")).decode("ascii")

    def decrypt_totp_secret(self, token: str) -> str:
        return self._totp_fernet.decrypt(token.encode("ascii")).decode("ascii")

    def hash_password(self, password: str) -> str:
        return self.passwords.hash(password)

    def verify_password(self, password_hash: str | None, password: str) -> bool:
        """Check a password; with no hash, burn the same time so absence is not observable."""
        try:
            return self.passwords.verify(password_hash or self._dummy_hash, password) and bool(
                password_hash
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self.passwords.check_needs_rehash(password_hash)

    def hetu_hmac(self, canonical_hetu: str) -> str:
        return hmac.new(self._hetu_key, canonical_hetu.encode("ascii"), hashlib.sha256).hexdigest()

    def encrypt_hetu(self, canonical_hetu: str) -> str:
        return self._fernet.encrypt(canonical_hetu.encode("ascii")).decode("ascii")

    def decrypt_hetu(self, token: str) -> str:
        return self._fernet.decrypt(token.encode("ascii")).decode("ascii")

    def fingerprint(self, payload: bytes) -> str:
        """Keyed digest of a request body (which may hold a hetu) for idempotency checks."""
        return hmac.new(self._fingerprint_key, payload, hashlib.sha256).hexdigest()

    def sign(self, value: str) -> str:
        return hmac.new(self._session_key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def answer_id(self, conversation_id: str, entry_id: str) -> str:
        """The id the chat gives an FAQ answer it showed in a conversation; a vote names it."""
        return self.sign(f"answer:{conversation_id}:{entry_id}")[:32]
