"""The evaluation question sets (tests/eval/) and the regression gate every publish passes."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.answering import FaqService
from knowledge.settings import PROJECT_ROOT

EVAL_DIR = PROJECT_ROOT / "tests" / "eval"
DEV_SET = EVAL_DIR / "faq_questions.yml"
HELDOUT_SET = EVAL_DIR / "faq_heldout.yml"
# Questions as registrars really write them (issue 26): context, colloquial, typos, near misses.
REALISTIC_DEV_SET = EVAL_DIR / "faq_realistic_dev.yml"
REALISTIC_HELDOUT_SET = EVAL_DIR / "faq_realistic_heldout.yml"


@dataclass(frozen=True)
class EvalQuestion:
    text: str
    lang: str
    expected: str | None  # the entry id that answers it; None: out of scope
    # context | colloquial | typo | near_miss (realistic sets); "" in the older sets.
    kind: str = ""
    # A near miss's topic: the entry it is close to without being answered by it.
    related: str | None = None


def load_questions(path: Path) -> list[EvalQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        EvalQuestion(q["q"], q["lang"], q["expected"], q.get("kind", ""), q.get("related"))
        for q in data["questions"]
    ]


@dataclass(frozen=True)
class Broken:
    """A question the candidate index answers worse than it must."""

    question: str
    lang: str
    expected: str | None
    answered_with: str | None  # entry id; None: refused
    why: str  # "regressed" (right now, wrong after) or "must_answer"


@dataclass(frozen=True)
class GateResult:
    top1: dict[str, float]  # per evaluation set, of the candidate
    floors: dict[str, float]
    broken: list[Broken]

    @property
    def passed(self) -> bool:
        below = any(self.top1[name] < floor for name, floor in self.floors.items())
        return not below and not self.broken


def _answer(service: FaqService, question: EvalQuestion) -> str | None:
    result = service.ask(question.text, question.lang)
    return result.entry_id if result.answered else None


def top1(service: FaqService, questions: list[EvalQuestion]) -> float:
    """Share of in-scope questions answered with their expected entry."""
    in_scope = [q for q in questions if q.expected]
    right = sum(_answer(service, q) == q.expected for q in in_scope)
    return right / len(in_scope) if in_scope else 1.0


def gate(
    current: FaqService,
    candidate: FaqService,
    sets: dict[str, list[EvalQuestion]],
    floors: dict[str, float],
    must_answer: Iterable[EvalQuestion],
) -> GateResult:
    """Refuse a candidate whose top-1 on a set falls below its floor, that answers a question
    elsewhere than the live index does correctly now, or misses a staff "must answer"."""
    broken: list[Broken] = []
    for questions in sets.values():
        for question in questions:
            now, after = _answer(current, question), _answer(candidate, question)
            if now == question.expected and after != question.expected:
                broken.append(
                    Broken(question.text, question.lang, question.expected, after, "regressed")
                )
    for question in must_answer:
        after = _answer(candidate, question)
        if after != question.expected:
            broken.append(
                Broken(question.text, question.lang, question.expected, after, "must_answer")
            )
    scores = {name: round(top1(candidate, questions), 4) for name, questions in sets.items()}
    return GateResult(scores, floors, broken)
