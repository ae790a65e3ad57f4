"""Ordinary typos put into evaluation questions: one swapped and one dropped letter each.

Deterministic (seeded per question), so every run measures the same misspelt questions. Only
runs of five letters or more are touched.
"""

import random
import re

from knowledge.evaluation import EvalQuestion

_WORD = re.compile(r"[^\W\d_]{5,}")


def _swap(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _drop(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]


def with_typos(text: str, seed: int) -> str:
    """The text with one letter swapped in one long word and one dropped in another."""
    rng = random.Random(seed)  # noqa: S311 - reproducible typos, not a secret
    spans = [m.span() for m in _WORD.finditer(text)]
    if not spans:
        return text
    picked = rng.sample(spans, k=min(2, len(spans)))
    edits = [_swap, _drop][: len(picked)]
    for (start, end), edit in sorted(zip(picked, edits, strict=True), reverse=True):
        text = text[:start] + edit(text[start:end], rng) + text[end:]
    return text


def typo_set(questions: list[EvalQuestion]) -> list[EvalQuestion]:
    """The in-scope questions, each with two typos."""
    return [
        EvalQuestion(with_typos(q.text, seed=i), q.lang, q.expected, "typo")
        for i, q in enumerate(questions)
        if q.expected
    ]
