"""Registrar accounts (seed 003): register, verify e-mail, log in with lockout, rotation,
password change and reset, profile, deletion."""

import calendar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend import audit
from backend.email.outbox import queue_email, seal
from backend.limits import Limit, Limits
from backend.models import (
    AccountToken,
    Registrar,
    RegistrarStatus,
    TokenPurpose,
    WebSession,
    utcnow,
)
from backend.password_policy import WeakPassword, check_password, normalized
from backend.security import Security, new_code, new_token, token_digest
from backend.services import second_factor
from backend.services.errors import Forbidden, Invalid, Unauthorized
from backend.sessions import end_sessions
from backend.settings import Settings

if TYPE_CHECKING:
    from backend.reset_worker import ResetWorker

WRONG_CREDENTIALS = "The e-mail address or the password is wrong."
LOCKED = (
    "Your account is locked after too many failed log-ins. Only Celia can unlock it: "
    "ask in the chat or write to palvelut@celia.fi."
)
RESET_LINK_UNUSABLE = (
    "The link or code to set a new password is wrong, already used or expired. Ask for a new one."
)


def valid_password(password: str) -> str:
    try:
        check_password(password)
    except WeakPassword as error:
        raise Invalid(str(error)) from error
    return normalized(password)


def find_registrar(db: Session, email: str) -> Registrar | None:
    return db.scalar(
        select(Registrar).where(
            Registrar.email == email.lower(), Registrar.status != RegistrarStatus.deleted
        )
    )


def _use_up(db: Session, registrar_id: int, purpose: TokenPurpose) -> None:
    db.execute(
        update(AccountToken)
        .where(
            AccountToken.registrar_id == registrar_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


def _code_digest(registrar_id: int, code: str) -> str:
    # Codes are short, so two registrars may hold the same one: bind the digest to the account.
    return token_digest(f"{registrar_id}:{code}")


def send_verification_code(db: Session, settings: Settings, registrar: Registrar) -> None:
    _use_up(db, registrar.id, TokenPurpose.email_verification)
    code = new_code()
    db.add(
        AccountToken(
            registrar_id=registrar.id,
            purpose=TokenPurpose.email_verification,
            token_hash=_code_digest(registrar.id, code),
            expires_at=utcnow() + timedelta(hours=settings.verification_code_hours),
        )
    )
    queue_email(
        db,
        registrar.email,
        "verification_code",
        registrar.language,
        secrets=seal(settings, code=code),
        site=settings.site_url,
    )


def register(
    db: Session,
    security: Security,
    settings: Settings,
    limits: Limits,
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    language: str,
) -> None:
    """Create an unverified account and mail a code. An address already in use gets a notice
    instead, so the answer never tells whether an account exists; the password is hashed
    either way, so neither does the time the answer takes."""
    password_hash = security.hash_password(valid_password(password))
    existing = find_registrar(db, email)
    if existing is not None:
        if limits.hit(Limit.VERIFICATION_CODES, str(existing.id)):
            queue_email(
                db,
                existing.email,
                "already_registered",
                existing.language,
                site=settings.site_url,
            )
        return
    registrar = Registrar(
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        password_hash=password_hash,
    )
    db.add(registrar)
    db.flush()
    send_verification_code(db, settings, registrar)


def resend_code(db: Session, settings: Settings, limits: Limits, email: str) -> None:
    registrar = find_registrar(db, email)
    if registrar is None or registrar.status != RegistrarStatus.unverified:
        return
    if limits.hit(Limit.VERIFICATION_CODES, str(registrar.id)):
        send_verification_code(db, settings, registrar)


def verify_email(db: Session, limits: Limits, email: str, code: str) -> None:
    """Check a code. Attempts are counted per address before the look-up, so an unverified
    account, a verified one and an unknown address answer alike (422s, then 429)."""
    wrong = Invalid("The code is wrong or has expired. Ask for a new code.")
    limits.enforce(Limit.VERIFICATION_ATTEMPTS, email)
    registrar = find_registrar(db, email)
    if registrar is None or registrar.status != RegistrarStatus.unverified:
        raise wrong
    token = db.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _code_digest(registrar.id, code),
            AccountToken.purpose == TokenPurpose.email_verification,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
    )
    if token is None:
        raise wrong
    token.used_at = utcnow()
    registrar.status = RegistrarStatus.active
    registrar.email_verified_at = utcnow()


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def password_change_due(registrar: Registrar, settings: Settings) -> bool:
    months = settings.password_rotation_months
    return bool(months) and add_months(registrar.password_changed_at, months) <= utcnow()


def _count_failure(db: Session, settings: Settings, registrar: Registrar) -> None:
    """One wrong password or code, committed; the threshold locks until Celia unlocks."""
    registrar.failed_logins += 1
    if registrar.failed_logins >= settings.login_max_failures and not registrar.locked:
        registrar.locked = True
        registrar.locked_at = utcnow()
        queue_email(db, registrar.email, "account_locked", registrar.language)
        audit.record(
            db,
            actor_kind="system",
            actor_id=None,
            action="registrar.locked",
            target_kind="registrar",
            target_id=registrar.id,
        )
    db.commit()


def log_in(
    db: Session, security: Security, settings: Settings, email: str, password: str
) -> Registrar:
    """The registrar if the password is right. Failures are counted (and committed) before
    the refusal; the threshold locks the account until Celia staff unlock it."""
    registrar = find_registrar(db, email)
    correct = security.verify_password(
        registrar.password_hash if registrar else None, normalized(password)
    )
    if registrar is None:
        raise Unauthorized(WRONG_CREDENTIALS)
    if registrar.locked:
        raise Forbidden(LOCKED) if correct else Unauthorized(WRONG_CREDENTIALS)
    if not correct:
        _count_failure(db, settings, registrar)
        raise Unauthorized(WRONG_CREDENTIALS)
    if registrar.status == RegistrarStatus.unverified:
        raise Forbidden("Verify your e-mail address first with the code we sent you.")
    if registrar.password_hash and security.needs_rehash(registrar.password_hash):
        registrar.password_hash = security.hash_password(normalized(password))
    if not settings.registrar_two_factor_required:
        registrar.failed_logins = 0  # else only after the code
    return registrar


def check_second_factor(
    db: Session, security: Security, settings: Settings, registrar: Registrar, code: str
) -> None:
    """Accept a TOTP or recovery code, or count a failure like a wrong password."""
    if not second_factor.check_code(db, security, registrar, code):
        _count_failure(db, settings, registrar)
        raise Forbidden(LOCKED) if registrar.locked else Unauthorized(second_factor.WRONG_CODE)
    registrar.failed_logins = 0


def _set_password(
    db: Session, security: Security, registrar: Registrar, password: str, keep: int | None
) -> None:
    registrar.password_hash = security.hash_password(password)
    registrar.password_changed_at = utcnow()
    end_sessions(db, registrar_id=registrar.id, keep=keep)
    queue_email(db, registrar.email, "password_changed", registrar.language)


def change_password(
    db: Session,
    security: Security,
    registrar: Registrar,
    session: WebSession,
    current: str,
    new: str,
) -> None:
    if not security.verify_password(registrar.password_hash, normalized(current)):
        raise Invalid("The current password is wrong.")
    new = valid_password(new)
    if security.verify_password(registrar.password_hash, new):
        raise Invalid("The new password must differ from the current one.")
    _set_password(db, security, registrar, new, keep=session.id)
    session.password_change_required = False


# The chat (domain.yml, utter_password_reset_sent), the API and the forgot page say the same.
RESET_SENT = (
    "If the address has a registrar account, a link to set a new password is on its way "
    "(valid for one hour)."
)


async def request_password_reset(
    limits: Limits, worker: "ResetWorker", email: str, client: str
) -> str:
    """Count the client's limit (the only refusal anyone sees), queue the address for the
    reset worker and return the answer: the same work and words whatever the address."""
    await anyio.to_thread.run_sync(admit_reset_request, limits, client)
    worker.submit(email)
    return RESET_SENT


def admit_reset_request(limits: Limits, client: str) -> None:
    """Count a reset request against the client's hourly limit, the only visible refusal.

    It does not look at the address, so the answer's work and time are the same whether or
    not an account uses it; `send_password_reset` runs later, off the request path."""
    limits.enforce(Limit.RESET_PER_CLIENT, client)


def send_password_reset(db: Session, settings: Settings, limits: Limits, email: str) -> None:
    """Mail a single-use reset token if an active account uses the address and its limit allows."""
    registrar = find_registrar(db, email)
    if registrar is None or registrar.status != RegistrarStatus.active:
        return
    if not limits.hit(Limit.RESET_PER_ACCOUNT, str(registrar.id)):
        return
    _use_up(db, registrar.id, TokenPurpose.password_reset)
    token = new_token()
    db.add(
        AccountToken(
            registrar_id=registrar.id,
            purpose=TokenPurpose.password_reset,
            token_hash=token_digest(token),
            expires_at=utcnow() + timedelta(minutes=settings.password_reset_token_minutes),
        )
    )
    queue_email(
        db,
        registrar.email,
        "password_reset",
        registrar.language,
        secrets=seal(
            settings, token=token, link=f"{settings.site_url}/account/reset#token={token}"
        ),
        minutes=str(settings.password_reset_token_minutes),
        site=settings.site_url,
    )


def reset_password(db: Session, security: Security, token: str, new: str) -> Registrar:
    new = valid_password(new)
    row = db.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_digest(token),
            AccountToken.purpose == TokenPurpose.password_reset,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
    )
    registrar = db.get(Registrar, row.registrar_id) if row else None
    if row is None or registrar is None or registrar.status != RegistrarStatus.active:
        raise Invalid(RESET_LINK_UNUSABLE)
    row.used_at = utcnow()
    _set_password(db, security, registrar, new, keep=None)
    registrar.failed_logins = 0
    return registrar


def update_profile(
    registrar: Registrar, first_name: str | None, last_name: str | None, language: str | None
) -> None:
    if first_name is not None:
        registrar.first_name = first_name
    if last_name is not None:
        registrar.last_name = last_name
    if language is not None:
        registrar.language = language


def delete_account(db: Session, security: Security, registrar: Registrar, password: str) -> None:
    """Erase personal data but keep the row, so requests and audit entries stay consistent."""
    if not security.verify_password(registrar.password_hash, normalized(password)):
        raise Invalid("The password is wrong.")
    db.execute(
        update(AccountToken)
        .where(AccountToken.registrar_id == registrar.id)
        .values(used_at=utcnow())
    )
    end_sessions(db, registrar_id=registrar.id)
    registrar.units.clear()
    registrar.email = f"deleted-{registrar.id}@invalid"
    registrar.first_name = registrar.last_name = ""
    registrar.password_hash = None
    registrar.status = RegistrarStatus.deleted
    audit.record(
        db,
        actor_kind="registrar",
        actor_id=registrar.id,
        action="registrar.deleted",
        target_kind="registrar",
        target_id=registrar.id,
    )
