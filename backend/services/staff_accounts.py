"""Celia staff users: creation, roles, log-in with a second factor, lock, password.

Used by the admin command (`python -m backend.admin`), the admin pages of the staff console and
the demo data. A staff user created without a password gets a one-time set-password link by
e-mail; nobody else ever types or sees it.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit
from backend.audit import Actor
from backend.email.outbox import queue_email
from backend.limits import Limit, Limits
from backend.models import InvitationKind, StaffRole, StaffUser
from backend.password_policy import normalized
from backend.security import Security
from backend.services import invitations, second_factor
from backend.services.accounts import valid_password
from backend.services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Unauthorized,
)
from backend.sessions import end_sessions
from backend.settings import Settings

WRONG_CREDENTIALS = "The e-mail address or the password is wrong."
LOCKED = "Your staff account is locked after too many failed attempts. An admin unlocks it."


def find_staff(db: Session, email: str) -> StaffUser | None:
    return db.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))


def get_staff(db: Session, staff_id: int) -> StaffUser:
    staff = db.get(StaffUser, staff_id)
    if staff is None:
        raise NotFound("No such staff user.")
    return staff


def list_staff(db: Session) -> list[StaffUser]:
    return list(db.scalars(select(StaffUser).order_by(StaffUser.email)))


def create_staff_user(
    db: Session,
    security: Security,
    email: str,
    name: str,
    password: str | None,
    role: StaffRole = StaffRole.agent,
) -> StaffUser:
    """A staff user; without a password one must be set through a link (`send_password_link`)."""
    if find_staff(db, email) is not None:
        raise Conflict("A staff user with this e-mail address exists already.")
    staff = StaffUser(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        password_hash=security.hash_password(valid_password(password)) if password else None,
    )
    db.add(staff)
    db.flush()
    return staff


def add_staff_user(
    db: Session,
    security: Security,
    settings: Settings,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: StaffRole,
    password: str | None,
) -> StaffUser:
    """Create and audit; with no password, mail a set-password link."""
    staff = create_staff_user(db, security, email, name, password, role)
    audit.record_by(db, actor, "staff.created", "staff", staff.id, f"role {role.value}")
    if password is None:
        send_password_link(db, settings, actor, staff)
    return staff


def send_password_link(db: Session, settings: Settings, actor: Actor, staff: StaffUser) -> None:
    invitations.send(
        db,
        settings,
        InvitationKind.staff_password,
        staff.email,
        staff_user_id=staff.id,
        invited_by_id=actor.id,
    )
    audit.record_by(db, actor, "staff.password_link_sent", "staff", staff.id)


def set_password_with_link(db: Session, security: Security, token: str, password: str) -> None:
    password = valid_password(password)
    invitation = invitations.redeem(db, InvitationKind.staff_password, token)
    staff = db.get(StaffUser, invitation.staff_user_id)
    if staff is None or not staff.active:
        raise Invalid("The link is wrong, already used or expired. Ask for a new one.")
    staff.password_hash = security.hash_password(password)
    end_sessions(db, staff_user_id=staff.id)
    audit.record_by(db, Actor("staff", staff.id), "staff.password_set", "staff", staff.id)


def set_active(db: Session, actor: Actor, staff: StaffUser, active: bool) -> None:
    if not active and actor.id == staff.id:
        raise Conflict("You cannot disable your own account.")
    staff.active = active
    if not active:
        end_sessions(db, staff_user_id=staff.id)
    audit.record_by(db, actor, "staff.enabled" if active else "staff.disabled", "staff", staff.id)


def set_role(db: Session, actor: Actor, staff: StaffUser, role: StaffRole) -> None:
    if actor.id == staff.id and role != StaffRole.admin:
        raise Conflict("You cannot take the admin role from yourself.")
    staff.role = role
    audit.record_by(db, actor, "staff.role_changed", "staff", staff.id, f"role {role.value}")


def unlock(db: Session, actor: Actor, staff: StaffUser) -> None:
    staff.locked = False
    staff.failed_logins = 0
    audit.record_by(db, actor, "staff.unlocked", "staff", staff.id)


def reset_second_factor(db: Session, actor: Actor, staff: StaffUser) -> None:
    """The staff user enrols again at the next log-in; every session of theirs ends."""
    second_factor.remove(db, staff)
    end_sessions(db, staff_user_id=staff.id)
    staff.locked = False
    staff.failed_logins = 0
    queue_email(db, staff.email, "second_factor_reset", "fi")  # staff: Finnish first
    audit.record_by(db, actor, "staff.second_factor_reset", "staff", staff.id)


def _count_failure(db: Session, settings: Settings, staff: StaffUser) -> None:
    """One wrong password or code; the threshold locks the account (committed either way)."""
    staff.failed_logins += 1
    if staff.failed_logins >= settings.login_max_failures and not staff.locked:
        staff.locked = True
        audit.record_by(db, Actor("system"), "staff.locked", "staff", staff.id)
    db.commit()


def staff_log_in(
    db: Session,
    security: Security,
    settings: Settings,
    limits: Limits,
    email: str,
    password: str,
) -> StaffUser:
    """The staff user if the password is right; the second factor is checked next."""
    staff = find_staff(db, email)
    if staff is not None and not staff.active:
        staff = None  # a disabled account answers like an unknown one
    correct = security.verify_password(staff.password_hash if staff else None, normalized(password))
    if staff is not None and staff.locked:
        raise Forbidden(LOCKED) if correct else Unauthorized(WRONG_CREDENTIALS)
    if staff is not None and correct:
        return staff
    if staff is not None:
        _count_failure(db, settings, staff)
    limits.enforce(Limit.STAFF_LOGIN_FAILURES, email.lower())
    raise Unauthorized(WRONG_CREDENTIALS)


def check_second_factor(
    db: Session, security: Security, settings: Settings, staff: StaffUser, code: str
) -> None:
    """Accept a TOTP or recovery code, or count a failure like a wrong password."""
    if staff.locked:
        raise Forbidden(LOCKED)
    if not second_factor.check_code(db, security, staff, code):
        _count_failure(db, settings, staff)
        raise Forbidden(LOCKED) if staff.locked else Unauthorized(second_factor.WRONG_CODE)
    staff.failed_logins = 0


def change_password(
    db: Session, security: Security, staff: StaffUser, keep_session: int, current: str, new: str
) -> None:
    """Change one's own password; every other session of the user ends."""
    if not security.verify_password(staff.password_hash, normalized(current)):
        raise Invalid("The current password is wrong.")
    new = valid_password(new)
    if security.verify_password(staff.password_hash, new):
        raise Invalid("The new password must differ from the current one.")
    staff.password_hash = security.hash_password(new)
    end_sessions(db, staff_user_id=staff.id, keep=keep_session)
    audit.record_by(db, Actor("staff", staff.id), "staff.password_changed", "staff", staff.id)
