"""End-to-end accuracy of the development question set through /api/v1/chat, with latency.

A question counts as right when the bot's reply holds the expected FAQ entry's answer in the
asker's language, the first message of the flow that entry starts, or, for questions the FAQ
does not cover, the bot's plain "I cannot find an answer".
"""

import time
from collections.abc import Sequence

import httpx
import numpy as np
import yaml

from benchmarks.eval_sets import EvalQuestion
from benchmarks.faq_realistic import kind_of
from knowledge.faq import LANGUAGES, load_faq
from knowledge.nlu_export import FLOW_INTENTS
from knowledge.settings import PROJECT_ROOT, KnowledgeSettings

FLOW_FIRST_RESPONSE = {
    "password_reset": "utter_ask_email",
    "locked_account": "utter_locked_explain",
    "reactivation": "utter_reactivation_explain",
    "cd_to_online": "utter_delivery_explain",
}


def _responses() -> dict[str, dict[str, str]]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    texts: dict[str, dict[str, str]] = {}
    for name, variants in domain["responses"].items():
        for variant in variants:
            condition = variant.get("condition") or [{"value": "fi"}]
            texts.setdefault(name, {})[condition[0]["value"]] = variant["text"]
    return texts


def expected_texts() -> dict[str | None, dict[str, str]]:
    responses = _responses()
    expected: dict[str | None, dict[str, str]] = {None: responses["utter_faq_not_covered"]}
    for entry in load_faq(KnowledgeSettings().faq_dir):
        flow = FLOW_INTENTS.get(entry.id)
        expected[entry.id] = (
            responses[FLOW_FIRST_RESPONSE[flow]]
            if flow
            else {lang: entry.answer[lang].split("\n\n")[0] for lang in LANGUAGES}
        )
    return expected


def evaluate(backend_url: str, questions: Sequence[EvalQuestion]) -> dict:
    """Accuracy per language, and per kind for the realistic sets (`benchmarks.faq_realistic`);
    a near miss is right when refused with its entry offered as related."""
    expected = expected_texts()
    right: dict[str, list[bool]] = {lang: [] for lang in (*LANGUAGES, "all")}
    by_kind: dict[str, dict[str, list[bool]]] = {}
    latencies = []
    with httpx.Client(base_url=backend_url, timeout=30) as client:
        for question in questions:
            started = time.perf_counter()
            reply = client.post(
                "/api/v1/chat", json={"conversation_id": None, "message": question.text}
            )
            latencies.append((time.perf_counter() - started) * 1000)
            if reply.status_code == 429:  # one client asking hundreds in a row: the limit
                time.sleep(float(reply.headers.get("Retry-After", "5")))
                reply = client.post(
                    "/api/v1/chat", json={"conversation_id": None, "message": question.text}
                )
            messages = reply.json().get("messages", []) if reply.status_code == 200 else []
            text = "\n".join(m["text"] for m in messages)
            ok = reply.status_code == 200 and expected[question.expected][question.lang] in text
            if question.related:
                ok = ok and any(m.get("faq_related_entry_id") == question.related for m in messages)
            right[question.lang].append(ok)
            right["all"].append(ok)
            kind = by_kind.setdefault(kind_of(question), {})
            for lang in (question.lang, "all"):
                kind.setdefault(lang, []).append(ok)
    return {
        "accuracy": {lang: round(float(np.mean(v)), 3) for lang, v in right.items() if v},
        "by_kind": {
            kind: {lang: [round(float(np.mean(v)), 3), len(v)] for lang, v in langs.items()}
            for kind, langs in sorted(by_kind.items())
        },
        "chat_latency_ms": {
            "p50": round(float(np.percentile(latencies, 50)), 1),
            "p95": round(float(np.percentile(latencies, 95)), 1),
        },
    }
