"""What the staff console learns from the chats: the questions the FAQ did not answer
(backend/services/unanswered.py reads them from the transcripts)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from backend.api.auth import CurrentStaff
from backend.api.deps import SessionDep
from backend.services.unanswered import unanswered_question_groups

router = APIRouter(prefix="/api/v1/staff/insights", tags=["staff"])


class EscalationRef(BaseModel):
    id: int
    reference: str


class QuestionGroupOut(BaseModel):
    question: str
    language: str  # of the conversation it was asked in (the newest), for the page's `lang`
    count: int
    last_asked_at: datetime
    escalations: list[EscalationRef]


class UnansweredQuestions(BaseModel):
    groups: list[QuestionGroupOut]
    total: int


@router.get("/unanswered-questions", response_model=UnansweredQuestions)
def unanswered_questions(
    context: CurrentStaff,
    db: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> UnansweredQuestions:
    """Unanswered questions of the latest `limit` such escalations, most asked first."""
    groups = unanswered_question_groups(db, limit)
    return UnansweredQuestions(
        groups=[
            QuestionGroupOut(
                question=group.question,
                language=group.escalations[0].language,
                count=len(group.escalations),
                last_asked_at=group.last_asked_at,
                escalations=[
                    EscalationRef(id=row.id, reference=row.reference) for row in group.escalations
                ],
            )
            for group in groups
        ],
        total=sum(len(group.escalations) for group in groups),
    )
