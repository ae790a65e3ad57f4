"""Celia's management of units: create, rename, close, list, and appoint a unit's main user
(an existing registrar is promoted; a new person gets an invitation to register)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit
from backend.audit import Actor
from backend.email.outbox import queue_email
from backend.models import (
    InvitationKind,
    Registrar,
    RegistrarStatus,
    Unit,
    UnitKind,
    utcnow,
)
from backend.security import Security
from backend.services import accounts, invitations
from backend.services.access import make_main_user
from backend.services.errors import Conflict, Invalid, NotFound
from backend.settings import Settings


def list_units(db: Session, include_closed: bool = True) -> list[Unit]:
    query = select(Unit).order_by(Unit.name)
    if not include_closed:
        query = query.where(Unit.closed_at.is_(None))
    return list(db.scalars(query))


def get_unit(db: Session, unit_id: int) -> Unit:
    unit = db.get(Unit, unit_id)
    if unit is None:
        raise NotFound("No such unit.")
    return unit


def _open_unit(db: Session, unit_id: int) -> Unit:
    unit = get_unit(db, unit_id)
    if unit.closed_at is not None:
        raise Conflict("The unit is closed.")
    return unit


def _free_name(db: Session, name: str) -> str:
    name = name.strip()
    if not name:
        raise Invalid("Give the unit a name.")
    if db.scalar(select(Unit).where(Unit.name == name)) is not None:
        raise Conflict("A unit with this name exists already.")
    return name


def create_unit(db: Session, actor: Actor, name: str, kind: UnitKind) -> Unit:
    unit = Unit(name=_free_name(db, name), kind=kind)
    db.add(unit)
    db.flush()
    audit.record_by(db, actor, "unit.created", "unit", unit.id, f"kind {kind.value}")
    return unit


def rename_unit(db: Session, actor: Actor, unit_id: int, name: str) -> Unit:
    unit = _open_unit(db, unit_id)
    unit.name = _free_name(db, name)
    audit.record_by(db, actor, "unit.renamed", "unit", unit.id)
    return unit


def close_unit(db: Session, actor: Actor, unit_id: int) -> Unit:
    """A closed unit keeps its records; its registrars can no longer act for it."""
    unit = _open_unit(db, unit_id)
    unit.closed_at = utcnow()
    audit.record_by(db, actor, "unit.closed", "unit", unit.id)
    return unit


def invite_main_user(
    db: Session, settings: Settings, actor: Actor, unit_id: int, email: str
) -> str:
    """ "promoted" when a verified registrar uses the address (now the unit's main user),
    else "invited" (a single-use registration link is mailed)."""
    unit = _open_unit(db, unit_id)
    email = email.strip().lower()
    registrar = accounts.find_registrar(db, email)
    if registrar is not None and registrar.status == RegistrarStatus.active:
        make_main_user(db, registrar, unit)
        queue_email(db, registrar.email, "main_user_appointed", registrar.language, unit=unit.name)
        audit.record_by(
            db, actor, "unit.main_user_appointed", "registrar", registrar.id, f"unit {unit.id}"
        )
        return "promoted"
    if registrar is not None:
        raise Conflict(
            "An unverified account uses this address: the person verifies it first (or asks "
            "for a new code), then name them again."
        )
    invitation = invitations.send(
        db,
        settings,
        InvitationKind.main_user,
        email,
        unit_id=unit.id,
        invited_by_id=actor.id,
        unit=unit.name,
    )
    audit.record_by(
        db, actor, "unit.main_user_invited", "invitation", invitation.id, f"unit {unit.id}"
    )
    return "invited"


def accept_main_user_invitation(
    db: Session,
    security: Security,
    settings: Settings,
    *,
    token: str,
    first_name: str,
    last_name: str,
    password: str,
    language: str,
) -> Registrar:
    """Register the invited person as the unit's main user; the e-mail code verifies them."""
    password = accounts.valid_password(password)
    invitation = invitations.redeem(db, InvitationKind.main_user, token)
    unit = db.get(Unit, invitation.unit_id)
    if unit is None or unit.closed_at is not None:
        raise Conflict("The unit of this invitation is closed. Ask Celia for a new invitation.")
    if accounts.find_registrar(db, invitation.email) is not None:
        raise Conflict(
            "This address has an account already. Ask Celia to make it the unit's main user."
        )
    registrar = Registrar(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        password_hash=security.hash_password(password),
    )
    db.add(registrar)
    make_main_user(db, registrar, unit)
    accounts.send_verification_code(db, settings, registrar)
    audit.record_by(
        db,
        Actor("registrar", registrar.id),
        "unit.main_user_registered",
        "registrar",
        registrar.id,
        f"unit {unit.id}",
    )
    return registrar
