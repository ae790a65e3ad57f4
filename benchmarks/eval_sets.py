"""The evaluation question sets under tests/eval/."""

from dataclasses import dataclass
from pathlib import Path

import yaml

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
DEV_SET = EVAL_DIR / "faq_questions.yml"
HELDOUT_SET = EVAL_DIR / "faq_heldout.yml"


@dataclass(frozen=True)
class EvalQuestion:
    text: str
    lang: str
    expected: str | None


def load_questions(path: Path) -> list[EvalQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [EvalQuestion(q["q"], q["lang"], q["expected"]) for q in data["questions"]]
