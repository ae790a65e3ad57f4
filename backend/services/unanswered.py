"""The questions the FAQ did not answer, read from hand-off transcripts.

Derived from escalations with reason `unanswered_question` (their transcripts are redacted when
stored): the bot's hand-off offer is the last bot line of such a transcript, so the question is
the last user line before it. Questions that differ only in case, punctuation or spacing form one
group, so staff see which missing FAQ entries are asked most.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Escalation, EscalationReason

_SPEAKER = re.compile(r"^(user|bot): ", re.MULTILINE)
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass
class QuestionGroup:
    question: str  # the first wording seen (the newest)
    last_asked_at: datetime
    escalations: list[Escalation] = field(default_factory=list)


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


def unanswered_question_groups(db: Session, limit: int) -> list[QuestionGroup]:
    """The questions of the latest `limit` such escalations, grouped, most asked first."""
    rows = db.scalars(
        select(Escalation)
        .where(Escalation.reason == EscalationReason.unanswered_question)
        .order_by(Escalation.id.desc())
        .limit(limit)
    )
    groups: dict[str, QuestionGroup] = {}
    for row in rows:
        question = unanswered_question(row.transcript)
        if question is None:
            continue
        group = groups.setdefault(group_key(question), QuestionGroup(question, row.created_at))
        group.escalations.append(row)
    # Rows come newest first and the sort is stable: equal counts stay newest first.
    return sorted(groups.values(), key=lambda group: -len(group.escalations))
