"""Second factor: TOTP codes (RFC 6238, pyotp) and single-use recovery codes.

A code is accepted for the current 30-second step or one step either side (clock drift), and
only for a step later than the last accepted one, so a seen code cannot be replayed. The QR
code is drawn here (segno), never by a third-party service: the secret stays on this server.
"""

import io
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from backend.models import RecoveryCode, Registrar, SecondFactor, StaffUser, utcnow
from backend.security import Security, token_digest
from backend.services.errors import Conflict, Invalid

ISSUER = "Celia"
RECOVERY_CODES = 10
DRIFT_STEPS = 1
STEP_SECONDS = 30
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)

Owner = StaffUser | Registrar
WRONG_CODE = "The code is wrong or already used."


def factor_of(db: Session, owner: Owner) -> SecondFactor | None:
    if isinstance(owner, StaffUser):
        return db.scalar(select(SecondFactor).where(SecondFactor.staff_user_id == owner.id))
    return db.scalar(select(SecondFactor).where(SecondFactor.registrar_id == owner.id))


def enrolled(db: Session, owner: Owner) -> bool:
    factor = factor_of(db, owner)
    return factor is not None and factor.confirmed_at is not None


def pending_secret(db: Session, security: Security, owner: Owner) -> str:
    """The secret being enrolled: created on first call, the same one until confirmed."""
    factor = factor_of(db, owner)
    if factor is not None and factor.confirmed_at is not None:
        raise ValueError("the second factor is already enrolled")
    if factor is None:
        factor = SecondFactor(
            staff_user_id=owner.id if isinstance(owner, StaffUser) else None,
            registrar_id=owner.id if isinstance(owner, Registrar) else None,
            secret_encrypted=security.encrypt_totp_secret(pyotp.random_base32()),
        )
        db.add(factor)
        db.flush()
    return security.decrypt_totp_secret(factor.secret_encrypted)


def enrol_known_secret(db: Session, security: Security, owner: Owner, secret: str) -> None:
    """Enrol a given secret at once (demo data and tests, whose codes must be computable)."""
    remove(db, owner)
    db.flush()
    db.add(
        SecondFactor(
            staff_user_id=owner.id if isinstance(owner, StaffUser) else None,
            registrar_id=owner.id if isinstance(owner, Registrar) else None,
            secret_encrypted=security.encrypt_totp_secret(secret),
            confirmed_at=utcnow(),
        )
    )


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(uri: str) -> bytes:
    """An SVG QR code of the otpauth URI, with a title for assistive technology."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", scale=6, border=4, xmldecl=False, title="QR-koodi todennussovellukselle"
    )
    return out.getvalue()


def _step(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def _accept_totp(db: Session, security: Security, factor: SecondFactor, code: str) -> bool:
    totp = pyotp.TOTP(security.decrypt_totp_secret(factor.secret_encrypted))
    now = _step(utcnow())
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if factor.last_step is not None and step <= factor.last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            # Conditional, so two requests racing with one code (any worker) cannot both pass.
            used = db.execute(
                update(SecondFactor)
                .where(
                    SecondFactor.id == factor.id,
                    or_(SecondFactor.last_step.is_(None), SecondFactor.last_step < step),
                )
                .values(last_step=step)
            )
            changed: int = used.rowcount  # type: ignore[attr-defined]
            return changed == 1
    return False


def _recovery_digest(factor_id: int, code: str) -> str:
    return token_digest(f"recovery:{factor_id}:{code.replace('-', '').lower()}")


def _accept_recovery(db: Session, factor: SecondFactor, code: str) -> bool:
    used = db.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.factor_id == factor.id,
            RecoveryCode.code_hash == _recovery_digest(factor.id, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    changed: int = used.rowcount  # type: ignore[attr-defined]
    return changed == 1


def check_code(db: Session, security: Security, owner: Owner, code: str) -> bool:
    """True for a fresh TOTP code or an unused recovery code of an enrolled owner."""
    factor = factor_of(db, owner)
    if factor is None or factor.confirmed_at is None:
        return False
    code = code.strip()
    if code.isdigit():
        return _accept_totp(db, security, factor, code)
    return _accept_recovery(db, factor, code)


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def confirm(db: Session, security: Security, owner: Owner, code: str) -> list[str]:
    """Finish enrolment with a code from the app; the recovery codes, shown only now."""
    factor = factor_of(db, owner)
    if factor is None or factor.confirmed_at is not None:
        raise Conflict("There is no enrolment to confirm; log in again.")
    if not code.strip().isdigit() or not _accept_totp(db, security, factor, code.strip()):
        raise Invalid("The code is wrong. Check the time on your phone and try the next code.")
    factor.confirmed_at = utcnow()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    factor.recovery_codes = [RecoveryCode(code_hash=_recovery_digest(factor.id, c)) for c in codes]
    return codes


def remove(db: Session, owner: Owner) -> None:
    """Forget the owner's second factor; the next log-in enrols a new one."""
    factor = factor_of(db, owner)
    if factor is not None:
        db.delete(factor)
