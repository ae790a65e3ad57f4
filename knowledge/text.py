"""Normalising and stemming text for lexical retrieval in Finnish, Swedish and English."""

import re
import unicodedata
from functools import lru_cache

import Stemmer

_STEMMER_NAMES = {"fi": "finnish", "sv": "swedish", "en": "english"}
_TOKEN = re.compile(r"[0-9a-zåäöü]+")


@lru_cache(maxsize=3)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[lang])


def fold(text: str) -> str:
    """Lower-case and fold diacritics (ä→a, ö→o, å→a), since users often type without them."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stemmed_tokens(text: str, lang: str) -> list[str]:
    """Tokens stemmed in the given language, then folded; hyphenated compounds also split."""
    words = _TOKEN.findall(text.lower().replace("-", " "))
    return [fold(stem) for stem in _stemmer(lang).stemWords(words) if len(stem) > 1]
