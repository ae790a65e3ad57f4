"""FAQ retrieval quality: this system against plain BM25 over the raw source text.

Metrics per language: top-1 accuracy (answered with the right entry), MRR@5, the share of
in-scope questions wrongly refused, and abstention precision/recall on out-of-scope questions.
"""

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from benchmarks.eval_sets import EvalQuestion
from knowledge.answering import FaqService
from knowledge.faq import LANGUAGES, FaqEntry

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Prediction:
    answered: bool
    ranked: list[str]  # entry ids, best first (up to 5)


@dataclass(frozen=True)
class Quality:
    questions: int
    top1: float
    mrr5: float
    wrongly_refused: float
    abstain_precision: float
    abstain_recall: float


def measure(questions: Sequence[EvalQuestion], predictions: Sequence[Prediction]) -> Quality:
    in_scope = [(q, p) for q, p in zip(questions, predictions, strict=True) if q.expected]
    out_scope = [p for q, p in zip(questions, predictions, strict=True) if not q.expected]
    top1 = np.mean([p.answered and p.ranked[:1] == [q.expected] for q, p in in_scope])
    mrr = np.mean(
        [
            1.0 / (p.ranked[:5].index(q.expected) + 1) if q.expected in p.ranked[:5] else 0.0
            for q, p in in_scope
        ]
    )
    refused_in = sum(not p.answered for _, p in in_scope)
    refused_out = sum(not p.answered for p in out_scope)
    refused = refused_in + refused_out
    return Quality(
        questions=len(questions),
        top1=float(top1),
        mrr5=float(mrr),
        wrongly_refused=refused_in / len(in_scope),
        abstain_precision=refused_out / refused if refused else 1.0,
        abstain_recall=refused_out / len(out_scope) if out_scope else 1.0,
    )


def per_language(
    questions: Sequence[EvalQuestion], predictions: Sequence[Prediction]
) -> dict[str, Quality]:
    result = {}
    for lang in (*LANGUAGES, "all"):
        pairs = [
            (q, p) for q, p in zip(questions, predictions, strict=True) if lang in ("all", q.lang)
        ]
        result[lang] = measure([q for q, _ in pairs], [p for _, p in pairs])
    return result


def system_predictor(service: FaqService) -> Callable[[str], Prediction]:
    def predict(text: str) -> Prediction:
        result = service.ask(text)
        return Prediction(result.answered, [c.entry_id for c in result.ranking])

    return predict


class SourceBm25:
    """Baseline: BM25 over the lines of the raw source documents, no stemming, no curation.

    A source line counts as the answer of the FAQ entry whose quote lies on that line.
    """

    def __init__(self, sources: dict[str, str], entries: Sequence[FaqEntry]) -> None:
        self.lines: list[tuple[str, str]] = [
            (name, line.strip())
            for name, text in sources.items()
            for line in text.splitlines()
            if len(line.strip()) > 15
        ]
        self.bm25 = BM25Okapi([self._tokens(line) for _, line in self.lines])
        self.line_entry = [self._entry_of(name, line, entries) for name, line in self.lines]
        self.threshold = 0.0

    @staticmethod
    def _tokens(text: str) -> list[str]:
        return _WORD.findall(text.lower())

    @staticmethod
    def _entry_of(name: str, line: str, entries: Sequence[FaqEntry]) -> str | None:
        for entry in entries:
            if entry.document == name and (entry.quote in line or line in entry.quote):
                return entry.id
        return None

    def scores(self, text: str) -> np.ndarray:
        return self.bm25.get_scores(self._tokens(text))

    def predict(self, text: str) -> Prediction:
        scores = self.scores(text)
        ranked: list[str] = []
        for i in np.argsort(-scores):
            entry = self.line_entry[i]
            if entry and entry not in ranked:
                ranked.append(entry)
            if len(ranked) == 5:
                break
        return Prediction(bool(scores.max() > self.threshold), ranked or ["-"])

    def calibrate(self, questions: Sequence[EvalQuestion], refuse_at_most: float = 0.03) -> None:
        """Give the baseline its best abstention threshold: refuse at most 3 % of in-scope."""
        in_scope = sorted(self.scores(q.text).max() for q in questions if q.expected)
        self.threshold = float(in_scope[int(len(in_scope) * refuse_at_most)]) - 1e-9


def latency_ms(predict: Callable[[str], object], texts: Sequence[str]) -> tuple[float, float]:
    for text in texts[:5]:
        predict(text)  # warm
    timings = []
    for text in texts:
        started = time.perf_counter()
        predict(text)
        timings.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(timings, 50)), float(np.percentile(timings, 95))
