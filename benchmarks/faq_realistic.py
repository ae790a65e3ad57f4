"""FAQ quality on questions as registrars really write them, per language and kind.

Kinds: `context` (a preamble, then the question), `colloquial`, `typo` (hand-written), `typos`
(an older set's in-scope questions with two typos each, `benchmarks/typos.py`), `near_miss`
(near an entry's topic, asking a detail the sources do not give: must be refused, the entry
offered as related) and `out` (plainly outside the FAQ).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.evaluation import EvalQuestion
from knowledge.faq import LANGUAGES


@dataclass(frozen=True)
class Outcome:
    answered: bool
    entry_id: str | None  # the answer's entry, when answered
    related: str | None  # the entry offered as related, when refused


@dataclass(frozen=True)
class KindQuality:
    questions: int
    right: float  # in scope: answered with the expected entry; out of scope: refused
    wrong_entry: float  # answered with another entry (in scope) or answered at all (out)
    related_offered: float  # near misses: refused with the expected related entry offered


def kind_of(question: EvalQuestion) -> str:
    if question.kind == "near_miss" and question.expected is None:
        return "near_miss"
    if question.expected is None:
        return "out"
    return question.kind or "plain"


def measure(pairs: Sequence[tuple[EvalQuestion, Outcome]]) -> KindQuality:
    n = len(pairs)
    if not n:
        return KindQuality(0, 0.0, 0.0, 0.0)
    right = wrong = related = 0
    for question, outcome in pairs:
        if question.expected:
            right += outcome.answered and outcome.entry_id == question.expected
            wrong += outcome.answered and outcome.entry_id != question.expected
        else:
            right += not outcome.answered
            wrong += outcome.answered
            related += bool(question.related) and outcome.related == question.related
    return KindQuality(n, right / n, wrong / n, related / n)


def evaluate(
    questions: Sequence[EvalQuestion], ask: Callable[[EvalQuestion], Outcome]
) -> dict[str, dict[str, KindQuality]]:
    """Quality per kind, each per language and over all."""
    outcomes = [(q, ask(q)) for q in questions]
    kinds = sorted({kind_of(q) for q in questions})
    return {
        kind: {
            lang: measure(
                [(q, o) for q, o in outcomes if kind_of(q) == kind and lang in (q.lang, "all")]
            )
            for lang in (*LANGUAGES, "all")
        }
        for kind in kinds
    }


def table(title: str, rows: dict[str, dict[str, dict[str, KindQuality]]]) -> str:
    """Rows per system, kind and language: n, right, wrong entry, related offered."""
    lines = [
        f"\n{title}",
        f"{'system':<10}{'kind':<12}{'lang':<6}{'n':>5}{'right':>8}{'wrong':>8}{'related':>9}",
    ]
    for system, by_kind in rows.items():
        for kind, by_lang in by_kind.items():
            for lang, q in by_lang.items():
                if q.questions:
                    lines.append(
                        f"{system:<10}{kind:<12}{lang:<6}{q.questions:>5}{q.right:>8.3f}"
                        f"{q.wrong_entry:>8.3f}{q.related_offered:>9.3f}"
                    )
    return "\n".join(lines)
