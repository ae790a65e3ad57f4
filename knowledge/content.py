"""FAQ content as stored per version: the YAML's own shapes, so import and export are lossless.

An entry's content is its YAML mapping without the id, plus `file` (the YAML file it is
exported to) and `must_answer` (questions staff require this entry to answer, [{q, lang}]).
A not-covered topic's content is its mapping in out_of_scope.yml (fi, sv, en, see_also).
"""

from pathlib import Path
from typing import Any

import yaml

from knowledge.faq import LANGUAGES, FaqEntry, FaqError, check_quote, load_faq, parse_entry
from knowledge.index import topic_documents

NEW_ENTRIES_FILE = "staff.yml"  # where entries written in the console are exported
ENTRY_FIELDS = ("source", "quote", "dated", "review_by", "ages", "answer", "questions")


def normalise_entry(content: dict[str, Any]) -> dict[str, Any]:
    """An entry's content with only its known fields, `file` and `must_answer` filled in."""
    kept = {key: content[key] for key in ENTRY_FIELDS if key in content}
    return kept | {
        "file": content.get("file") or NEW_ENTRIES_FILE,
        "must_answer": content.get("must_answer") or [],
    }


def entry_content(raw: dict[str, Any], file: str) -> dict[str, Any]:
    """A YAML entry mapping as version content."""
    content = {key: value for key, value in raw.items() if key != "id"}
    return content | {"file": file, "must_answer": raw.get("must_answer", [])}


def read_seed(
    faq_dir: Path, out_of_scope_file: Path
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The YAML seed as content: entries by id and topics by name (validated first)."""
    load_faq(faq_dir)
    entries: dict[str, dict[str, Any]] = {}
    for file in sorted(faq_dir.glob("*.yml")):
        for raw in yaml.safe_load(file.read_text(encoding="utf-8"))["entries"]:
            entries[raw["id"]] = entry_content(raw, file.name)
    topics = yaml.safe_load(out_of_scope_file.read_text(encoding="utf-8"))["topics"]
    return entries, {name: dict(value) for name, value in topics.items()}


def validate_entry(entry_id: str, content: dict[str, Any], sources: dict[str, str]) -> FaqEntry:
    """The entry, or FaqError naming the field: its quote must be verbatim in its source."""
    file = Path(content.get("file") or NEW_ENTRIES_FILE)
    entry = parse_entry({**content, "id": entry_id}, file, 0)
    if entry.document not in sources:
        raise FaqError(file, entry_id, "source.document", f"{entry.document} is not a source")
    check_quote(entry, sources[entry.document], file)
    for i, item in enumerate(content.get("must_answer") or []):
        if not (isinstance(item, dict) and item.get("lang") in LANGUAGES and item.get("q")):
            raise FaqError(file, entry_id, f"must_answer[{i}]", "needs a question and fi, sv or en")
    return entry


def validate_topic(name: str, content: dict[str, Any]) -> list[dict[str, Any]]:
    """The topic's not-covered documents, or FaqError naming the field."""
    return topic_documents(name, content, Path("out_of_scope.yml"))


def export_yaml(
    entries: dict[str, dict[str, Any]],
    topics: dict[str, dict[str, Any]],
    sources: dict[str, str],
    titles: dict[str, dict[str, str]],
    target: Path,
) -> list[Path]:
    """Write entries to `target`/faq/<file>, topics to `target`/out_of_scope.yml, and the source
    documents with their titles (catalog.yml) to `target`/sources/."""
    by_file: dict[str, list[dict[str, Any]]] = {}
    for entry_id, content in sorted(entries.items()):
        raw = {"id": entry_id} | {k: v for k, v in content.items() if k != "file"}
        if not raw.get("must_answer"):
            raw.pop("must_answer", None)
        by_file.setdefault(content.get("file") or NEW_ENTRIES_FILE, []).append(raw)
    (target / "faq").mkdir(parents=True, exist_ok=True)
    written = []
    for file, items in sorted(by_file.items()):
        written.append(_dump(target / "faq" / file, {"entries": items}))
    written.append(_dump(target / "out_of_scope.yml", {"topics": topics}))
    (target / "sources").mkdir(exist_ok=True)
    for name, text in sorted(sources.items()):
        (target / "sources" / name).write_text(text, encoding="utf-8")
        written.append(target / "sources" / name)
    written.append(_dump(target / "sources" / "catalog.yml", titles))
    return written


def _dump(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    return path
