"""What the staff console learns from the chats: the questions the FAQ did not answer.

Derived from escalations with reason `unanswered_question` (their transcripts are redacted when
stored): the bot's hand-off offer is the last bot line of such a transcript, so the question is
the last user line before it. Questions that differ only in case, punctuation or spacing form one
group, so staff see which missing FAQ entries are asked most.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from backend.api.auth import CurrentStaff
from backend.api.deps import SessionDep
from backend.models import Escalation, EscalationReason

router = APIRouter(prefix="/api/v1/staff/insights", tags=["staff"])

_SPEAKER = re.compile(r"^(user|bot): ", re.MULTILINE)
_NOT_WORD = re.compile(r"[^\w]+")


class EscalationRef(BaseModel):
    id: int
    reference: str


class QuestionGroup(BaseModel):
    question: str
    count: int
    last_asked_at: datetime
    escalations: list[EscalationRef]


class UnansweredQuestions(BaseModel):
    groups: list[QuestionGroup]
    total: int


def transcript_turns(transcript: str) -> list[tuple[str, str]]:
    """(speaker, text) pairs; a line without a speaker continues the previous turn."""
    parts = _SPEAKER.split(transcript)
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]


def unanswered_question(transcript: str) -> str | None:
    """The user's last line before the bot's last line (the hand-off offer)."""
    turns = transcript_turns(transcript)
    last_bot = max((i for i, (speaker, _) in enumerate(turns) if speaker == "bot"), default=None)
    if last_bot is None:
        return None
    asked = [text for speaker, text in turns[:last_bot] if speaker == "user" and text]
    return asked[-1] if asked else None


def group_key(question: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", question.casefold()).split())


@dataclass
class _Group:
    question: str
    last_asked_at: datetime
    escalations: list[Escalation] = field(default_factory=list)


@router.get("/unanswered-questions", response_model=UnansweredQuestions)
def unanswered_questions(
    context: CurrentStaff,
    db: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
):
    """Unanswered questions of the latest `limit` such escalations, most asked first."""
    rows = db.scalars(
        select(Escalation)
        .where(Escalation.reason == EscalationReason.unanswered_question)
        .order_by(Escalation.id.desc())
        .limit(limit)
    )
    groups: dict[str, _Group] = {}
    for row in rows:
        question = unanswered_question(row.transcript)
        if question is None:
            continue
        group = groups.setdefault(group_key(question), _Group(question, row.created_at))
        group.escalations.append(row)
    # Rows come newest first and the sort is stable: equal counts stay newest first.
    ordered = sorted(groups.values(), key=lambda group: -len(group.escalations))
    return UnansweredQuestions(
        groups=[
            QuestionGroup(
                question=group.question,
                count=len(group.escalations),
                last_asked_at=group.last_asked_at,
                escalations=[
                    EscalationRef(id=row.id, reference=row.reference) for row in group.escalations
                ],
            )
            for group in ordered
        ],
        total=sum(len(group.escalations) for group in groups.values()),
    )
