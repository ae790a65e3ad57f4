"""Build and read the index folder: FAISS vectors, document metadata and a manifest."""

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import yaml

from knowledge.embedding import encode, runtime_for
from knowledge.faq import LANGUAGES, FaqEntry, FaqError, load_faq
from knowledge.settings import KnowledgeSettings

INDEX_FORMAT = 1
VECTORS_FILE = "questions.faiss"
DOCUMENTS_FILE = "documents.json"
ENTRIES_FILE = "entries.json"
MANIFEST_FILE = "manifest.json"


NOT_COVERED = "__not_covered__"


@dataclass(frozen=True)
class IndexParts:
    """What a FaqService is made of: read from an index folder, or built in memory."""

    manifest: dict[str, Any]
    documents: list[dict[str, Any]]
    entries: list[dict[str, Any]]
    vectors: np.ndarray  # one L2-normalised row per document
    titles: dict[str, dict[str, str]]  # source document -> title per language


def build_parts(
    entries: list[FaqEntry],
    not_covered: list[dict[str, Any]],
    titles: dict[str, dict[str, str]],
    model: str,
    known: dict[str, np.ndarray],
) -> IndexParts:
    """An index in memory; only texts missing from `known` (text -> vector) are embedded, so
    a rebuild after an edit embeds the edited phrasings alone."""
    documents = index_documents(entries) + not_covered
    texts = [d["text"] for d in documents]
    missing = sorted({t for t in texts if t not in known})
    fresh = dict(zip(missing, encode(model, missing), strict=True)) if missing else {}
    vectors = np.stack([known[t] if t in known else fresh[t] for t in texts])
    manifest = {
        "format": INDEX_FORMAT,
        "embedding_model": model,
        "dimensions": int(vectors.shape[1]),
        "entries": len(entries),
        "documents": len(documents),
        "embedded": len(missing),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    return IndexParts(manifest, documents, [asdict(e) for e in entries], vectors, titles)


def load_out_of_scope(path: Path) -> list[dict[str, Any]]:
    """Curated questions the FAQ does not answer, as documents of the NOT_COVERED pseudo-entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FaqError(path, None, None, f"not valid YAML ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise FaqError(path, None, "topics", "must map topic names to questions per language")
    return [
        document
        for topic, by_lang in data["topics"].items()
        for document in topic_documents(topic, by_lang, path)
    ]


def topic_documents(topic: str, by_lang: Any, path: Path) -> list[dict[str, Any]]:
    """One not-covered topic's questions (and its `see_also`), validated, as documents."""
    see_also = (by_lang or {}).get("see_also")
    if see_also is not None and not (
        isinstance(see_also, dict) and all(isinstance(see_also.get(lg), str) for lg in LANGUAGES)
    ):
        raise FaqError(path, topic, "see_also", "must map fi, sv and en to texts")
    documents: list[dict[str, Any]] = []
    for lang in LANGUAGES:
        questions = (by_lang or {}).get(lang)
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise FaqError(path, topic, lang, "must be a list of questions")
        documents.extend(
            {"entry_id": NOT_COVERED, "lang": lang, "kind": "not_covered", "text": q}
            | ({"see_also": see_also} if see_also else {})
            for q in questions
        )
    return documents


def index_documents(entries: list[FaqEntry]) -> list[dict[str, str]]:
    """What gets indexed: every question phrasing and every answer, in each language."""
    documents: list[dict[str, str]] = []
    for entry in entries:
        for lang, questions in entry.questions.items():
            documents.extend(
                {"entry_id": entry.id, "lang": lang, "kind": "question", "text": q}
                for q in questions
            )
            documents.append(
                {"entry_id": entry.id, "lang": lang, "kind": "answer", "text": entry.answer[lang]}
            )
    return documents


def content_hash(settings: KnowledgeSettings) -> str:
    """Hash of everything the index depends on: FAQ files, sources, model, runtime, format."""
    runtime = runtime_for(settings.embedding_model, settings)
    digest = hashlib.sha256(
        f"format={INDEX_FORMAT};model={settings.embedding_model};runtime={runtime}".encode()
    )
    files = [settings.out_of_scope_file]
    for folder in (settings.faq_dir, settings.sources_dir):
        files += sorted(path for path in folder.glob("*") if path.is_file())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / MANIFEST_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def is_current(settings: KnowledgeSettings) -> bool:
    manifest = read_manifest(settings.index_dir)
    return manifest is not None and manifest.get("content_hash") == content_hash(settings)


def build_index(settings: KnowledgeSettings) -> dict[str, Any]:
    """Validate the FAQ, embed it and write the index folder atomically; returns the manifest."""
    started = time.perf_counter()
    entries = load_faq(settings.faq_dir, settings.sources_dir)
    documents = index_documents(entries) + load_out_of_scope(settings.out_of_scope_file)
    vectors = encode(settings.embedding_model, [d["text"] for d in documents])
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)

    staging = settings.index_dir.with_name(settings.index_dir.name + ".building")
    staging.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(staging / VECTORS_FILE))
    _write_json(staging / DOCUMENTS_FILE, documents)
    _write_json(staging / ENTRIES_FILE, [asdict(e) for e in entries])
    index_hash = hashlib.sha256()
    for name in (VECTORS_FILE, DOCUMENTS_FILE, ENTRIES_FILE):
        index_hash.update((staging / name).read_bytes())
    manifest = {
        "format": INDEX_FORMAT,
        "embedding_model": settings.embedding_model,
        "dimensions": int(vectors.shape[1]),
        "entries": len(entries),
        "documents": len(documents),
        "content_hash": content_hash(settings),
        "index_hash": index_hash.hexdigest(),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 3),
    }
    _write_json(staging / MANIFEST_FILE, manifest)
    _replace_dir(staging, settings.index_dir)
    return manifest


def _write_json(path: Path, data: Any) -> None:
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )


def _replace_dir(staging: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    if old.exists():
        _remove_tree(old)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        _remove_tree(old)


def _remove_tree(path: Path) -> None:
    for child in path.iterdir():
        _remove_tree(child) if child.is_dir() else child.unlink()
    path.rmdir()
