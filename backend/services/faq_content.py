"""FAQ content in the database: items, their versions, source documents, the YAML seed.

Every change is a new version (author, time, comment). The published content is, per item,
its `published_version_id`; each change of it adds a `faq_publications` row whose id is the
generation the backend workers load (backend/services/faq_live.py).
"""

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import audit
from backend.models import (
    FaqItem,
    FaqItemKind,
    FaqPublication,
    FaqSource,
    FaqVersion,
    FaqVersionStatus,
    StaffUser,
    utcnow,
)
from backend.services.errors import Conflict, Invalid, NotFound
from knowledge.content import export_yaml, read_seed, validate_entry, validate_topic
from knowledge.faq import FaqError
from knowledge.settings import KnowledgeSettings

_TOPIC = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}\.(?:txt|md)$")


@dataclass(frozen=True)
class Snapshot:
    """The published content at one generation."""

    generation: int | None
    entries: dict[str, dict[str, Any]]
    topics: dict[str, dict[str, Any]]
    sources: dict[str, str]  # name -> text
    titles: dict[str, dict[str, str]]  # name -> title per language


def seed_from_yaml(db: Session, settings: KnowledgeSettings) -> bool:
    """On an empty database, import the YAML and the source files as published version 1.

    Workers starting together may all try: the first commit wins, the others find it done."""
    if db.scalar(select(func.count()).select_from(FaqItem)):
        return False
    entries, topics = read_seed(settings.faq_dir, settings.out_of_scope_file)
    titles = yaml.safe_load((settings.sources_dir / "catalog.yml").read_text(encoding="utf-8"))
    for path in sorted(settings.sources_dir.glob("*")):
        if path.suffix in (".txt", ".md"):
            text = path.read_text(encoding="utf-8")
            db.add(FaqSource(name=path.name, titles=titles.get(path.name, {}), text=text))
    contents = [(FaqItemKind.entry, k, c) for k, c in entries.items()]
    contents += [(FaqItemKind.topic, k, c) for k, c in topics.items()]
    try:
        for kind, key, content in contents:
            _import_item(db, kind, key, content)
        db.add(FaqPublication(action="import"))
        db.commit()
    except IntegrityError:  # another worker imported first (PostgreSQL raises at the flush)
        db.rollback()
        return False
    return True


def _import_item(db: Session, kind: FaqItemKind, key: str, content: dict[str, Any]) -> None:
    item = FaqItem(kind=kind, key=key)
    db.add(item)
    db.flush()
    version = FaqVersion(
        item_id=item.id,
        number=1,
        content=content,
        comment="imported from the YAML seed",
        status=FaqVersionStatus.published,
    )
    db.add(version)
    db.flush()
    item.published_version_id = version.id


def latest_generation(db: Session) -> int | None:
    return db.scalar(select(func.max(FaqPublication.id)))


def snapshot(db: Session, replace: FaqVersion | None = None) -> Snapshot:
    """The published content; with `replace`, as it would be with that version published."""
    generation = latest_generation(db)
    rows = db.execute(
        select(FaqItem, FaqVersion).join(FaqVersion, FaqVersion.id == FaqItem.published_version_id)
    ).all()
    published = {item.id: (item, version) for item, version in rows}
    if replace is not None:
        published[replace.item_id] = (db.get_one(FaqItem, replace.item_id), replace)
    entries: dict[str, dict[str, Any]] = {}
    topics: dict[str, dict[str, Any]] = {}
    for item, version in published.values():
        (entries if item.kind == FaqItemKind.entry else topics)[item.key] = version.content
    sources = {row.name: row for row in db.scalars(select(FaqSource))}
    return Snapshot(
        generation,
        entries,
        topics,
        {name: row.text for name, row in sources.items()},
        {name: row.titles for name, row in sources.items()},
    )


def source_texts(db: Session) -> dict[str, str]:
    return {row.name: row.text for row in db.scalars(select(FaqSource))}


def validate(db: Session, kind: FaqItemKind, key: str, content: dict[str, Any]) -> None:
    """422 naming the field when the content is broken (a quote not verbatim in its source)."""
    try:
        if kind == FaqItemKind.entry:
            validate_entry(key, content, source_texts(db))
        else:
            if not _TOPIC.match(key):
                raise Invalid("A topic name is lower-case words joined by '_'.")
            validate_topic(key, content)
    except FaqError as error:
        raise Invalid(str(error)) from None


def item(db: Session, kind: FaqItemKind, key: str) -> FaqItem:
    row = db.scalar(select(FaqItem).where(FaqItem.kind == kind, FaqItem.key == key))
    if row is None:
        raise NotFound("No such FAQ entry or topic.")
    return row


def version(db: Session, version_id: int) -> FaqVersion:
    row = db.get(FaqVersion, version_id)
    if row is None:
        raise NotFound("No such version.")
    return row


def versions(db: Session, item_id: int) -> list[FaqVersion]:
    return list(
        db.scalars(
            select(FaqVersion).where(FaqVersion.item_id == item_id).order_by(FaqVersion.number)
        )
    )


def latest_version(db: Session, item_id: int) -> FaqVersion:
    return versions(db, item_id)[-1]


def save_draft(
    db: Session,
    staff: StaffUser,
    kind: FaqItemKind,
    key: str,
    content: dict[str, Any],
    comment: str,
    new: bool,
) -> FaqVersion:
    """A new draft version, audited; `new` creates the item (409 when the key is taken)."""
    validate(db, kind, key, content)
    if new:
        if db.scalar(select(FaqItem.id).where(FaqItem.kind == kind, FaqItem.key == key)):
            raise Conflict("An entry or topic with this id exists already.")
        row = FaqItem(kind=kind, key=key)
        db.add(row)
        db.flush()
        number = 1
    else:
        row = item(db, kind, key)
        number = latest_version(db, row.id).number + 1
    draft = FaqVersion(
        item_id=row.id,
        number=number,
        content=content,
        comment=comment,
        status=FaqVersionStatus.draft,
        author_id=staff.id,
    )
    db.add(draft)
    db.flush()
    audit.record(
        db,
        actor_kind="staff",
        actor_id=staff.id,
        action="faq_draft_saved",
        target_kind="faq_version",
        target_id=draft.id,
    )
    return draft


def approve(db: Session, staff: StaffUser, draft: FaqVersion, single_person_team: bool) -> None:
    if draft.status != FaqVersionStatus.draft:
        raise Conflict("Only a draft can be approved.")
    if draft.author_id == staff.id and not single_person_team:
        raise Conflict("A second staff member must approve this draft.")
    draft.status = FaqVersionStatus.approved
    draft.approved_by_id = staff.id
    draft.approved_at = utcnow()
    audit.record(
        db,
        actor_kind="staff",
        actor_id=staff.id,
        action="faq_approved",
        target_kind="faq_version",
        target_id=draft.id,
    )


def delete_draft(db: Session, draft: FaqVersion) -> None:
    """Delete a version that was never published (a draft, or approved and not yet live);
    an item left with no version goes too. Published and superseded versions are history."""
    if draft.status not in (FaqVersionStatus.draft, FaqVersionStatus.approved):
        raise Conflict("Only a version that was never published can be deleted.")
    row = db.get_one(FaqItem, draft.item_id)
    db.delete(draft)
    db.flush()
    if not versions(db, row.id):
        db.delete(row)


def mark_published(db: Session, staff: StaffUser, chosen: FaqVersion, action: str) -> int:
    """Make `chosen` the live version of its item; returns the new generation."""
    row = db.get_one(FaqItem, chosen.item_id)
    if row.published_version_id is not None:
        db.get_one(FaqVersion, row.published_version_id).status = FaqVersionStatus.superseded
    chosen.status = FaqVersionStatus.published
    chosen.published_by_id = staff.id
    chosen.published_at = utcnow()
    row.published_version_id = chosen.id
    publication = FaqPublication(action=action, version_id=chosen.id, staff_id=staff.id)
    db.add(publication)
    db.flush()
    return publication.id


def rollback_copy(db: Session, staff: StaffUser, target: FaqVersion) -> FaqVersion:
    """An approved copy of a version that was live before, ready to publish again; not yet
    added to the session, so nothing is written unless the publish passes the gate."""
    if target.status != FaqVersionStatus.superseded:
        raise Conflict("Only a version that was published before can be restored.")
    return FaqVersion(
        item_id=target.item_id,
        number=latest_version(db, target.item_id).number + 1,
        content=target.content,
        comment=f"rollback to version {target.number}",
        status=FaqVersionStatus.approved,
        author_id=staff.id,
        approved_by_id=target.approved_by_id,
        approved_at=target.approved_at,
    )


def diff(old: FaqVersion | None, new: FaqVersion) -> str:
    """A unified diff of two versions' content, as YAML."""

    def lines(row: FaqVersion | None) -> list[str]:
        if row is None:
            return []
        text = yaml.safe_dump(row.content, allow_unicode=True, sort_keys=True, width=10**6)
        return text.splitlines(keepends=True)

    return "".join(
        difflib.unified_diff(
            lines(old),
            lines(new),
            f"version {old.number}" if old else "(none)",
            f"version {new.number}",
        )
    )


def add_source(
    db: Session, staff: StaffUser, name: str, titles: dict[str, str], text: str
) -> FaqSource:
    if not _SOURCE_NAME.match(name):
        raise Invalid("A source's name is a file name ending in .txt or .md (letters, digits).")
    if set(titles) != {"fi", "sv", "en"}:
        raise Invalid("A source needs its title in fi, sv and en.")
    if db.get(FaqSource, name) is not None:
        raise Conflict("A source document with this name exists already.")
    row = FaqSource(name=name, titles=titles, text=text, added_by_id=staff.id)
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor_kind="staff",
        actor_id=staff.id,
        action="faq_source_added",
        target_kind="faq_source",
        target_id=None,
        detail=row.name,
    )
    return row


def sources(db: Session) -> list[FaqSource]:
    return list(db.scalars(select(FaqSource).order_by(FaqSource.name)))


def export_published(db: Session, target: Path) -> list[Path]:
    """The published entries, topics and sources laid out as knowledge/ is (faq/*.yml,
    out_of_scope.yml, sources/ with catalog.yml) under `target`; the files written."""
    content = snapshot(db)
    return export_yaml(content.entries, content.topics, content.sources, content.titles, target)
