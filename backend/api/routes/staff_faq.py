"""Staff maintain the FAQ: list and search, edit drafts, approve, publish (gated), history,
diff and rollback, source documents, and turning unanswered questions into phrasings."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from backend import audit
from backend.api.auth import CurrentStaff, StaffContext
from backend.api.deps import LiveFaqDep, SessionDep, SettingsDep
from backend.api.fields import Id, Language
from backend.models import (
    FaqItemKind,
    FaqVersion,
    FaqVersionStatus,
)
from backend.services import faq_console, faq_content
from backend.services.errors import Invalid
from backend.services.faq_console import ItemView, VersionView
from backend.services.faq_live import GateRefused, LiveFaq
from knowledge.content import normalise_entry

router = APIRouter(prefix="/api/v1/staff/faq", tags=["staff-faq"])

Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Phrasing = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ContentIn(BaseModel):
    content: dict[str, Any]
    comment: Comment


class NewItemIn(ContentIn):
    key: Key


class PhrasingIn(BaseModel):
    q: Phrasing
    lang: Language


class PhrasingsIn(BaseModel):
    questions: list[PhrasingIn] = Field(min_length=1, max_length=100)
    must_answer: bool = False  # also require the entry to answer them (the regression gate)


class SourceIn(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=120)]
    titles: dict[str, Annotated[str, StringConstraints(min_length=1, max_length=200)]]
    text: Annotated[str, StringConstraints(min_length=1, max_length=60000)]


class ItemDetail(BaseModel):
    item: ItemView
    versions: list[VersionView]


class DiffOut(BaseModel):
    version: VersionView
    against: int | None
    diff: str


class PublishOut(BaseModel):
    version: VersionView
    generation: int
    top1: dict[str, float]


class SourceOut(BaseModel):
    name: str
    titles: dict[str, str]
    characters: int


class StatusOut(BaseModel):
    generation: int | None
    entries: int


@router.get("/items", response_model=list[ItemView])
def list_items(
    context: CurrentStaff,
    db: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: FaqItemKind | None = None,
) -> list[ItemView]:
    """Entries and not-covered topics; `q` searches ids, answers and phrasings."""
    return faq_console.items(db, kind=kind, query=q)


@router.get("/review", response_model=list[ItemView])
def review_list(context: CurrentStaff, db: SessionDep, settings: SettingsDep) -> list[ItemView]:
    """Entries to review: review-by date within 30 days or past, or many "not helpful" votes."""
    return faq_console.due_for_review(db, settings.faq_review_not_helpful_votes, date.today())


@router.get("/items/{kind}/{key}", response_model=ItemDetail)
def item_detail(kind: FaqItemKind, key: Key, context: CurrentStaff, db: SessionDep) -> ItemDetail:
    listed, versions = faq_console.item_detail(db, kind, key)
    return ItemDetail(item=listed, versions=versions)


def _saved(db: Session, draft: FaqVersion) -> VersionView:
    db.commit()
    return faq_console.version_view(db, draft)


def _content(kind: FaqItemKind, content: dict[str, Any]) -> dict[str, Any]:
    return normalise_entry(content) if kind == FaqItemKind.entry else content


@router.post("/items/{kind}", response_model=VersionView, status_code=status.HTTP_201_CREATED)
def create_item(
    kind: FaqItemKind, body: NewItemIn, context: CurrentStaff, db: SessionDep
) -> VersionView:
    """A new entry or topic, as a draft (version 1)."""
    content = _content(kind, body.content)
    draft = faq_content.save_draft(db, context.staff, kind, body.key, content, body.comment, True)
    return _saved(db, draft)


@router.post(
    "/items/{kind}/{key}/versions", response_model=VersionView, status_code=status.HTTP_201_CREATED
)
def save_version(
    kind: FaqItemKind, key: Key, body: ContentIn, context: CurrentStaff, db: SessionDep
) -> VersionView:
    """An edit, saved as a new draft version (the quote must be verbatim in its source)."""
    content = _content(kind, body.content)
    draft = faq_content.save_draft(db, context.staff, kind, key, content, body.comment, False)
    return _saved(db, draft)


@router.post(
    "/items/entry/{key}/phrasings", response_model=VersionView, status_code=status.HTTP_201_CREATED
)
def add_phrasings(
    key: Key, body: PhrasingsIn, context: CurrentStaff, db: SessionDep
) -> VersionView:
    """Unanswered questions added to an entry's phrasings as a new draft, in one step."""
    phrasings = [(phrasing.q, phrasing.lang) for phrasing in body.questions]
    draft = faq_console.add_phrasings(db, context.staff, key, phrasings, body.must_answer)
    return _saved(db, draft)


@router.get("/versions/{version_id}", response_model=DiffOut)
def version_diff(
    version_id: Id, context: CurrentStaff, db: SessionDep, against: Id | None = None
) -> DiffOut:
    """A version and its diff against `against` (default: the version before it)."""
    row, old, diff = faq_console.diff(db, version_id, against)
    return DiffOut(
        version=faq_console.version_view(db, row),
        against=old.id if old else None,
        diff=diff,
    )


@router.post("/versions/{version_id}/approve", response_model=VersionView)
def approve(
    version_id: Id, context: CurrentStaff, db: SessionDep, settings: SettingsDep
) -> VersionView:
    """A second staff member approves a draft (FAQ_SINGLE_PERSON_TEAM lets the author)."""
    row = faq_content.version(db, version_id)
    faq_content.approve(db, context.staff, row, settings.faq_single_person_team)
    db.commit()
    return faq_console.version_view(db, row)


async def _publish(
    live: LiveFaq, db: Session, context: StaffContext, row: FaqVersion, action: str
) -> PublishOut | JSONResponse:
    try:
        result = await run_in_threadpool(live.publish, db, context.staff, row, action)
    except GateRefused as refused:
        db.rollback()
        gate = refused.result
        return JSONResponse(
            status_code=status.HTTP_409_CONFLICT,
            content={
                "detail": "Not published: the evaluation would get worse.",
                "top1": gate.top1,
                "floors": gate.floors,
                "broken": [vars(item) for item in gate.broken],
            },
        )
    return PublishOut(
        version=faq_console.version_view(db, row),
        generation=live.generation or 0,
        top1=result.top1,
    )


@router.delete("/versions/{version_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_draft(version_id: Id, context: CurrentStaff, db: SessionDep) -> None:
    """Delete a draft (or approved, never published) version, audited."""
    faq_content.delete_draft(db, faq_content.version(db, version_id))
    audit.record(
        db,
        actor_kind="staff",
        actor_id=context.staff.id,
        action="faq_draft_deleted",
        target_kind="faq_version",
        target_id=version_id,
    )
    db.commit()


@router.post("/versions/{version_id}/publish", response_model=PublishOut)
async def publish(
    version_id: Id, live: LiveFaqDep, context: CurrentStaff, db: SessionDep
) -> PublishOut | JSONResponse:
    """Publish an approved version: the regression gate runs first; on success every worker
    swaps in the new index within seconds, without a restart."""
    row = faq_content.version(db, version_id)
    if row.status != FaqVersionStatus.approved:
        raise Invalid("Only an approved version can be published.")
    return await _publish(live, db, context, row, "publish")


@router.post("/versions/{version_id}/rollback", response_model=PublishOut)
async def rollback(
    version_id: Id, live: LiveFaqDep, context: CurrentStaff, db: SessionDep
) -> PublishOut | JSONResponse:
    """Publish again a version that was live before (through the regression gate)."""
    target = faq_content.version(db, version_id)
    copy = faq_content.rollback_copy(db, context.staff, target)
    return await _publish(live, db, context, copy, "rollback")


@router.get("/sources", response_model=list[SourceOut])
def list_sources(context: CurrentStaff, db: SessionDep) -> list[SourceOut]:
    return [
        SourceOut(name=r.name, titles=r.titles, characters=len(r.text))
        for r in faq_content.sources(db)
    ]


@router.post("/sources", response_model=SourceOut, status_code=status.HTTP_201_CREATED)
def add_source(body: SourceIn, context: CurrentStaff, db: SessionDep) -> SourceOut:
    """A new source document (plain text or Markdown) that entries may quote."""
    row = faq_content.add_source(db, context.staff, body.name, dict(body.titles), body.text)
    db.commit()
    return SourceOut(name=row.name, titles=row.titles, characters=len(row.text))


@router.get("/status", response_model=StatusOut)
def live_status(live: LiveFaqDep, context: CurrentStaff) -> StatusOut:
    """The generation this worker answers from."""
    return StatusOut(generation=live.generation, entries=len(live.service.entries))
