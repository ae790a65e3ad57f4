"""Registrars' "Was this helpful?" votes on FAQ answers, and what staff see of them.

A vote names the conversation, the FAQ entry the widget showed and the answer id the chat
issued with it (so only an answer actually given can be voted on); one vote per entry per
conversation (409 for a second). The optional comment is redacted before it is stored.
"""

import hmac
from collections import defaultdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.api.auth import CurrentStaff
from backend.api.deps import (
    FaqDep,
    LimitsDep,
    SecurityDep,
    SessionDep,
    SettingsDep,
    client_address,
)
from backend.limits import Limit
from backend.models import AnswerFeedback, Conversation
from backend.sessions import current_registrar_id
from privacy.redaction import redact

router = APIRouter(prefix="/api/v1", tags=["feedback"])

Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class FeedbackIn(BaseModel):
    conversation_id: str = Field(min_length=1, max_length=64)
    entry_id: str = Field(min_length=1, max_length=64)
    answer_id: str = Field(min_length=1, max_length=64)
    helpful: bool
    comment: Comment | None = None


class FeedbackOut(BaseModel):
    recorded: bool


class FeedbackComment(BaseModel):
    helpful: bool
    comment: str
    created_at: datetime


class EntryFeedback(BaseModel):
    entry_id: str
    question: str
    yes: int
    no: int
    comments: list[FeedbackComment]


class AnswerFeedbackReport(BaseModel):
    entries: list[EntryFeedback]


@router.post("/feedback", response_model=FeedbackOut, status_code=status.HTTP_201_CREATED)
def give_feedback(
    body: FeedbackIn,
    request: Request,
    db: SessionDep,
    limits: LimitsDep,
    faq: FaqDep,
    security: SecurityDep,
    settings: SettingsDep,
) -> FeedbackOut:
    """Record whether an FAQ answer helped, with an optional comment (redacted)."""
    limits.enforce(Limit.FEEDBACK_PER_CLIENT, client_address(request))
    if body.entry_id not in faq.entries:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "No such FAQ entry.")
    conversation = db.get(Conversation, body.conversation_id)
    if conversation is None or conversation.registrar_id not in (
        None,
        current_registrar_id(request, db, security, settings),
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation.")
    if not hmac.compare_digest(body.answer_id, security.answer_id(conversation.id, body.entry_id)):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "The assistant gave no such answer in this conversation.",
        )
    db.add(
        AnswerFeedback(
            conversation_id=conversation.id,
            entry_id=body.entry_id,
            helpful=body.helpful,
            comment=redact(body.comment) if body.comment else None,
        )
    )
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(
            status.HTTP_409_CONFLICT, "This answer already has your vote."
        ) from None
    return FeedbackOut(recorded=True)


@router.get("/staff/insights/answer-feedback", response_model=AnswerFeedbackReport)
def answer_feedback(context: CurrentStaff, db: SessionDep, faq: FaqDep):
    """Votes and comments per FAQ entry, the most "no" votes first."""
    faq_entries = faq.entries
    votes: dict[str, list[AnswerFeedback]] = defaultdict(list)
    for row in db.scalars(select(AnswerFeedback).order_by(AnswerFeedback.id.desc())):
        votes[row.entry_id].append(row)
    report = [
        EntryFeedback(
            entry_id=entry_id,
            question=faq_entries.get(entry_id, {}).get("questions", {}).get("fi", [entry_id])[0],
            yes=sum(row.helpful for row in rows),
            no=sum(not row.helpful for row in rows),
            comments=[
                FeedbackComment(helpful=row.helpful, comment=row.comment, created_at=row.created_at)
                for row in rows
                if row.comment
            ],
        )
        for entry_id, rows in votes.items()
    ]
    report.sort(key=lambda entry: (-entry.no, -entry.yes, entry.entry_id))
    return AnswerFeedbackReport(entries=report)
