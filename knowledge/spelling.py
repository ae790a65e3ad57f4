"""Correcting ordinary typos in a question before it is read: only words the language does not
know, never a hetu, an e-mail address, a number or a name.

A word is left as typed when it is a FAQ word (any language, diacritics folded: "maaraaikainen"
is the FAQ's "määräaikainen" typed without dots), when the language knows it (Voikko for
Finnish; the `wordfreq` lists for Swedish and English) or when it is not a plain lower-case
word (capitalised inside a sentence: a name; with a digit, "@", "." or "/" inside: a hetu, an
address or a link). Otherwise it becomes the closest FAQ word within a small edit distance
(SymSpell over the FAQ's own words, swaps counted as one edit), and for Finnish, failing that,
Voikko's first suggestion when it is that close.
"""

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import wordfreq
from symspellpy import SymSpell, Verbosity

from knowledge.morphology import known_finnish, voikko
from knowledge.text import fold

# A chat message's whitespace-separated pieces, with the punctuation around the word apart.
_PIECE = re.compile(r"(\S+)")
_PLAIN = re.compile(r"^([\"'(«]*)([^\W\d_]+)([\"')»,.!?:;]*)$")
_SENTENCE_END = re.compile(r"[.!?]$")
MIN_LENGTH = 4  # shorter words are too easy to "correct" into another word


def max_distance(word: str) -> int:
    """Edits allowed: one for a short word, two from eight letters up."""
    return 1 if len(word) < 8 else 2


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (an adjacent swap is one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


def within_one_edit(word: str, candidates: Iterable[str]) -> list[str]:
    """The candidates one edit (or none) from the word."""
    return [c for c in candidates if abs(len(c) - len(word)) <= 1 and edit_distance(c, word) <= 1]


# The frequency lists hold common misspellings too ("alredy", "libary") at low frequencies.
KNOWN_ZIPF = 2.5


@lru_cache(maxsize=65536)
def known_word(word: str, lang: str) -> bool:
    """Whether the language knows the lower-case word."""
    if lang == "fi":
        return known_finnish(word)
    return wordfreq.zipf_frequency(word, lang) >= KNOWN_ZIPF


_NAME_INSIDE = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-ZÅÄÖ][a-zåäö]{3,})\b", re.MULTILINE)


def proper_names(texts: Iterable[str]) -> set[str]:
    """The capitalised words inside sentences of the texts, lower-cased: the names the FAQ
    uses ("Celia", "Celianetissä")."""
    return {m.group(1).lower() for text in texts for m in _NAME_INSIDE.finditer(text)}


class Speller:
    def __init__(self, faq_words: Iterable[str], names: Iterable[str] = ()) -> None:
        counts = Counter(w for w in faq_words if len(w) >= MIN_LENGTH and w.isalpha())
        self.faq_words = set(counts)
        self.names = frozenset(names)
        self.folded = {fold(w) for w in counts}
        self.symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in counts.items():
            self.symspell.create_dictionary_entry(word, count)
        self._correct_word = lru_cache(maxsize=65536)(self._correction)

    def correct(self, text: str, langs: Iterable[str]) -> str:
        """The text with misspelt words corrected (`langs`: the question's language, or all
        three when unsure: a word any of them knows is left alone)."""
        langs = tuple(langs)
        pieces = _PIECE.split(text)
        sentence_start = True
        for i, piece in enumerate(pieces):
            if not piece or piece.isspace():
                continue
            match = _PLAIN.match(piece)
            if match:
                lead, word, tail = match.groups()
                if word.islower() or (sentence_start and word[1:].islower()):
                    fixed = self._correct_word(word.lower(), langs)
                elif word[1:].islower():  # a name: only a misspelt name of the FAQ's
                    fixed = self._correct_name(word.lower())
                else:
                    fixed = None
                if fixed is not None:
                    if word[0].isupper():
                        fixed = fixed[0].upper() + fixed[1:]
                    pieces[i] = lead + fixed + tail
            sentence_start = bool(_SENTENCE_END.search(piece))
        return "".join(pieces)

    def _correct_name(self, word: str) -> str | None:
        """The FAQ's name one edit from a capitalised word it does not use ("Ceila" → Celia);
        any other name ("Virtasen") is left as written."""
        if word in self.names or len(word) < MIN_LENGTH:
            return None
        close = within_one_edit(word, self.names)
        return close[0] if len(close) == 1 else None

    def _correction(self, word: str, langs: tuple[str, ...]) -> str | None:
        if len(word) < MIN_LENGTH or word in self.faq_words or fold(word) in self.folded:
            return None
        if any(known_word(word, lang) for lang in langs):
            return None
        limit = max_distance(word)
        found = self.symspell.lookup(word, Verbosity.TOP, max_edit_distance=limit)
        if found:
            return str(found[0].term)
        if "fi" in langs:
            for suggestion in voikko().suggest(word)[:1]:
                if edit_distance(word, suggestion.lower()) <= limit:
                    return str(suggestion.lower())
        return None
