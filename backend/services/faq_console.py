"""The staff console's view of the FAQ content: every item with the version it shows (the
published one, else the latest), its latest version and its "not helpful" votes, filtered and
searched; an item's versions with the names of the people behind them; a version's diff; and
unanswered questions merged into an entry's phrasings. A list costs a few queries whatever
its length."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from backend.models import AnswerFeedback, FaqItem, FaqItemKind, FaqVersion, StaffUser
from backend.services import faq_content
from backend.services.errors import Invalid

REVIEW_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class ItemView:
    kind: FaqItemKind
    key: str
    title: str
    published_version_id: int | None
    latest_version_id: int
    latest_status: str
    review_by: str | None
    dated: str | None
    not_helpful: int


@dataclass(frozen=True)
class VersionView:
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


def _title(item: FaqItem, content: dict[str, Any]) -> str:
    if item.kind == FaqItemKind.entry:
        return str((content.get("questions") or {}).get("fi", [item.key])[0])
    return str((content.get("fi") or [item.key])[0])


def _matches(item: FaqItem, latest: FaqVersion, query: str) -> bool:
    """Every word of the query is in the item's id or its latest content."""
    text = f"{item.key} {latest.content}".casefold()
    return all(word in text for word in query.casefold().split())


def items(
    db: Session,
    kind: FaqItemKind | None = None,
    key: str | None = None,
    query: str | None = None,
) -> list[ItemView]:
    """Entries and not-covered topics by kind and id; `query` searches ids, answers and
    phrasings."""
    numbers = (
        select(FaqVersion.item_id, func.max(FaqVersion.number).label("number"))
        .group_by(FaqVersion.item_id)
        .subquery()
    )
    latest, published = aliased(FaqVersion), aliased(FaqVersion)
    rows = (
        select(FaqItem, latest, published)
        .join(numbers, numbers.c.item_id == FaqItem.id)
        .join(latest, (latest.item_id == FaqItem.id) & (latest.number == numbers.c.number))
        .outerjoin(published, published.id == FaqItem.published_version_id)
        .order_by(FaqItem.kind, FaqItem.key)
    )
    if kind is not None:
        rows = rows.where(FaqItem.kind == kind)
    if key is not None:
        rows = rows.where(FaqItem.key == key)
    votes = dict(
        db.execute(
            select(AnswerFeedback.entry_id, func.count())
            .where(AnswerFeedback.helpful.is_(False))
            .group_by(AnswerFeedback.entry_id)
        ).all()
    )
    views = []
    for item, last, shown in db.execute(rows):
        if query and not _matches(item, last, query):
            continue
        content = (shown or last).content
        views.append(
            ItemView(
                kind=item.kind,
                key=item.key,
                title=_title(item, content),
                published_version_id=item.published_version_id,
                latest_version_id=last.id,
                latest_status=last.status.value,
                review_by=content.get("review_by"),
                dated=content.get("dated"),
                not_helpful=votes.get(item.key, 0) if item.kind == FaqItemKind.entry else 0,
            )
        )
    return views


def due_for_review(db: Session, not_helpful_votes: int, today: date) -> list[ItemView]:
    """Items whose review-by date is past or within REVIEW_WITHIN, or with at least
    `not_helpful_votes` "not helpful" votes; the most urgent first."""
    soon = (today + REVIEW_WITHIN).isoformat()
    due = [
        row
        for row in items(db)
        if (row.review_by and row.review_by <= soon) or row.not_helpful >= not_helpful_votes
    ]
    return sorted(due, key=lambda row: (row.review_by or "9999", -row.not_helpful))


def version_views(db: Session, versions: list[FaqVersion]) -> list[VersionView]:
    """The versions with their item and the names of their author, approver and publisher
    (read in one query each, not per version)."""
    item_ids = {row.item_id for row in versions}
    by_id = {row.id: row for row in db.scalars(select(FaqItem).where(FaqItem.id.in_(item_ids)))}
    people = {
        person
        for row in versions
        for person in (row.author_id, row.approved_by_id, row.published_by_id)
        if person is not None
    }
    names: dict[int, str] = {}
    if people:
        query = select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(people))
        names = {staff_id: name for staff_id, name in db.execute(query)}

    def name(staff_id: int | None) -> str | None:
        return names.get(staff_id) if staff_id is not None else None

    return [
        VersionView(
            id=row.id,
            item_kind=by_id[row.item_id].kind,
            item_key=by_id[row.item_id].key,
            number=row.number,
            status=row.status.value,
            comment=row.comment,
            content=row.content,
            created_at=row.created_at,
            author=name(row.author_id),
            approved_by=name(row.approved_by_id),
            published_by=name(row.published_by_id),
            published_at=row.published_at,
        )
        for row in versions
    ]


def version_view(db: Session, version: FaqVersion) -> VersionView:
    return version_views(db, [version])[0]


def item_detail(db: Session, kind: FaqItemKind, key: str) -> tuple[ItemView, list[VersionView]]:
    """One item as listed, and all its versions, oldest first."""
    item = faq_content.item(db, kind, key)
    (listed,) = items(db, kind=kind, key=key)
    return listed, version_views(db, faq_content.versions(db, item.id))


def diff(
    db: Session, version_id: int, against_id: int | None
) -> tuple[FaqVersion, FaqVersion | None, str]:
    """A version, the one it is compared with (`against_id`, by default the version before it
    of the same item) and the diff between them."""
    row = faq_content.version(db, version_id)
    old: FaqVersion | None
    if against_id is not None:
        old = faq_content.version(db, against_id)
        if old.item_id != row.item_id:
            raise Invalid("Compare versions of the same entry.")
    else:
        earlier = [v for v in faq_content.versions(db, row.item_id) if v.number < row.number]
        old = earlier[-1] if earlier else None
    return row, old, faq_content.diff(old, row)


def add_phrasings(
    db: Session,
    staff: StaffUser,
    key: str,
    phrasings: Sequence[tuple[str, str]],
    must_answer: bool,
) -> FaqVersion:
    """A new draft of the entry with these (question, language) phrasings added (each once);
    with `must_answer`, the regression gate also requires the entry to answer them."""
    item = faq_content.item(db, FaqItemKind.entry, key)
    content = dict(faq_content.latest_version(db, item.id).content)
    questions = {lang: list(texts) for lang, texts in content["questions"].items()}
    required = list(content.get("must_answer") or [])
    for question, lang in phrasings:
        if question not in questions[lang]:
            questions[lang].append(question)
        if must_answer:
            required.append({"q": question, "lang": lang})
    content |= {"questions": questions, "must_answer": required}
    comment = f"{len(phrasings)} unanswered question(s) added as phrasings"
    return faq_content.save_draft(db, staff, FaqItemKind.entry, key, content, comment, False)
