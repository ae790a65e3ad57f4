"""Library vocabulary (knowledge/vocabulary.yml): registrars' words for the FAQ's words.

Retrieval rewrites a question into the FAQ's words (`to_faq_words`); the NLU export trains Rasa
on the FAQ's phrasings with the registrars' words put in (`with_variants`).
"""

import re
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.faq import LANGUAGES

VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary.yml"


class Vocabulary:
    def __init__(self, mapping: dict[str, dict[str, str]]) -> None:
        self.mapping = mapping
        variants = {
            v.lower(): f.lower() for by_lang in mapping.values() for v, f in by_lang.items()
        }
        self._faq_form = variants
        # Whole words only; not inside a hyphenated compound ("CD-lainaaja" stays).
        self._pattern = (
            re.compile(
                r"(?<![\w-])("
                + "|".join(map(re.escape, sorted(variants, key=len, reverse=True)))
                + r")(?![\w-])",
                re.IGNORECASE,
            )
            if variants
            else None
        )

    @classmethod
    def load(cls, path: Path = VOCABULARY_FILE) -> "Vocabulary":
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            {
                lang: {str(k): str(v) for k, v in (data.get(lang) or {}).items()}
                for lang in LANGUAGES
            }
        )

    def registrar_words(self) -> set[str]:
        """The words of the registrars' forms ("lainaaja", "library", "user"), lower-case."""
        return {word for variant in self._faq_form for word in variant.split()}

    def to_faq_words(self, text: str) -> str:
        """The question with each registrar's word replaced by the FAQ's word."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._faq_form[m.group(1).lower()], text)

    def with_variants(self, text: str, lang: str) -> list[str]:
        """The phrasing once per variant of the first FAQ word in it that has variants."""
        by_lang = self.mapping.get(lang, {})
        for faq_form in dict.fromkeys(by_lang.values()):
            pattern = re.compile(rf"(?<![\w-]){re.escape(faq_form)}(?![\w-])", re.IGNORECASE)
            if pattern.search(text):
                variants = [v for v, form in by_lang.items() if form == faq_form]
                return [pattern.sub(variant, text, count=1) for variant in variants]
        return []


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary.load()
