"""What a question asks: its question sentence carries the weight, its preamble less.

"Olen tänään sijaisena ja äiti kysyy asiasta. Voiko 12-vuotias liittyä ilman huoltajaa?" asks
the second sentence; the first tells who is asking. A question sentence ends in "?" or holds
an interrogative: in Finnish a word with the question clitic -ko/-kö (Voikko marks it; spoken
"-ks" as in "onks", "voiks" too) or an interrogative pronoun or adverb; in Swedish and English
a question word or a sentence opened by a verb ("Kan vi…", "Can we…"). An indirect question
in the preamble ("…kysyi, pitääkö…") asks too. Words outside them count at `CONTEXT_WEIGHT`:
a preamble neither sinks the question (its words are mostly new to the FAQ) nor drags in
another entry (its words may be another entry's).
"""

import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import wordfreq

from knowledge.morphology import analyses, finnish_terms, word_terms
from knowledge.spelling import within_one_edit
from knowledge.text import STOPWORDS, fold, words

CONTEXT_WEIGHT = 0.6
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_WORD = re.compile(r"[a-zåäöü]+")

# Interrogative pronouns and adverbs by their base form (Voikko gives "missä" → "mikä").
_FI_INTERROGATIVE_BASES = frozenset("mikä kuka kumpi miten milloin miksi kuinka".split())
_QUESTION_WORDS = {
    "sv": frozenset("hur vad när var vem vems vilken vilket vilka varför vart varifrån".split()),
    "en": frozenset("how what when where who whom whose which why whether".split()),
}
_OPENING_VERBS = {
    "sv": frozenset(
        "kan får måste ska skall behöver finns är har går borde bör gäller måste".split()
    ),
    "en": frozenset("can could do does did is are should must may will would have has".split()),
}


def _finnish_interrogative(word: str) -> bool:
    candidates = [word, word[:-2] + "ko"] if word.endswith("ks") else [word]
    for candidate in candidates:
        for reading in analyses(candidate):
            if reading.get("KYSYMYSLIITE") == "true":
                return True
            if str(reading.get("BASEFORM", "")).lower() in _FI_INTERROGATIVE_BASES:
                return True
    return False


def is_question(sentence: str, langs: Iterable[str]) -> bool:
    """Whether the sentence holds an interrogative in any of the languages."""
    tokens = _WORD.findall(sentence.lower())
    if not tokens:
        return False
    for lang in langs:
        if lang == "fi" and any(_finnish_interrogative(t) for t in tokens):
            return True
        if lang in _QUESTION_WORDS and (
            any(t in _QUESTION_WORDS[lang] for t in tokens) or tokens[0] in _OPENING_VERBS[lang]
        ):
            return True
    return False


# An indirect question is a clause opened by an interrogative, or by these words.
_CLAUSE = re.compile(r",\s+")
_INDIRECT_OPENERS = {"sv": frozenset({"om"}), "en": frozenset({"if", "whether"})}


def _opens_question(token: str, langs: tuple[str, ...]) -> bool:
    """Whether a clause opened by the word is an indirect question ("kysyi, pitääkö…")."""
    return any(
        (lang == "fi" and _finnish_interrogative(token))
        or token in _QUESTION_WORDS.get(lang, ())
        or token in _INDIRECT_OPENERS.get(lang, ())
        for lang in langs
    )


def sentence_weights(text: str, langs: Iterable[str]) -> tuple[tuple[str, float], ...]:
    """`_sentence_weights`, kept per question: retrieval, the coverage check and the near-miss
    rules all read the same sentences."""
    return _sentence_weights(text, tuple(langs))


@lru_cache(maxsize=4096)
def _sentence_weights(text: str, langs: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    """Each sentence with its weight: 1 for a question sentence, `CONTEXT_WEIGHT` for the
    rest; all 1 when no sentence asks (a keyword query, a statement of a problem).

    A preamble may carry the question itself as an indirect one, the asking sentence only
    asking for help with it ("Tietohallinto kysyi, pitääkö salasanoja vaihtaa. Onko tästä
    käytäntö?"): such a clause and the rest of its sentence weigh 1 too."""
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    asking = [s.rstrip().endswith("?") for s in sentences]
    if not any(asking):  # no question mark: look for interrogatives
        asking = [is_question(s, langs) for s in sentences]
    if len(sentences) < 2 or not any(asking):
        return tuple((s, 1.0) for s in sentences)
    weighted: list[tuple[str, float]] = []
    for sentence, asks in zip(sentences, asking, strict=True):
        if asks:
            weighted.append((sentence, 1.0))
            continue
        head, *clauses = _CLAUSE.split(sentence)
        weighted.append((head, CONTEXT_WEIGHT))
        indirect = False
        for clause in clauses:
            tokens = _WORD.findall(clause.lower())
            indirect = indirect or (bool(tokens) and _opens_question(tokens[0], langs))
            weighted.append((clause, 1.0 if indirect else CONTEXT_WEIGHT))
    return tuple(weighted)


@dataclass(frozen=True)
class Word:
    """One word of the question as the FAQ index sees it."""

    terms: tuple[str, ...]  # folded index terms (stem, lemmas, compound parts)
    weight: float  # 1 in a question sentence, CONTEXT_WEIGHT in the preamble
    zipf: float  # how common it is in everyday language (wordfreq's Zipf scale; 0: unknown)


@lru_cache(maxsize=65536)
def zipf(word: str, lang: str) -> float:
    """Frequency of a word in everyday language: 7 "ja", 5 "äiti", 3 "huoltaja", 0 unknown."""
    return float(wordfreq.zipf_frequency(word, lang))


def _folded(terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for f in map(fold, terms) if len(f) > 1 and f not in STOPWORDS))


def weighted_words(text: str, lang: str, known: Callable[[str], bool] | None = None) -> list[Word]:
    """The text's words in the language with their index terms, the weight of their sentence
    and their everyday frequency (of the word or its base form, whichever is higher: the
    frequency lists hold few of the inflected forms of a Finnish word).

    A compound's parts are terms only when the FAQ (`known`) does not use it whole:
    "ammattikorkeakoulun" reaches "koulu", while "salasana" is not "sala" + "sana".
    """
    found: dict[tuple[str, ...], Word] = {}
    for sentence, weight in sentence_weights(text, (lang,)):
        for word in words(sentence):
            whole = _folded(word_terms(word, lang, parts=False))
            if known is not None and any(known(t) for t in whole):
                raw = word_terms(word, lang, parts=False)
            else:
                raw = word_terms(word, lang)
            terms = _folded(raw)
            if not terms:
                continue
            seen = found.get(terms)
            if seen is None or seen.weight < weight:
                frequency = max(zipf(w, lang) for w in (word, *raw))
                found[terms] = Word(terms, weight, frequency)
    return list(found.values())


def term_weights(words_by_lang: Iterable[list[Word]]) -> dict[str, float]:
    """Every term of the words with the weight of the heaviest word it comes from, shared
    among the word's terms (a word read as stem, base form and parts still counts once)."""
    weights: dict[str, float] = {}
    for found in words_by_lang:
        for word in found:
            for term in word.terms:
                weights[term] = max(weights.get(term, 0.0), word.weight / len(word.terms))
    return weights


# How a question asks for an amount (a duration, a count, a frequency, an age or a date): the
# interrogative's base form (Finnish "montako" → moni, "kauanko" → kauan, "paljonko" → paljo)
# or the word after "kuinka"/"hur"/"how". Words of the language's grammar, not phrasings.
_FI_AMOUNT_BASES = frozenset("moni kauan paljo usea pitkä usein vanha".split())
_AMOUNT_AFTER = {
    "fi": frozenset("kauan pitkään pitkäksi pitkän pitkä monta monessa usein paljon vanha".split()),
    "sv": frozenset("länge lång långt många ofta mycket gammal".split()),
    "en": frozenset("long many much often old".split()),
}
_HOW = {"fi": "kuinka", "sv": "hur", "en": "how"}
# The kinds of amount a question asks.
QUANTITY, DATE = "quantity", "date"
_DATE_WORDS = {"en": frozenset("date".split()), "sv": frozenset("datum".split())}


def _amount_asked_in(sentence: str, lang: str) -> str | None:
    tokens = _WORD.findall(sentence.lower())
    for before, token in zip(["", *tokens], tokens, strict=False):
        if before == _HOW[lang] and token in _AMOUNT_AFTER[lang]:
            return QUANTITY
        if lang != "fi" and token in _DATE_WORDS.get(lang, ()) and before in ("what", "vilket"):
            return DATE
        if lang == "fi" and token.endswith(("ko", "kö")):
            for reading in analyses(token):
                base = str(reading.get("BASEFORM", "")).lower()
                if reading.get("KYSYMYSLIITE") == "true" and base in _FI_AMOUNT_BASES:
                    return QUANTITY
    return None


def asks_amount(text: str, langs: Iterable[str]) -> str | None:
    """What amount a question sentence asks: `QUANTITY` (how long, how many, how often) or
    `DATE` (on what date); None when it asks none."""
    langs = tuple(langs)
    for sentence, weight in sentence_weights(text, langs):
        for lang in langs:
            if weight == 1.0 and (kind := _amount_asked_in(sentence, lang)):
                return kind
    return None


# Numbers that date, address or link something rather than count it: a date ("18.5.2021"),
# a year, a clock time ("klo 9–9.30"), and anything in an address or link.
_NOT_A_QUANTITY = re.compile(
    r"\S*[@/]\S*|www\.\S*|\b\d{1,2}\.\d{1,2}\.(?:\d{2,4})?|\b(?:19|20)\d\d\b"
    r"|\bklo\s*[\d.:]+(?:\s*[–-]\s*[\d.:]+)?",
    re.IGNORECASE,
)


# Nouns that quantify like numerals: "puolen vuoden välein", "parin päivän", "muutaman viikon".
_QUANTIFIER_BASES = frozenset({"puoli", "pari", "muutama"})


@lru_cache(maxsize=256)
def states_amount(answer: str, kind: str = QUANTITY) -> bool:
    """Whether a Finnish answer gives the amount asked: for a date any number; for a quantity a
    number that is not a date, a year, a clock time or part of an address (the sources' own
    date, "(18.5.2021)", answers no "how many"), or a numeral by Voikko's word class
    ("kahden viikon") or a quantifying noun ("puolen vuoden välein")."""
    if kind == QUANTITY:
        answer = _NOT_A_QUANTITY.sub(" ", answer)
    if any(ch.isdigit() for ch in answer):
        return True
    return any(
        reading.get("CLASS") == "lukusana"
        or str(reading.get("BASEFORM", "")).lower() in _QUANTIFIER_BASES
        for token in _WORD.findall(answer.lower())
        for reading in analyses(token)
    )


# A yes/no question asks whether a thing is so; the thing is one of its nouns. An everyday word
# (Zipf 5 and up: "itse", "paikka") is rarely that thing.
THING_ZIPF = 5.0
COMMONEST_WORDS = 300


@dataclass(frozen=True)
class Thing:
    """A Finnish noun a question asks about: its base forms (folded), a compound's parts."""

    names: tuple[str, ...]
    parts: tuple[str, ...] = ()
    # Swedish and English words have no parts here: a FAQ word with the same first five
    # letters names them ("tilläggsinformation" and "tilläggsuppgifter").
    prefix: str | None = None

    def named_by(self, known: Callable[[str], bool], prefixes: Container[str] = ()) -> bool:
        """Whether words the index knows name it: one of its base forms, or every part of a
        compound ("loppupäivä" is a known päivä of a known loppu; "videopuhelu" is a known
        puhelu of an unknown video: another thing). Base forms, not Snowball stems: a short
        stem ("tal" of "tallenne") names nothing."""
        return (
            any(known(n) for n in self.names)
            or (bool(self.parts) and all(known(p) for p in self.parts))
            or (self.prefix is not None and self.prefix in prefixes)
        )


def _thing(token: str) -> Thing:
    names = tuple(fold(t) for t in finnish_terms(token, parts=False))
    parts = tuple(p for p in (fold(t) for t in finnish_terms(token)) if p not in names)
    return Thing(names, parts)


def _yes_no(tokens: list[str]) -> bool:
    """A Finnish yes/no question: a verb with the question clitic ("löytyykö", "voiko")."""
    return any(
        r.get("KYSYMYSLIITE") == "true" and r.get("CLASS") == "teonsana"
        for t in tokens
        for r in analyses(t)
    )


def _thing_word(token: str, lang: str) -> bool:
    """A correctly spelt, not everyday Finnish noun (Voikko's word class). A noun that may be
    in the instructive case says how, not what ("määrävälein", "käsin")."""
    if len(token) < 4 or token in STOPWORDS:
        return False
    readings = analyses(token)
    # The frequency lists hold few inflected forms: the base form's counts too.
    bases = (str(r.get("BASEFORM", "")).lower() for r in readings)
    if not 0 < max(zipf(w, lang) for w in (token, *bases)) < THING_ZIPF:
        return False
    return (
        bool(readings)
        and readings[0].get("CLASS") == "nimisana"
        and not any(r.get("SIJAMUOTO") == "keinonto" for r in readings)
    )


def asked_things(text: str, lang: str) -> list[Thing]:
    """Each thing a yes/no question sentence asks about, for a check against what the FAQ
    names. Finnish: its not-everyday nouns ("Löytyykö webinaarista tallenne?": webinaari,
    tallenne). Swedish and English have no word classes here: the not-everyday words after the
    subject of a question opened by a verb ("Kan man skicka dem per sms?"), each one a real
    word of the language and no misspelt everyday word ("thier")."""
    things: list[Thing] = []
    for sentence, weight in sentence_weights(text, (lang,)):
        tokens = _WORD.findall(sentence.lower())
        if weight < 1.0 or not tokens:
            continue
        if lang == "fi":
            if _yes_no(tokens):
                things.extend(_thing(t) for t in tokens if _thing_word(t, lang))
        elif tokens[0] in _OPENING_VERBS.get(lang, ()):
            things.extend(
                Thing(_folded(word_terms(t, lang, parts=False)), prefix=fold(t)[:5])
                for t in _predicate(tokens, lang)
                if _rare_real_word(t, lang)
            )
    return things


# Determiners that open a noun phrase ("det" and "den" after a verb are mostly pronouns:
# "Finns det…", "Går det…").
_DETERMINERS = {
    "sv": frozenset("en ett denna detta min mitt vår vårt hans hennes deras".split()),
    "en": frozenset("a an the this that my our your his her their".split()),
}


def _predicate(tokens: list[str], lang: str) -> list[str]:
    """The words after the verb that opens the question and its subject: the subject says
    who asks or acts ("Can a school nurse register…?"), the rest what is asked. A subject is a
    word ("Kan vårdnadshavaren…", "Kan man…") or a determiner and up to two words."""
    subject = 3 if len(tokens) > 1 and tokens[1] in _DETERMINERS.get(lang, ()) else 1
    return tokens[1 + subject :]


@lru_cache(maxsize=65536)
def _rare_real_word(token: str, lang: str) -> bool:
    """A word of the language that is not everyday and no misspelt everyday word ("thier")."""
    if len(token) < 3 or token in STOPWORDS or not 0 < zipf(token, lang) < THING_ZIPF:
        return False
    return not within_one_edit(token, _commonest(lang))


@lru_cache(maxsize=4)
def _commonest(lang: str) -> tuple[str, ...]:
    """The language's commonest words, its function words among them."""
    return tuple(wordfreq.top_n_list(lang, COMMONEST_WORDS))


# "Millä linkillä…?", "Mistä osoitteesta…?": an interrogative determiner agreeing in case and
# number with the noun after it asks which one of that thing.
_FI_WHICH_BASES = frozenset("mikä millainen minkälainen kumpi".split())


def _agrees(first: dict[str, str], second: dict[str, str]) -> bool:
    """Same case and number, as a determiner and its noun are."""
    return all(first.get(key) == second.get(key) for key in ("SIJAMUOTO", "NUMBER"))


def which_things(text: str, lang: str) -> list[Thing]:
    """The index terms of each thing a Finnish question asks "which one" of ("Millä linkillä
    pääsee mukaan?": linkki), for a check against what the entry names. Swedish and English
    give none: without case agreement the word after "which"/"vilken" is not surely the thing
    (measured: "vilken e-post har…" was refused)."""
    things: list[Thing] = []
    if lang != "fi":
        return things
    for sentence, weight in sentence_weights(text, (lang,)):
        if weight < 1.0:
            continue
        tokens = _WORD.findall(sentence.lower())
        for word, noun in pairwise(tokens):
            determiners = [
                r for r in analyses(word) if str(r.get("BASEFORM", "")).lower() in _FI_WHICH_BASES
            ]
            nouns = [r for r in analyses(noun) if r.get("CLASS") == "nimisana"]
            if any(_agrees(d, n) for d in determiners for n in nouns):
                things.append(_thing(noun))
    return things
