"""Load and validate the curated FAQ (knowledge/faq/*.yml)."""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("fi", "sv", "en")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FaqError(ValueError):
    """A broken FAQ file; the message names the file, the entry and the field."""

    def __init__(self, file: Path, entry: str | None, field: str | None, problem: str) -> None:
        where = (
            file.name
            + (f", entry {entry!r}" if entry else "")
            + (f", field {field!r}" if field else "")
        )
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class FaqEntry:
    id: str
    document: str
    section: str
    quote: str
    dated: str | None
    answer: dict[str, str]
    questions: dict[str, list[str]]
    file: str
    # Ages (inclusive) the entry is about: a question naming an age in the range favours it.
    ages: tuple[int, int] | None = None
    # After this date (YYYY-MM-DD) the answer carries a "may be out of date" caveat.
    review_by: str | None = None


def _text(value: Any, file: Path, entry: str | None, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FaqError(file, entry, field, "must be a non-empty text")
    return value.strip()


def _date(value: Any, file: Path, entry: str, field: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise FaqError(file, entry, field, "must be a date written YYYY-MM-DD") from None


def parse_entry(raw: Any, file: Path, index: int) -> FaqEntry:
    if not isinstance(raw, dict):
        raise FaqError(file, f"#{index + 1}", None, "an entry must be a mapping")
    entry_id = _text(raw.get("id"), file, f"#{index + 1}", "id")
    if not _ID.match(entry_id):
        raise FaqError(file, entry_id, "id", "use lower-case words joined by '-'")
    source = raw.get("source")
    if not isinstance(source, dict):
        raise FaqError(file, entry_id, "source", "must have 'document' and 'section'")
    answer = raw.get("answer")
    questions = raw.get("questions")
    if not isinstance(answer, dict):
        raise FaqError(file, entry_id, "answer", "must map fi, sv and en to texts")
    if not isinstance(questions, dict):
        raise FaqError(file, entry_id, "questions", "must map fi, sv and en to lists")
    answers: dict[str, str] = {}
    phrasings: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        answers[lang] = _text(answer.get(lang), file, entry_id, f"answer.{lang}")
        items = questions.get(lang)
        if not isinstance(items, list) or not items:
            raise FaqError(file, entry_id, f"questions.{lang}", "must be a non-empty list")
        phrasings[lang] = [
            _text(q, file, entry_id, f"questions.{lang}[{i}]") for i, q in enumerate(items)
        ]
    dated = _date(raw.get("dated"), file, entry_id, "dated")
    review_by = _date(raw.get("review_by"), file, entry_id, "review_by")
    ages = raw.get("ages")
    if ages is not None and not (
        isinstance(ages, list) and len(ages) == 2 and all(isinstance(a, int) for a in ages)
    ):
        raise FaqError(file, entry_id, "ages", "must be [youngest, oldest] in whole years")
    return FaqEntry(
        id=entry_id,
        document=_text(source.get("document"), file, entry_id, "source.document"),
        section=_text(source.get("section"), file, entry_id, "source.section"),
        quote=_text(raw.get("quote"), file, entry_id, "quote"),
        dated=dated,
        answer=answers,
        questions=phrasings,
        file=file.name,
        ages=(ages[0], ages[1]) if ages else None,
        review_by=review_by,
    )


def load_faq(faq_dir: Path, sources_dir: Path | None = None) -> list[FaqEntry]:
    """All entries, sorted by id. With `sources_dir`, also check each entry's provenance."""
    entries: list[FaqEntry] = []
    seen: dict[str, str] = {}
    files = sorted(faq_dir.glob("*.yml"))
    if not files:
        raise FaqError(faq_dir, None, None, "no FAQ files (*.yml) found")
    for file in files:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise FaqError(file, None, None, f"not valid YAML ({error})") from error
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise FaqError(file, None, "entries", "the file must hold a list under 'entries'")
        for index, raw in enumerate(data["entries"]):
            entry = parse_entry(raw, file, index)
            if entry.id in seen:
                raise FaqError(file, entry.id, "id", f"duplicate id (also in {seen[entry.id]})")
            seen[entry.id] = file.name
            if sources_dir is not None:
                _check_provenance(entry, file, sources_dir)
            entries.append(entry)
    return sorted(entries, key=lambda e: e.id)


def _check_provenance(entry: FaqEntry, file: Path, sources_dir: Path) -> None:
    source = sources_dir / entry.document
    if not source.is_file():
        raise FaqError(file, entry.id, "source.document", f"{entry.document} not in {sources_dir}")
    check_quote(entry, source.read_text(encoding="utf-8"), file)


def check_quote(entry: FaqEntry, source_text: str, file: Path) -> None:
    """The quote must be verbatim in its source document, and the section one of its lines."""
    if entry.quote not in source_text:
        raise FaqError(file, entry.id, "quote", f"not found verbatim in {entry.document}")
    if entry.section not in source_text:
        raise FaqError(file, entry.id, "source.section", f"not a heading of {entry.document}")
