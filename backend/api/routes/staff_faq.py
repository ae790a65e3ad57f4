"""Staff maintain the FAQ: list and search, edit drafts, approve, publish (gated), history,
diff and rollback, source documents, and turning unanswered questions into phrasings."""

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend import audit
from backend.api.auth import CurrentStaff, StaffContext
from backend.api.deps import LiveFaqDep, SessionDep, SettingsDep
from backend.api.fields import Id, Language
from backend.models import (
    AnswerFeedback,
    FaqItem,
    FaqItemKind,
    FaqSource,
    FaqVersion,
    FaqVersionStatus,
    StaffUser,
)
from backend.services import faq_content
from backend.services.errors import Invalid
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


class ItemOut(BaseModel):
    kind: FaqItemKind
    key: str
    title: str
    published_version_id: int | None
    latest_version_id: int
    latest_status: str
    review_by: str | None
    dated: str | None
    not_helpful: int


class VersionOut(BaseModel):
    id: int
    item_kind: FaqItemKind
    item_key: str
    number: int
    status: str
    comment: str
    content: dict[str, Any]
    created_at: datetime
    author: str | None
    approved_by: str | None
    published_by: str | None
    published_at: datetime | None


class ItemDetail(BaseModel):
    item: ItemOut
    versions: list[VersionOut]


class DiffOut(BaseModel):
    version: VersionOut
    against: int | None
    diff: str


class PublishOut(BaseModel):
    version: VersionOut
    generation: int
    top1: dict[str, float]


class SourceOut(BaseModel):
    name: str
    titles: dict[str, str]
    characters: int


class StatusOut(BaseModel):
    generation: int | None
    entries: int


def _name(db: Session, staff_id: int | None) -> str | None:
    staff = db.get(StaffUser, staff_id) if staff_id is not None else None
    return staff.name if staff else None


def _version_out(db: Session, row: FaqVersion) -> VersionOut:
    item = db.get_one(FaqItem, row.item_id)
    return VersionOut(
        id=row.id,
        item_kind=item.kind,
        item_key=item.key,
        number=row.number,
        status=row.status.value,
        comment=row.comment,
        content=row.content,
        created_at=row.created_at,
        author=_name(db, row.author_id),
        approved_by=_name(db, row.approved_by_id),
        published_by=_name(db, row.published_by_id),
        published_at=row.published_at,
    )


def _title(item: FaqItem, content: dict[str, Any]) -> str:
    if item.kind == FaqItemKind.entry:
        return (content.get("questions") or {}).get("fi", [item.key])[0]
    return (content.get("fi") or [item.key])[0]


def _items(db: Session) -> list[ItemOut]:
    votes = dict(
        db.execute(
            select(AnswerFeedback.entry_id, func.count())
            .where(AnswerFeedback.helpful.is_(False))
            .group_by(AnswerFeedback.entry_id)
        ).all()
    )
    latest = {
        row.item_id: row
        for row in db.scalars(select(FaqVersion).order_by(FaqVersion.item_id, FaqVersion.number))
    }
    rows = []
    for item in db.scalars(select(FaqItem).order_by(FaqItem.kind, FaqItem.key)):
        shown = latest[item.id]
        if item.published_version_id is not None:
            shown = db.get_one(FaqVersion, item.published_version_id)
        content = shown.content
        rows.append(
            ItemOut(
                kind=item.kind,
                key=item.key,
                title=_title(item, content),
                published_version_id=item.published_version_id,
                latest_version_id=latest[item.id].id,
                latest_status=latest[item.id].status.value,
                review_by=content.get("review_by"),
                dated=content.get("dated"),
                not_helpful=votes.get(item.key, 0) if item.kind == FaqItemKind.entry else 0,
            )
        )
    return rows


def _matches(db: Session, item: ItemOut, query: str) -> bool:
    version = db.get_one(FaqVersion, item.latest_version_id)
    text = f"{item.key} {version.content}".casefold()
    return all(word in text for word in query.casefold().split())


@router.get("/items", response_model=list[ItemOut])
def list_items(
    context: CurrentStaff,
    db: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: FaqItemKind | None = None,
):
    """Entries and not-covered topics; `q` searches ids, answers and phrasings."""
    rows = [row for row in _items(db) if kind is None or row.kind == kind]
    return [row for row in rows if not q or _matches(db, row, q)]


@router.get("/review", response_model=list[ItemOut])
def review_list(context: CurrentStaff, db: SessionDep, settings: SettingsDep):
    """Entries to review: review-by date within 30 days or past, or many "not helpful" votes."""
    soon = (date.today() + timedelta(days=30)).isoformat()
    due = [
        row
        for row in _items(db)
        if (row.review_by and row.review_by <= soon)
        or row.not_helpful >= settings.faq_review_not_helpful_votes
    ]
    return sorted(due, key=lambda row: (row.review_by or "9999", -row.not_helpful))


@router.get("/items/{kind}/{key}", response_model=ItemDetail)
def item_detail(kind: FaqItemKind, key: Key, context: CurrentStaff, db: SessionDep):
    item = faq_content.item(db, kind, key)
    listed = next(row for row in _items(db) if row.kind == kind and row.key == key)
    return ItemDetail(
        item=listed,
        versions=[_version_out(db, row) for row in faq_content.versions(db, item.id)],
    )


def _saved(db: Session, context: StaffContext, draft: FaqVersion) -> VersionOut:
    audit.record(
        db,
        actor_kind="staff",
        actor_id=context.staff.id,
        action="faq_draft_saved",
        target_kind="faq_version",
        target_id=draft.id,
    )
    db.commit()
    return _version_out(db, draft)


def _content(kind: FaqItemKind, content: dict[str, Any]) -> dict[str, Any]:
    return normalise_entry(content) if kind == FaqItemKind.entry else content


@router.post("/items/{kind}", response_model=VersionOut, status_code=status.HTTP_201_CREATED)
def create_item(kind: FaqItemKind, body: NewItemIn, context: CurrentStaff, db: SessionDep):
    """A new entry or topic, as a draft (version 1)."""
    content = _content(kind, body.content)
    draft = faq_content.save_draft(db, context.staff, kind, body.key, content, body.comment, True)
    return _saved(db, context, draft)


@router.post(
    "/items/{kind}/{key}/versions", response_model=VersionOut, status_code=status.HTTP_201_CREATED
)
def save_version(
    kind: FaqItemKind, key: Key, body: ContentIn, context: CurrentStaff, db: SessionDep
):
    """An edit, saved as a new draft version (the quote must be verbatim in its source)."""
    content = _content(kind, body.content)
    draft = faq_content.save_draft(db, context.staff, kind, key, content, body.comment, False)
    return _saved(db, context, draft)


@router.post(
    "/items/entry/{key}/phrasings", response_model=VersionOut, status_code=status.HTTP_201_CREATED
)
def add_phrasings(key: Key, body: PhrasingsIn, context: CurrentStaff, db: SessionDep):
    """Unanswered questions added to an entry's phrasings as a new draft, in one step."""
    item = faq_content.item(db, FaqItemKind.entry, key)
    content = dict(faq_content.latest_version(db, item.id).content)
    questions = {lang: list(texts) for lang, texts in content["questions"].items()}
    must_answer = list(content.get("must_answer") or [])
    for phrasing in body.questions:
        if phrasing.q not in questions[phrasing.lang]:
            questions[phrasing.lang].append(phrasing.q)
        if body.must_answer:
            must_answer.append({"q": phrasing.q, "lang": phrasing.lang})
    content |= {"questions": questions, "must_answer": must_answer}
    comment = f"{len(body.questions)} unanswered question(s) added as phrasings"
    draft = faq_content.save_draft(
        db, context.staff, FaqItemKind.entry, key, content, comment, False
    )
    return _saved(db, context, draft)


@router.get("/versions/{version_id}", response_model=DiffOut)
def version_diff(version_id: Id, context: CurrentStaff, db: SessionDep, against: Id | None = None):
    """A version and its diff against `against` (default: the version before it)."""
    row = faq_content.version(db, version_id)
    if against is not None:
        old: FaqVersion | None = faq_content.version(db, against)
        if old is not None and old.item_id != row.item_id:
            raise Invalid("Compare versions of the same entry.")
    else:
        earlier = [v for v in faq_content.versions(db, row.item_id) if v.number < row.number]
        old = earlier[-1] if earlier else None
    return DiffOut(
        version=_version_out(db, row),
        against=old.id if old else None,
        diff=faq_content.diff(old, row),
    )


@router.post("/versions/{version_id}/approve", response_model=VersionOut)
def approve(version_id: Id, context: CurrentStaff, db: SessionDep, settings: SettingsDep):
    """A second staff member approves a draft (FAQ_SINGLE_PERSON_TEAM lets the author)."""
    row = faq_content.version(db, version_id)
    faq_content.approve(db, context.staff, row, settings.faq_single_person_team)
    audit.record(
        db,
        actor_kind="staff",
        actor_id=context.staff.id,
        action="faq_approved",
        target_kind="faq_version",
        target_id=row.id,
    )
    db.commit()
    return _version_out(db, row)


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
        version=_version_out(db, row), generation=live.generation or 0, top1=result.top1
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
async def publish(version_id: Id, live: LiveFaqDep, context: CurrentStaff, db: SessionDep):
    """Publish an approved version: the regression gate runs first; on success every worker
    swaps in the new index within seconds, without a restart."""
    row = faq_content.version(db, version_id)
    if row.status != FaqVersionStatus.approved:
        raise Invalid("Only an approved version can be published.")
    return await _publish(live, db, context, row, "publish")


@router.post("/versions/{version_id}/rollback", response_model=PublishOut)
async def rollback(version_id: Id, live: LiveFaqDep, context: CurrentStaff, db: SessionDep):
    """Publish again a version that was live before (through the regression gate)."""
    target = faq_content.version(db, version_id)
    copy = faq_content.rollback_copy(db, context.staff, target)
    return await _publish(live, db, context, copy, "rollback")


@router.get("/sources", response_model=list[SourceOut])
def list_sources(context: CurrentStaff, db: SessionDep):
    rows = db.scalars(select(FaqSource).order_by(FaqSource.name))
    return [SourceOut(name=r.name, titles=r.titles, characters=len(r.text)) for r in rows]


@router.post("/sources", response_model=SourceOut, status_code=status.HTTP_201_CREATED)
def add_source(body: SourceIn, context: CurrentStaff, db: SessionDep):
    """A new source document (plain text or Markdown) that entries may quote."""
    row = faq_content.add_source(db, context.staff, body.name, dict(body.titles), body.text)
    audit.record(
        db,
        actor_kind="staff",
        actor_id=context.staff.id,
        action="faq_source_added",
        target_kind="faq_source",
        target_id=None,
        detail=row.name,
    )
    db.commit()
    return SourceOut(name=row.name, titles=row.titles, characters=len(row.text))


@router.get("/status", response_model=StatusOut)
def live_status(live: LiveFaqDep, context: CurrentStaff):
    """The generation this worker answers from."""
    return StatusOut(generation=live.generation, entries=len(live.service.entries))
