"""The evaluation question sets under tests/eval/ (knowledge/evaluation.py reads them)."""

from knowledge.evaluation import (
    DEV_SET,
    EVAL_DIR,
    HELDOUT_SET,
    REALISTIC_DEV_SET,
    REALISTIC_HELDOUT_SET,
    EvalQuestion,
    load_questions,
)

__all__ = [
    "DEV_SET",
    "EVAL_DIR",
    "HELDOUT_SET",
    "REALISTIC_DEV_SET",
    "REALISTIC_HELDOUT_SET",
    "EvalQuestion",
    "load_questions",
]
