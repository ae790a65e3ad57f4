"""Answering questions from the FAQ index: dense + lexical retrieval, fused, with abstention."""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import faiss
import numpy as np
import yaml
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge.caveats import caveat
from knowledge.embedding import encode_query, load_encoder
from knowledge.faq import LANGUAGES
from knowledge.focus import (
    Word,
    asked_things,
    asks_amount,
    sentence_weights,
    states_amount,
    term_weights,
    weighted_words,
    which_things,
    zipf,
)
from knowledge.index import (
    DOCUMENTS_FILE,
    ENTRIES_FILE,
    MANIFEST_FILE,
    NOT_COVERED,
    VECTORS_FILE,
    IndexParts,
)
from knowledge.language import detect_language
from knowledge.morphology import finnish_numeral, whole_word_terms
from knowledge.settings import KnowledgeSettings
from knowledge.spelling import Speller, proper_names
from knowledge.text import fold, index_terms, words
from knowledge.vocabulary import vocabulary

# An age written in the question: "13-vuotias", "alle 15 v", "17-åring", "under 15 år",
# "a 16-year-old". "Under 15" means 14 and "over 15" 16 for the range check.
AGE_MENTION = re.compile(
    r"(?:\b(?P<bound>alle|under|below|yli|över|over|above)\s+)?\b(?P<age>\d{1,2})\s*-?\s*"
    r"(?:v\b|vuo|vee|år|ar\b|åring|aring|year|yr)",
    re.IGNORECASE,
)
_BELOW = {"alle", "under", "below"}
_WORD = re.compile(r"[0-9a-zåäöü]+(?:-[0-9a-zåäöü]+)*")
AGE_BONUS = 0.1
ANSWER_CACHE_SIZE = 4096

# Fusion weights of the three retrievers (cosine scores in [0, 1]); measured in `make bench`.
DENSE_WEIGHT = 0.3
WORD_WEIGHT = 0.35
CHAR_WEIGHT = 0.35
# A word the FAQ never uses weighs by how rare it is in everyday language: a rare word is likely
# what the question is about, a common one ("äiti", "today") more likely its setting. A word the
# language does not know either (an uncorrected typo, a name) weighs in between.
RARE_ZIPF, COMMON_ZIPF = 2.5, 4.5
MIN_RARITY = 0.15
# The coverage check weighs a preamble's words less still than retrieval does: they may be
# new to the FAQ (who is asking, and why) without the question being outside it.
COVERAGE_CONTEXT_WEIGHT = 0.3
FUNCTION_ZIPF, FUNCTION_RARITY = 6.0, 0.05
FOCUS_MIN_RARITY = 0.8
UNKNOWN_WORD_RARITY = 0.6
# A best entry barely ahead of the closest not-covered question is as likely the wrong topic:
# it must know half of the question ("Meille tuli uusi työntekijä, miten hän saa
# rekisteröijän tunnukset?" leads "remove a registrar" by 0.017 and is not covered).
NARROW_LEAD = 0.03
# A near miss's related entry, under its own wording (never as the answer).
RELATED_INTRO = {
    "fi": "Tästä aiheesta ohjeissa sanotaan:",
    "sv": "Om det här ämnet säger anvisningarna:",
    "en": "On this topic, the guidance says:",
}
NARROW_LEAD_COVERAGE = 0.5


def _unit_row(values: list[float], columns: list[int], width: int) -> sparse.csr_matrix:
    """A 1 x width sparse row of the values, scaled to unit length."""
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return sparse.csr_matrix(
        ([v / norm for v in values], ([0] * len(columns), columns)), shape=(1, width)
    )


def rarity(zipf: float, sentence_weight: float = 1.0) -> float:
    """How much a word new to the FAQ tells, by its everyday frequency (Zipf scale): 1 for a
    rare word; falling to a floor for a common one (`MIN_RARITY` in the preamble,
    `FOCUS_MIN_RARITY` in a question sentence, where what is asked may be an everyday word:
    "runo", "maksuton"); near nothing for the commonest, the language's function words
    ("her", "honom", "tämä")."""
    if zipf <= 0:
        return UNKNOWN_WORD_RARITY
    floor = FOCUS_MIN_RARITY if sentence_weight >= 1.0 else MIN_RARITY
    if zipf <= COMMON_ZIPF:
        return min(
            1.0, max(floor, 1 - (1 - floor) * (zipf - RARE_ZIPF) / (COMMON_ZIPF - RARE_ZIPF))
        )
    share = min(1.0, (zipf - COMMON_ZIPF) / (FUNCTION_ZIPF - COMMON_ZIPF))
    return floor + (FUNCTION_RARITY - floor) * share


class IndexNotBuilt(RuntimeError):
    pass


@dataclass(frozen=True)
class Source:
    document: str
    section: str


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


@dataclass(frozen=True)
class AskResult:
    answered: bool
    answer: str | None
    entry_id: str | None
    score: float
    lang: str
    sources: list[Source] = field(default_factory=list)
    ranking: list[Candidate] = field(default_factory=list)
    # "This is from May 2021; check with Celia" for dated or overdue content.
    caveat: str | None = None
    # Where the sources point for a not-covered topic (e.g. Celia's contact page).
    see_also: str | None = None
    # A near miss: the entry whose topic the question is about, though it does not say what
    # is asked (offered as related, never as the answer).
    related_entry_id: str | None = None


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def read_index(settings: KnowledgeSettings) -> IndexParts:
    index_dir = settings.index_dir
    manifest_path = index_dir / MANIFEST_FILE
    if not manifest_path.is_file():
        raise IndexNotBuilt(f"no FAQ index in {index_dir}; run `python -m knowledge build`")
    vectors_index = faiss.read_index(str(index_dir / VECTORS_FILE))
    return IndexParts(
        manifest=json.loads(manifest_path.read_text(encoding="utf-8")),
        documents=json.loads((index_dir / DOCUMENTS_FILE).read_text(encoding="utf-8")),
        entries=json.loads((index_dir / ENTRIES_FILE).read_text(encoding="utf-8")),
        vectors=vectors_index.reconstruct_n(0, vectors_index.ntotal),
        titles=yaml.safe_load((settings.sources_dir / "catalog.yml").read_text(encoding="utf-8")),
    )


class FaqService:
    def __init__(self, settings: KnowledgeSettings, parts: IndexParts) -> None:
        self.manifest = parts.manifest
        self.threshold = settings.faq_answer_threshold
        self.min_coverage = settings.faq_min_coverage
        self.clear_lead = settings.faq_clear_lead
        self.min_coverage_with_lead = settings.faq_min_coverage_with_lead
        self.model = self.manifest["embedding_model"]
        self.documents = parts.documents
        self.entries = {e["id"]: e for e in parts.entries}
        self.titles = parts.titles
        self.vectors = parts.vectors
        # The last "entry" collects the curated not-covered questions (see out_of_scope.yml).
        self.entry_ids = [*sorted(self.entries), NOT_COVERED]
        position = {entry_id: i for i, entry_id in enumerate(self.entry_ids)}
        self.doc_entry = np.array([position[d["entry_id"]] for d in self.documents])

        self.word_vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, norm="l2")
        self.word_matrix = self.word_vectorizer.fit_transform(
            [index_terms(d["text"], d["lang"], parts=False) for d in self.documents]
        )
        self.char_vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=fold
        )
        self.char_matrix = self.char_vectorizer.fit_transform([d["text"] for d in self.documents])
        self._build_vocabulary()
        # A misspelt registrar's word ("lainaja") becomes that word, then the FAQ's word.
        texts = [d["text"] for d in self.documents]
        texts += [a for e in self.entries.values() for a in e["answer"].values()]
        self.speller = Speller(
            [*(w for text in texts for w in words(text)), *vocabulary().registrar_words()],
            proper_names(texts),
        )
        # An index's answer to a question never changes: registrars ask the same ones all day.
        self._cached_answer = lru_cache(maxsize=ANSWER_CACHE_SIZE)(self._answer)
        load_encoder(self.model)  # warm the model so the first question is not slow
        for lang in LANGUAGES:  # and the frequency lists (read on first use, ~0.2 s each)
            zipf("celia", lang)

    def _build_vocabulary(self) -> None:
        """Per-entry stemmed vocabulary and entry-level IDF, for the coverage check."""
        self.entry_vocab: list[set[str]] = [set() for _ in self.entry_ids]
        for document, entry_index in zip(self.documents, self.doc_entry, strict=True):
            self.entry_vocab[entry_index].update(
                index_terms(document["text"], document["lang"], parts=False)
            )
        self.entry_prefixes = [{t[:5] for t in vocab if len(t) >= 5} for vocab in self.entry_vocab]
        self.faq_prefixes = set().union(*self.entry_prefixes[:-1])
        frequency = Counter(t for vocab in self.entry_vocab for t in vocab)
        # The FAQ entries' own words (not the not-covered questions'), for foreign compounds.
        self.vocab = set().union(*self.entry_vocab[:-1])
        self.heads = tuple(sorted(t for t in self.vocab if len(t) >= 6))
        entries = len(self.entry_ids)
        self.idf = {t: math.log((entries + 1) / (n + 0.5)) for t, n in frequency.items()}
        self.unknown_idf = math.log((entries + 1) / 0.5)

    def foreign_compound(self, question: str) -> str | None:
        """A compound whose head is a FAQ word but whose modifier the FAQ never uses.

        "pankkitunnus" (a bank ID) or "wlan-tunnus" share only "tunnus" with the FAQ: another
        kind of thing than the FAQ's IDs, so the shared head must not pull an entry.
        """
        for raw in _WORD.findall(question.lower()):
            joined = raw.replace("-", "")
            whole = (fold(t) for lg in LANGUAGES for t in whole_word_terms(joined, lg))
            if any(t in self.vocab for t in whole):
                continue
            word = fold(raw)
            for i in range(1, len(word) - 4):
                modifier = word[:i].rstrip("-")
                letters = sum(ch.isalpha() for ch in modifier)
                if letters < (2 if word[i - 1] == "-" else 3):
                    continue
                if not word[i:].startswith(self.heads):
                    continue
                # Folding keeps the length: the same slice of the word as written.
                if not self._known_part(raw[:i].rstrip("-")):
                    return word
        return None

    def _known_part(self, modifier: str) -> bool:
        """Every part of the modifier starts a FAQ word or is one with a short ending, or is
        a number: "neljäsluokkalainen" is a FAQ "luokkalainen", of the fourth grade."""
        return all(
            finnish_numeral(part)
            or any(
                v.startswith(folded) or (folded.startswith(v) and len(folded) - len(v) <= 3)
                for v in self.vocab
            )
            for part in modifier.split("-")
            if len(folded := fold(part)) > 1
        )

    def coverage(self, words: list[Word], entry_index: int) -> float:
        """Weighted share of the question's words that the entry knows.

        Catches questions that merely share common domain words with an entry ("Celia",
        "asiakas") while their key word (a price, opening hours, the weather) is nowhere in it.
        A word weighs the FAQ IDF of its rarest known term (or, new to the FAQ, its everyday
        rarity) times its sentence's weight (`knowledge/focus.py`): the question sentence
        counts, the preamble less. It is known when any of its terms is.
        """
        vocab, prefixes = self.entry_vocab[entry_index], self.entry_prefixes[entry_index]
        total = covered = 0.0
        for word in words:
            idfs = [self.idf[t] for t in word.terms if t in self.idf]
            idf = max(idfs) if idfs else self.unknown_idf * rarity(word.zipf, word.weight)
            weight = (word.weight if word.weight >= 1.0 else COVERAGE_CONTEXT_WEIGHT) * idf
            total += weight
            if any(t in vocab or (len(t) >= 5 and t[:5] in prefixes) for t in word.terms):
                covered += weight
        return covered / total if total else 0.0

    @classmethod
    def load(cls, settings: KnowledgeSettings) -> "FaqService":
        """The service over the index folder `python -m knowledge build` wrote."""
        return cls(settings, read_index(settings))

    def _per_entry(self, doc_scores: np.ndarray) -> np.ndarray:
        best = np.zeros(len(self.entry_ids), dtype=np.float32)
        np.maximum.at(best, self.doc_entry, doc_scores.astype(np.float32))
        return best

    def score(self, question: str, terms: dict[str, float]) -> np.ndarray:
        """Fused relevance of every entry (in `self.entry_ids` order)."""
        dense, word, char = self._channels(question, terms)
        fused = (
            DENSE_WEIGHT * self._per_entry(dense)
            + WORD_WEIGHT * self._per_entry(word)
            + CHAR_WEIGHT * self._per_entry(char)
        )
        total: np.ndarray = fused + self._age_bonus(question)
        return total

    def _channels(
        self, question: str, terms: dict[str, float]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-document dense, word-term and character n-gram similarities; the lexical
        channels weigh each sentence as `knowledge/focus.py` does."""
        query_vector = encode_query(self.model, question)
        dense = np.clip(self.vectors @ query_vector, 0, 1)
        word = (self.word_matrix @ self._word_query(terms).T).toarray().ravel()
        char = (self.char_matrix @ self._char_query(question).T).toarray().ravel()
        return dense, word, char

    def _word_query(self, terms: dict[str, float]) -> sparse.csr_matrix:
        """The question's TF-IDF row with each term scaled by its weight."""
        columns, values = [], []
        for term, weight in terms.items():
            column = self.word_vectorizer.vocabulary_.get(term)
            if column is not None:
                columns.append(column)
                values.append(weight * self.word_vectorizer.idf_[column])
        return _unit_row(values, columns, len(self.word_vectorizer.idf_))

    def _char_query(self, question: str) -> sparse.csr_matrix:
        """The character n-gram row of the question, its sentences weighted."""
        sentences = sentence_weights(question, LANGUAGES) or [(question, 1.0)]
        rows = self.char_vectorizer.transform([s for s, _ in sentences])
        weighted = sparse.csr_matrix([[w for _, w in sentences]]) @ rows
        norm = math.sqrt(weighted.multiply(weighted).sum())
        return weighted / norm if norm else weighted

    def _see_also(self, question: str, terms: dict[str, float], lang: str) -> str | None:
        """The pointer of the not-covered question closest to this one, if its topic has one."""
        dense, word, char = self._channels(question, terms)
        fused = DENSE_WEIGHT * dense + WORD_WEIGHT * word + CHAR_WEIGHT * char
        closest = max(
            (i for i, d in enumerate(self.documents) if d["entry_id"] == NOT_COVERED),
            key=lambda i: fused[i],
        )
        see_also = self.documents[closest].get("see_also")
        return see_also[lang] if see_also else None

    def _age_bonus(self, question: str) -> np.ndarray:
        """Retrieval barely sees numbers, yet "13-vuotias" vs "16-vuotias" decides the answer:
        favour entries about that age, disfavour entries about other ages."""
        bonus = np.zeros(len(self.entry_ids), dtype=np.float32)
        for match in AGE_MENTION.finditer(question):
            age = int(match.group("age"))
            if match.group("bound"):
                age += -1 if match.group("bound").lower() in _BELOW else 1
            for i, entry_id in enumerate(self.entry_ids[:-1]):
                ages = self.entries[entry_id].get("ages")
                if ages:
                    bonus[i] = AGE_BONUS if ages[0] <= age <= ages[1] else -AGE_BONUS
        return bonus

    def _words_fit(
        self,
        question: str,
        words: list[list[Word]],
        entry_index: int,
        lead: float,
    ) -> bool:
        """Whether the best entry knows enough of the question's words to be its answer.

        `lead` is how far the entry scored above the closest not-covered question. A clear
        lead is evidence of its own: the question is about the entry and only words around
        its topic are new ("a school nurse", "onko vika teillä"), so a lower share of known
        words will do. A foreign compound refuses it all the same: "verkkopankkitunnukset"
        leads the customer-credentials entry clearly and is still another service's ID.
        """
        if lead >= self.clear_lead:
            needed = self.min_coverage_with_lead
        elif lead < NARROW_LEAD:
            needed = NARROW_LEAD_COVERAGE
        else:
            needed = self.min_coverage
        # The cheap check first: the compound scan stems every word in three languages.
        if max(self.coverage(w, entry_index) for w in words) < needed:
            return False
        return not self.foreign_compound(question)

    def _asks_other_detail(self, question: str, langs: tuple[str, ...], entry_index: int) -> bool:
        """Whether the question asks what the entry does not say: a near miss, refused with
        the entry offered as related. Three things are recognised: an amount (how long, how
        many, how often, what date) where the entry's answer gives none; the thing a yes/no
        question asks about ("Löytyykö webinaarista tallenne?") when no entry ever names it;
        and the thing a question asks "which one" of ("Millä linkillä pääsee mukaan?") when
        this entry never names it.
        (Any uncommon word of the question that the entry does not use was measured too: it
        refused more right answers, through misspellings and colloquial forms, than near
        misses it caught.)"""
        entry = self.entries[self.entry_ids[entry_index]]
        amount = asks_amount(question, langs)
        if amount and not states_amount(entry["answer"]["fi"], amount):
            return True
        if any(
            not thing.named_by(self.idf.__contains__, self.faq_prefixes)
            for lang in langs
            for thing in asked_things(question, lang)
        ):
            return True
        vocab = self.entry_vocab[entry_index]
        return any(
            not thing.named_by(vocab.__contains__)
            for lang in langs
            for thing in which_things(question, lang)
        )

    def ask(self, question: str, lang: str | None = None, today: date | None = None) -> AskResult:
        """The answer (or abstention), from this index's cache when asked before on the same
        day (a dated answer's caveat depends on the day)."""
        return self._cached_answer(question, lang, today or date.today())

    def forget_answers(self) -> None:
        """Empty the answer cache (benchmarks measure the retrieval itself)."""
        self._cached_answer.cache_clear()

    def _answer(self, question: str, lang: str | None, today: date) -> AskResult:
        detected = detect_language(question)
        answer_lang = lang or detected or "fi"
        known = lang or detected
        langs: tuple[str, ...] = (known,) if known else LANGUAGES
        question = self.speller.correct(question, langs)
        # Registrars' words ("lainaaja", "patron") in the FAQ's words (knowledge/vocabulary.yml).
        question = vocabulary().to_faq_words(question)
        by_lang = [weighted_words(question, lg, self.idf.__contains__) for lg in langs]
        terms = term_weights(by_lang)
        scores = self.score(question, terms)
        order = np.argsort(-scores)
        ranking = [
            Candidate(self.entry_ids[i], round(float(scores[i]), 4))
            for i in order
            if self.entry_ids[i] != NOT_COVERED
        ][:5]
        best = ranking[0]
        best_index = self.entry_ids.index(best.entry_id)
        entry = self.entries[best.entry_id]
        title = self.titles.get(entry["document"], {}).get(answer_lang, entry["document"])
        sources = [Source(document=title, section=entry["section"])]
        # Checked before the words: a near miss is on the topic, whatever its share of words,
        # and whether or not a curated not-covered question is closer still.
        if best.score >= self.threshold and self._asks_other_detail(question, langs, best_index):
            related = f"{RELATED_INTRO[answer_lang]} {entry['answer'][answer_lang]}"
            return AskResult(
                False,
                None,
                None,
                best.score,
                answer_lang,
                sources,
                ranking,
                see_also=related,
                related_entry_id=best.entry_id,
            )
        if self.entry_ids[order[0]] == NOT_COVERED:
            see_also = self._see_also(question, terms, answer_lang)
            return AskResult(
                False, None, None, best.score, answer_lang, [], ranking, None, see_also
            )
        not_covered = float(scores[-1])  # NOT_COVERED is the last of `self.entry_ids`
        if best.score < self.threshold or not self._words_fit(
            question, by_lang, best_index, best.score - not_covered
        ):
            return AskResult(False, None, None, best.score, answer_lang, [], ranking)
        return AskResult(
            answered=True,
            answer=entry["answer"][answer_lang],
            entry_id=best.entry_id,
            score=best.score,
            lang=answer_lang,
            sources=sources,
            ranking=ranking,
            caveat=caveat(answer_lang, entry.get("dated"), entry.get("review_by"), today),
        )
