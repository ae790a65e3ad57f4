"""The build writes a complete index folder, reproducibly, and skips work when current."""

import json
from pathlib import Path

from knowledge.index import MANIFEST_FILE, build_index, content_hash, is_current
from knowledge.settings import PACKAGED_MODEL, KnowledgeSettings


def test_index_folder_has_vectors_metadata_and_manifest(
    knowledge_settings: KnowledgeSettings,
) -> None:
    index_dir = knowledge_settings.index_dir
    for name in ("questions.faiss", "documents.json", "entries.json", MANIFEST_FILE):
        assert (index_dir / name).is_file()
    manifest = json.loads((index_dir / MANIFEST_FILE).read_text())
    assert manifest["embedding_model"] == PACKAGED_MODEL
    assert manifest["entries"] >= 25
    assert manifest["content_hash"] == content_hash(knowledge_settings)
    assert manifest["built_at"]


def test_same_inputs_give_the_same_index(
    knowledge_settings: KnowledgeSettings, tmp_path: Path
) -> None:
    again = build_index(KnowledgeSettings(index_dir=tmp_path / "again"))
    first = json.loads((knowledge_settings.index_dir / MANIFEST_FILE).read_text())
    assert again["content_hash"] == first["content_hash"]
    assert again["index_hash"] == first["index_hash"]


def test_a_changed_faq_makes_the_index_stale(
    tmp_path: Path, knowledge_settings: KnowledgeSettings
) -> None:
    assert is_current(knowledge_settings)
    faq_copy = tmp_path / "faq"
    faq_copy.mkdir()
    for path in knowledge_settings.faq_dir.glob("*.yml"):
        (faq_copy / path.name).write_bytes(path.read_bytes())
    changed = KnowledgeSettings(faq_dir=faq_copy, index_dir=knowledge_settings.index_dir)
    assert is_current(changed)
    first = sorted(faq_copy.glob("*.yml"))[0]
    first.write_text(first.read_text() + "\n# edited\n")
    assert not is_current(changed)
