"""Registrars' "Was this helpful?" votes on FAQ answers: one vote per entry per conversation,
only on an answer the chat gave (its answer id), the comment redacted before it is stored; and
the votes per entry for staff, counted by the database."""

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import conversations
from backend.models import AnswerFeedback
from backend.security import Security
from backend.services.errors import Conflict, Invalid, NotFound
from privacy.redaction import redact


def record(
    db: Session,
    security: Security,
    conversation_id: str,
    entry_id: str,
    answer_id: str,
    helpful: bool,
    comment: str | None,
    registrar_id: int | None,
) -> None:
    """The vote of `registrar_id` (None: anonymous) on an answer of their conversation."""
    conversation = conversations.find(db, conversation_id)
    if conversation is None or conversation.registrar_id not in (None, registrar_id):
        raise NotFound("No such conversation.")
    if not hmac.compare_digest(answer_id, security.answer_id(conversation.id, entry_id)):
        raise Invalid("The assistant gave no such answer in this conversation.")
    db.add(
        AnswerFeedback(
            conversation_id=conversation.id,
            entry_id=entry_id,
            helpful=helpful,
            comment=redact(comment) if comment else None,
        )
    )
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Conflict("This answer already has your vote.") from None


@dataclass(frozen=True)
class Comment:
    helpful: bool
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class EntryVotes:
    entry_id: str
    yes: int
    no: int
    comments: list[Comment]  # newest first


def per_entry(db: Session) -> list[EntryVotes]:
    """Every voted entry's counts (one GROUP BY) with its comments, the most "no" first."""
    counted = db.execute(
        select(
            AnswerFeedback.entry_id,
            func.count().filter(AnswerFeedback.helpful.is_(True)),
            func.count().filter(AnswerFeedback.helpful.is_(False)),
        ).group_by(AnswerFeedback.entry_id)
    ).all()
    comments: dict[str, list[Comment]] = {}
    for row in db.scalars(
        select(AnswerFeedback)
        .where(AnswerFeedback.comment.is_not(None), AnswerFeedback.comment != "")
        .order_by(AnswerFeedback.id.desc())
    ):
        comments.setdefault(row.entry_id, []).append(
            Comment(row.helpful, row.comment or "", row.created_at)
        )
    votes = [
        EntryVotes(entry_id, yes, no, comments.get(entry_id, [])) for entry_id, yes, no in counted
    ]
    return sorted(votes, key=lambda entry: (-entry.no, -entry.yes, entry.entry_id))
