"""Words to index terms: Finnish lemmas and compound parts from Voikko, Snowball stems otherwise.

Finnish inflects and compounds freely: "ammattikorkeakoulun" is ammatti + korkea + koulu, and
"rekisteröijätunnustani" is rekisteröijä + tunnus. Voikko (Debian's libvoikko1 + voikko-fi, the
morphology LibreOffice uses) gives the base form and where the compound's parts meet, so a
question matches an entry that uses the parts, the whole word or another inflection of it.
A word Voikko does not know (a domain word such as "hetu", a misspelling, Swedish or English)
falls back to its Snowball stem, the same on the index's side and the question's.
"""

import itertools
from functools import lru_cache

import libvoikko
import Stemmer

_STEMMER_NAMES = {"fi": "finnish", "sv": "swedish", "en": "english"}
# Analyses of one word kept: Voikko lists readings by likelihood; the third rarely helps.
MAX_READINGS = 2
# Voikko's word classes that carry no topic: conjunctions, the negative verb, adpositions and
# interjections. (Pronouns stay: "ketä" asks who, and tells the entries on who may register
# from the rest.)
FUNCTION_CLASSES = frozenset("sidesana kieltosana suhdesana huudahdussana".split())
# A compound part shorter than this is not a term of its own ("yö" in "yöpyä" is no topic).
MIN_PART = 3


@lru_cache(maxsize=3)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[lang])


@lru_cache(maxsize=1)
def voikko() -> libvoikko.Voikko:
    """The Finnish analyser (one per process; the dictionary is read once)."""
    return libvoikko.Voikko("fi")


def stem(word: str, lang: str) -> str:
    return str(_stemmer(lang).stemWord(word))


def _compound_parts(base: str, structure: str) -> list[str]:
    """The parts of a compound base form, cut where Voikko's structure string marks a new part.

    The structure ("=ppppppp=pppppp=pppppp") follows the inflected word; the modifiers stand
    in the same letters in the base form, and the last part is the rest of it.
    """
    cuts: list[int] = []
    position = 0
    for mark in structure:
        if mark == "=":
            cuts.append(position)
        else:
            position += 1
    cuts = [c for c in cuts if 0 < c < len(base)]
    if not cuts:
        return []
    bounds = [0, *cuts, len(base)]
    return [base[a:b].strip("-") for a, b in itertools.pairwise(bounds)]


@lru_cache(maxsize=65536)
def analyses(word: str) -> tuple[dict[str, str], ...]:
    """Voikko's analyses of a word (cached: a question's words recur all day)."""
    return tuple(voikko().analyze(word))


def _readings(word: str) -> tuple[dict[str, str], ...]:
    """Voikko's analyses; spoken Finnish's question clitic "-ks" ("onks", "voiks") read as
    the written "-ko"/"-kö" when that makes a word Voikko knows."""
    readings = analyses(word)
    if not readings and word.endswith("ks") and len(word) > 3:
        back = not any(ch in "äöy" for ch in word)
        readings = analyses(word[:-2] + ("ko" if back else "kö"))
    return readings


def _content_readings(word: str) -> list[dict[str, str]]:
    return [r for r in _readings(word) if r.get("CLASS") not in FUNCTION_CLASSES]


def finnish_function_word(word: str) -> bool:
    """Whether every reading Voikko knows of the word is a function word's."""
    readings = _readings(word)
    return bool(readings) and all(r.get("CLASS") in FUNCTION_CLASSES for r in readings)


@lru_cache(maxsize=65536)
def finnish_terms(word: str, parts: bool = True) -> tuple[str, ...]:
    """Base forms of a Finnish word and, for a compound, its parts (unless `parts` is off);
    () when Voikko does not know the word."""
    terms: list[str] = []
    for reading in _content_readings(word)[:MAX_READINGS]:
        base = str(reading.get("BASEFORM", "")).lower()
        if not base:
            continue
        terms.append(base)
        if parts:
            structure = str(reading.get("STRUCTURE", ""))
            terms.extend(p for p in _compound_parts(base, structure) if len(p) >= MIN_PART)
    return tuple(dict.fromkeys(terms))


def whole_word_terms(word: str, lang: str) -> tuple[str, ...]:
    """The word's stem and base forms, without a compound's parts (not folded)."""
    readings = _readings(word)[:MAX_READINGS] if lang == "fi" else []
    bases = (str(r.get("BASEFORM", "")).lower() for r in readings)
    return tuple(dict.fromkeys((stem(word, lang), *(b for b in bases if b))))


def finnish_numeral(word: str) -> bool:
    """Whether every Voikko reading of the word is a numeral ("neljäs", "kolme")."""
    readings = _readings(word)
    return bool(readings) and all(r.get("CLASS") == "lukusana" for r in readings)


def known_finnish(word: str) -> bool:
    """Whether Voikko accepts the word as Finnish (spoken "-ks" questions included)."""
    return bool(voikko().spell(word)) or bool(_readings(word))


def word_terms(word: str, lang: str, parts: bool = True) -> tuple[str, ...]:
    """The terms one lower-case word contributes in the given language (not yet folded)."""
    stemmed = stem(word, lang)
    if lang == "fi":
        if finnish_function_word(word):
            return ()
        return tuple(dict.fromkeys((stemmed, *finnish_terms(word, parts))))
    return (stemmed,)
