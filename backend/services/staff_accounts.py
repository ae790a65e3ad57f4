"""Celia staff users: creation (demo data, admin scripts) and log-in."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.limits import Limit, Limits
from backend.models import StaffUser
from backend.password_policy import WeakPassword, check_password, normalized
from backend.security import Security
from backend.services.errors import Unauthorized


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


def staff_log_in(
    db: Session, security: Security, limits: Limits, email: str, password: str
) -> StaffUser:
    staff = db.scalar(select(StaffUser).where(StaffUser.email == email, StaffUser.active))
    correct = security.verify_password(staff.password_hash if staff else None, normalized(password))
    if staff is not None and correct:
        return staff
    limits.enforce(Limit.STAFF_LOGIN_FAILURES, email.lower())
    raise Unauthorized("The e-mail address or the password is wrong.")
