from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, StringConstraints

from backend.api.deps import FaqDep
from backend.metrics import FAQ_ANSWERS

router = APIRouter(prefix="/api/v1", tags=["faq"])

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class AskRequest(BaseModel):
    question: Question
    lang: Literal["fi", "sv", "en"] | None = None


class SourceOut(BaseModel):
    document: str
    section: str


class AskResponse(BaseModel):
    answered: bool
    answer: str | None
    entry_id: str | None
    score: float
    lang: str
    sources: list[SourceOut]
    # In the asker's language: "this is from May 2021; check with Celia" for dated content.
    caveat: str | None = None
    # For a question the FAQ does not cover: where the sources point (e.g. contact details),
    # or, for a near miss, what the sources say on its topic ("Tästä aiheesta ohjeissa…").
    see_also: str | None = None
    # A near miss: the entry on the question's topic that does not say what was asked.
    related_entry_id: str | None = None


@router.post("/ask", response_model=AskResponse)
async def ask(body: AskRequest, faq: FaqDep) -> AskResponse:
    """Answer a registrar's question from Celia's FAQ, or say it is not covered."""
    result = await run_in_threadpool(faq.ask, body.question, body.lang)
    FAQ_ANSWERS.labels(result.lang, "answered" if result.answered else "abstained").inc()
    return AskResponse(
        answered=result.answered,
        answer=result.answer,
        entry_id=result.entry_id,
        score=result.score,
        lang=result.lang,
        sources=[SourceOut(document=s.document, section=s.section) for s in result.sources],
        caveat=result.caveat,
        see_also=result.see_also,
        related_entry_id=result.related_entry_id,
    )
