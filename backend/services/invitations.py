"""Single-use links mailed to a person: register as a unit's main user, join a unit as a
registrar, or set a first staff password. The mail holds the token; the database only its
hash."""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.email.outbox import queue_email, seal
from backend.models import Invitation, InvitationKind, utcnow
from backend.security import new_token, token_digest
from backend.services.errors import Invalid
from backend.settings import Settings

PAGES = {
    InvitationKind.main_user: "/invitation",
    InvitationKind.staff_password: "/staff/set-password",
    InvitationKind.unit_registrar: "/account/join",
}
TEMPLATES = {
    InvitationKind.main_user: "main_user_invitation",
    InvitationKind.staff_password: "staff_password_link",
    InvitationKind.unit_registrar: "unit_invitation",
}


def send(
    db: Session,
    settings: Settings,
    kind: InvitationKind,
    email: str,
    *,
    unit_id: int | None = None,
    staff_user_id: int | None = None,
    invited_by_id: int | None = None,
    **mail_params: str,
) -> Invitation:
    """Mail a fresh link; earlier unused links of the same kind to the address (and unit)
    stop working."""
    db.execute(
        update(Invitation)
        .where(
            Invitation.kind == kind,
            Invitation.email == email,
            Invitation.unit_id == unit_id,
            Invitation.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    token = new_token()
    invitation = Invitation(
        kind=kind,
        email=email,
        unit_id=unit_id,
        staff_user_id=staff_user_id,
        invited_by_id=invited_by_id,
        token_hash=token_digest(token),
        expires_at=utcnow() + timedelta(days=settings.invitation_days),
    )
    db.add(invitation)
    db.flush()
    link = f"{settings.site_url}{PAGES[kind]}#token={token}"
    # Finnish first: the invitee's language is not known yet (Swedish and English follow).
    queue_email(
        db,
        email,
        TEMPLATES[kind],
        "fi",
        secrets=seal(settings, link=link),
        days=str(settings.invitation_days),
        **mail_params,
    )
    return invitation


def redeem(
    db: Session, kind: InvitationKind, token: str, *, for_email: str | None = None
) -> Invitation:
    """Use up a valid link (sent to `for_email`, when given), or refuse."""
    invitation = db.scalar(
        select(Invitation).where(
            Invitation.token_hash == token_digest(token),
            Invitation.kind == kind,
            Invitation.used_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    if invitation is None or for_email not in (None, invitation.email):
        raise Invalid(
            "The link is wrong, already used or expired, or sent to another address than "
            "yours. Ask for a new one."
        )
    invitation.used_at = utcnow()
    return invitation
