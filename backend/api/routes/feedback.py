"""Registrars' "Was this helpful?" votes on FAQ answers, and what staff see of them.

A vote names the conversation, the FAQ entry the widget showed and the answer id the chat
issued with it (so only an answer actually given can be voted on); one vote per entry per
conversation (409 for a second). The optional comment is redacted before it is stored.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field, StringConstraints

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
from backend.services import answer_votes
from backend.sessions import current_registrar_id

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
    answer_votes.record(
        db,
        security,
        body.conversation_id,
        body.entry_id,
        body.answer_id,
        body.helpful,
        body.comment,
        current_registrar_id(request, db, security, settings),
    )
    return FeedbackOut(recorded=True)


def _question(entries: dict[str, Any], entry_id: str) -> str:
    """The entry's first Finnish question (its id, for an entry no longer in the FAQ)."""
    return str(entries.get(entry_id, {}).get("questions", {}).get("fi", [entry_id])[0])


@router.get("/staff/insights/answer-feedback", response_model=AnswerFeedbackReport)
def answer_feedback(context: CurrentStaff, db: SessionDep, faq: FaqDep) -> AnswerFeedbackReport:
    """Votes and comments per FAQ entry, the most "no" votes first."""
    return AnswerFeedbackReport(
        entries=[
            EntryFeedback(
                entry_id=votes.entry_id,
                question=_question(faq.entries, votes.entry_id),
                yes=votes.yes,
                no=votes.no,
                comments=[
                    FeedbackComment(helpful=c.helpful, comment=c.comment, created_at=c.created_at)
                    for c in votes.comments
                ],
            )
            for votes in answer_votes.per_entry(db)
        ]
    )
