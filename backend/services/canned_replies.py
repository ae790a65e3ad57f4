"""Short reply templates the staff keep in Finnish, Swedish and English."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import audit
from backend.models import CannedReply, StaffUser
from backend.services.errors import Conflict, Invalid, NotFound
from privacy.redaction import HETU_PATTERN


def listed(db: Session) -> list[CannedReply]:
    return list(db.scalars(select(CannedReply).order_by(CannedReply.title)))


def get(db: Session, reply_id: int) -> CannedReply:
    row = db.get(CannedReply, reply_id)
    if row is None:
        raise NotFound("No such canned reply.")
    return row


def save(
    db: Session, staff: StaffUser, row: CannedReply | None, title: str, texts: dict[str, str]
) -> CannedReply:
    """Create (`row` None) or change a canned reply; audited; titles are unique."""
    if any(HETU_PATTERN.search(text) for text in (title, *texts.values())):
        raise Invalid("A canned reply must not contain a hetu.")
    created = row is None
    row = row or CannedReply(updated_by_id=staff.id)
    row.title = title
    row.text_fi, row.text_sv, row.text_en = texts["fi"], texts["sv"], texts["en"]
    row.updated_by_id = staff.id
    db.add(row)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError:
        raise Conflict("A canned reply with this title exists already.") from None
    _audit(db, staff, row, "created" if created else "changed")
    return row


def remove(db: Session, staff: StaffUser, row: CannedReply) -> None:
    _audit(db, staff, row, "deleted")
    db.delete(row)


def _audit(db: Session, staff: StaffUser, row: CannedReply, action: str) -> None:
    audit.record(
        db,
        actor_kind="staff",
        actor_id=staff.id,
        action=f"canned_reply.{action}",
        target_kind="canned_reply",
        target_id=row.id,
        detail=None,
    )
