"""Celia staff users: creation (demo data, admin scripts) and log-in."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import rate_limit
from backend.models import StaffUser
from backend.password_policy import WeakPassword, check_password, normalized
from backend.security import Security
from backend.services.errors import TooManyRequests, Unauthorized

FAILURES_PER_15_MINUTES = 10


def create_staff_user(
    db: Session, security: Security, email: str, name: str, password: str
) -> StaffUser:
    try:
        check_password(password)
    except WeakPassword as error:
        raise ValueError(str(error)) from error
    staff = StaffUser(
        email=email.lower(), name=name, password_hash=security.hash_password(normalized(password))
    )
    db.add(staff)
    db.flush()
    return staff


def staff_log_in(db: Session, security: Security, email: str, password: str) -> StaffUser:
    staff = db.scalar(select(StaffUser).where(StaffUser.email == email, StaffUser.active))
    correct = security.verify_password(staff.password_hash if staff else None, normalized(password))
    if staff is not None and correct:
        return staff
    allowed = rate_limit.allow(
        db, f"staff-login:{email}", FAILURES_PER_15_MINUTES, timedelta(minutes=15)
    )
    db.commit()
    if not allowed:
        raise TooManyRequests("Too many failed log-ins. Try again in 15 minutes.")
    raise Unauthorized("The e-mail address or the password is wrong.")
