"""`python -m benchmarks faq-reach`: does a new FAQ entry reach the FAQ without retraining Rasa?

Staff publish entries into the database; Rasa's NLU is not retrained, so a question about a new
entry reaches the FAQ only if the NLU, never having seen its phrasings, still gives it an intent
whose rule calls `action_answer_faq`. Measured by leaving entries out: for each of two folds,
the NLU is trained without half of the FAQ entries' phrasings (the flow entries, which train
their flow's intent, stay in), and the development and held-out questions of the left-out
entries are parsed by that model. Reported: the share routed to the FAQ, and where the rest went.
"""

import json
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from knowledge.evaluation import DEV_SET, HELDOUT_SET, load_questions
from knowledge.faq import FaqEntry, load_faq
from knowledge.nlu_export import FLOW_INTENTS, render_nlu
from knowledge.settings import KnowledgeSettings
from launcher.paths import PROJECT_ROOT, RASA_BIN, RASA_PYTHON

# Intents whose rules (bot/rules.yml) call action_answer_faq when nothing is pending.
TO_FAQ = {"faq", "out_of_scope", "nlu_fallback", "affirm", "deny"}
FOLDS = 2

PARSE = """
import asyncio, json, sys
from rasa.core.agent import Agent

agent = Agent.load(sys.argv[1])
texts = json.load(sys.stdin)

async def parse():
    return [(await agent.parse_message(text))["intent"]["name"] for text in texts]

print(json.dumps(asyncio.run(parse())))
"""


def _train_without(entries: list[FaqEntry], left_out: set[str], work: Path) -> Path:
    data = work / "nlu"
    data.mkdir()
    for path in (PROJECT_ROOT / "bot" / "nlu").glob("*.yml"):
        if path.name != "faq.yml":
            shutil.copy(path, data / path.name)
    kept = [entry for entry in entries if entry.id not in left_out]
    (data / "faq.yml").write_text(render_nlu(kept), encoding="utf-8")
    subprocess.run(
        [
            str(RASA_BIN),
            "train",
            "nlu",
            "--nlu",
            str(data),
            "--config",
            "config.yml",
            "--out",
            str(work),
            "--fixed-model-name",
            "reach",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
        timeout=1800,
    )
    return work / "reach.tar.gz"


def _intents(model: Path, texts: list[str]) -> list[str]:
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", PARSE, str(model)],
        cwd=PROJECT_ROOT,
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_reach() -> dict:
    settings = KnowledgeSettings()
    entries = load_faq(settings.faq_dir)
    questions = [q for path in (DEV_SET, HELDOUT_SET) for q in load_questions(path)]
    faq_only = sorted(entry.id for entry in entries if entry.id not in FLOW_INTENTS)
    routed: Counter[str] = Counter()
    by_language: dict[str, Counter[str]] = {}
    for fold in range(FOLDS):
        left_out = set(faq_only[fold::FOLDS])
        asked = [q for q in questions if q.expected in left_out]
        with tempfile.TemporaryDirectory() as work:
            intents = _intents(
                _train_without(entries, left_out, Path(work)), [q.text for q in asked]
            )
        for question, intent in zip(asked, intents, strict=True):
            routed[intent] += 1
            by_language.setdefault(question.lang, Counter())[intent in TO_FAQ] += 1
    total = sum(routed.values())
    reached = sum(count for intent, count in routed.items() if intent in TO_FAQ)
    return {
        "folds": FOLDS,
        "questions": total,
        "reached_faq": round(reached / total, 3),
        "reached_faq_by_language": {
            lang: round(counts[True] / (counts[True] + counts[False]), 3)
            for lang, counts in sorted(by_language.items())
        },
        "intents": dict(routed.most_common()),
    }
