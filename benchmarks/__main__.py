"""`python -m benchmarks [faq]`: print benchmark figures beside their baselines."""

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.eval_sets import (
    DEV_SET,
    HELDOUT_SET,
    REALISTIC_DEV_SET,
    REALISTIC_HELDOUT_SET,
    EvalQuestion,
    load_questions,
)
from benchmarks.faq_quality import (
    Quality,
    SourceBm25,
    latency_ms,
    per_language,
    system_predictor,
)
from launcher.paths import VAR_DIR

if TYPE_CHECKING:
    from knowledge.answering import FaqService

RESULTS_DIR = VAR_DIR / "bench"
BEFORE_ISSUE_26 = Path(__file__).resolve().parent / "baselines" / "faq_before_issue26.json"


def _table(title: str, rows: dict[str, dict[str, Quality]]) -> str:
    lines = [
        f"\n{title}",
        f"{'system':<10}{'lang':<6}{'n':>5}{'top1':>8}{'MRR@5':>8}"
        f"{'refused':>9}{'abst.P':>8}{'abst.R':>8}",
    ]
    for system, by_lang in rows.items():
        for lang, q in by_lang.items():
            lines.append(
                f"{system:<10}{lang:<6}{q.questions:>5}{q.top1:>8.3f}{q.mrr5:>8.3f}"
                f"{q.wrongly_refused:>9.3f}{q.abstain_precision:>8.3f}"
                f"{q.abstain_recall:>8.3f}"
            )
    return "\n".join(lines)


def bench_faq() -> dict:
    from knowledge.answering import FaqService
    from knowledge.embedding import encode_query
    from knowledge.faq import load_faq
    from knowledge.index import build_index
    from knowledge.settings import KnowledgeSettings

    settings = KnowledgeSettings(index_dir=RESULTS_DIR / "index")
    started = time.perf_counter()
    manifest = build_index(settings)
    build_seconds = time.perf_counter() - started
    service = FaqService.load(settings)
    entries = load_faq(settings.faq_dir)
    sources = {
        p.name: p.read_text(encoding="utf-8") for p in sorted(settings.sources_dir.glob("*.txt"))
    }
    report: dict = {
        "index_build_seconds": round(build_seconds, 2),
        "index_documents": manifest["documents"],
    }
    predict = system_predictor(service)
    for name, path in (("dev", DEV_SET), ("held-out", HELDOUT_SET)):
        questions = load_questions(path)
        baseline = SourceBm25(sources, entries)
        baseline.calibrate(questions)
        rows = {
            "hybrid": per_language(questions, [predict(q.text) for q in questions]),
            "bm25-raw": per_language(questions, [baseline.predict(q.text) for q in questions]),
        }
        print(_table(f"FAQ retrieval, {name} set ({path.name})", rows))
        report[name] = {
            system: {lang: asdict(q) for lang, q in by_lang.items()}
            for system, by_lang in rows.items()
        }
        if name == "dev":
            texts = [q.text for q in questions]
            encode_query.cache_clear()  # measure real embedding work, not the query cache
            service.forget_answers()
            report["latency_ms_in_process"] = {
                "hybrid": latency_ms(service.ask, texts),
                "bm25-raw": latency_ms(baseline.predict, texts),
            }
    report["realistic"] = _bench_realistic(service, SourceBm25(sources, entries))
    realistic_texts = [q.text for q in load_questions(REALISTIC_DEV_SET)]
    encode_query.cache_clear()
    service.forget_answers()
    report["latency_ms_in_process"]["hybrid, realistic dev"] = latency_ms(
        service.ask, realistic_texts
    )
    report["ask_api_latency_ms"] = _ask_api_latency(
        [q.text for q in load_questions(DEV_SET)], settings.index_dir
    )
    print(
        f"\nIndex build: {report['index_build_seconds']} s ({report['index_documents']} documents)"
    )
    for system, (p50, p95) in report["latency_ms_in_process"].items():
        print(f"In-process answer latency {system:<9} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    p50, p95 = report["ask_api_latency_ms"]
    print(f"POST /api/v1/ask (real server, warm)  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    return report


def _bench_realistic(service: "FaqService", bm25: SourceBm25) -> dict:
    """Questions as registrars write them (issue 26), per kind and language: this system,
    the system before issue 26 (figures of commit 2b6b8fd on the same sets, kept in
    benchmarks/baselines/) and plain BM25 over the raw sources."""
    from benchmarks.faq_realistic import Outcome, evaluate, table
    from benchmarks.typos import typo_set

    before = json.loads(BEFORE_ISSUE_26.read_text(encoding="utf-8"))
    sets = {
        "realistic dev": load_questions(REALISTIC_DEV_SET),
        "realistic held-out": load_questions(REALISTIC_HELDOUT_SET),
        "dev with typos": typo_set(load_questions(DEV_SET)),
        "held-out with typos": typo_set(load_questions(HELDOUT_SET)),
    }
    bm25.calibrate(load_questions(DEV_SET))

    def ask_system(question: EvalQuestion) -> Outcome:
        result = service.ask(question.text)
        return Outcome(result.answered, result.entry_id, result.related_entry_id)

    def ask_bm25(question: EvalQuestion) -> Outcome:
        prediction = bm25.predict(question.text)
        return Outcome(prediction.answered, (prediction.ranked or [None])[0], None)

    report = {}
    for name, questions in sets.items():
        now = evaluate(questions, ask_system)
        rows = {
            "now": now,
            "before": _as_quality(before.get(name, {})),
            "bm25-raw": evaluate(questions, ask_bm25),
        }
        print(
            table(
                f"FAQ, {name} set (right: in scope the expected entry, out of scope refused)", rows
            )
        )
        report[name] = {system: _plain(by_kind) for system, by_kind in rows.items()}
    return report


def _as_quality(stored: dict) -> dict:
    from benchmarks.faq_realistic import KindQuality

    return {
        kind: {lang: KindQuality(**q) for lang, q in langs.items()}
        for kind, langs in stored.items()
    }


def _plain(by_kind: dict) -> dict:
    return {kind: {lang: asdict(q) for lang, q in langs.items()} for kind, langs in by_kind.items()}


def _ask_api_latency(texts: list[str], index_dir: Path) -> tuple[float, float]:
    """p50/p95 of POST /api/v1/ask against a real backend process on a free port."""
    import httpx

    from launcher.secrets_file import new_secrets
    from launcher.services import Ports, ServiceGroup, assistant_services

    with tempfile.TemporaryDirectory() as tmp:
        ports = Ports.free()
        env = {
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
            "LOG_DIR": tmp,
            "INDEX_DIR": str(index_dir),
        }
        backend = [s for s in assistant_services(ports, new_secrets(), env) if s.name == "backend"]
        with ServiceGroup(backend, Path(tmp)), httpx.Client(timeout=10) as client:
            url = f"http://127.0.0.1:{ports.backend}/api/v1/ask"
            return latency_ms(lambda t: client.post(url, json={"question": t}), texts)


def bench_faq_swap() -> dict:
    from benchmarks.faq_swap import bench_swap

    report = bench_swap(RESULTS_DIR / "index")
    print(
        "\nFAQ publish without restart (rebuild from the database, embedding cache warm; "
        f"cold embedding {report['cold_embedding_texts_per_s']} texts/s)"
    )
    print(
        f"{'content':<8}{'entries':>8}{'docs':>7}{'rebuild s':>10}{'swap us':>9}"
        f"{'to swap s':>10}{'ask p95':>9}{'in swap p95':>12}{'errors':>7}"
    )
    for scale in ("1x", "10x"):
        row = report[scale]
        print(
            f"{scale:<8}{row['entries']:>8}{row['documents']:>7}{row['rebuild_s']:>10}"
            f"{row['swap_us']:>9}{row['publication_to_swap_s']:>10}{row['steady_p95_ms']:>9}"
            f"{row['swap_p95_ms']:>12}{row['errors']:>7}"
        )
    return report


def bench_faq_reach() -> dict:
    from benchmarks.faq_reach import bench_reach

    started = time.perf_counter()
    report = bench_reach()
    languages = ", ".join(f"{k} {v:.3f}" for k, v in report["reached_faq_by_language"].items())
    print(
        f"\nNew FAQ entries without retraining Rasa ({report['folds']} folds, "
        f"{time.perf_counter() - started:.0f} s): {report['questions']} questions of left-out "
        f"entries, {report['reached_faq']:.3f} reach the FAQ ({languages}); intents: "
        f"{report['intents']}"
    )
    return report


def bench_nlu() -> dict:
    from benchmarks.nlu import cross_validate

    started = time.perf_counter()
    report = cross_validate()
    print(
        f"\nNLU {report['folds']}-fold cross-validation ({time.perf_counter() - started:.0f} s):"
        f" intent macro F1 {report['intent_macro_f1']:.3f} (target 0.95), "
        f"accuracy {report['intent_accuracy']:.3f}"
    )
    for intent, f1 in sorted(report["per_intent_f1"].items(), key=lambda item: item[1]):
        print(f"  {intent:<16} F1 {f1:.3f}")
    return report


def bench_chat() -> dict:
    from benchmarks.chat_e2e import evaluate
    from benchmarks.stack import running_stack
    from benchmarks.typos import typo_set

    dev = load_questions(DEV_SET)
    sets = {
        "dev": dev,
        "dev with typos": typo_set(dev),
        "realistic dev": load_questions(REALISTIC_DEV_SET),
        "realistic held-out": load_questions(REALISTIC_HELDOUT_SET),
    }
    report: dict = {}
    with running_stack(RESULTS_DIR / "index") as stack:
        for name, questions in sets.items():
            report[name] = evaluate(stack.url, questions)
    for name, result in report.items():
        accuracy = ", ".join(f"{lang} {value:.3f}" for lang, value in result["accuracy"].items())
        print(f"\nEnd to end through /api/v1/chat, {name} set: {accuracy}")
        if name.startswith("realistic"):
            for kind, by_lang in result["by_kind"].items():
                cells = ", ".join(f"{lang} {v:.3f} (n={n})" for lang, (v, n) in by_lang.items())
                print(f"  {kind:<11} {cells}")
    latency = report["dev"]["chat_latency_ms"]
    print(f"POST /api/v1/chat latency (one user): p50 {latency['p50']} ms, p95 {latency['p95']} ms")
    return report


# The assistant as `make run` starts it, as `make run-scale-out` and `make run-production` do,
# and `rasa init`'s bot.
LOAD_SYSTEMS = ("assistant", "scale-out", "production", "baseline")


def bench_load() -> dict:
    import asyncio
    import os

    from benchmarks.load import (
        SHORT_SCENARIOS,
        BaselineBot,
        assistant_conversations,
        baseline_conversations,
        peak_memory_mb,
        run_load,
        send_to_assistant,
        send_to_rasa,
    )
    from benchmarks.stack import running_stack

    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    scenarios = SHORT_SCENARIOS
    questions = [q.text for q in load_questions(DEV_SET) if q.expected]
    report: dict = {"seconds_per_level": seconds, **{system: [] for system in LOAD_SYSTEMS}}
    pick = assistant_conversations(questions)
    for system, replicas, behind_proxy in (
        ("assistant", 0, False),
        ("scale-out", 2, False),
        ("production", 2, True),
    ):
        with running_stack(RESULTS_DIR / "index", replicas, behind_proxy) as stack:
            for users, pace in scenarios:
                result = asyncio.run(
                    run_load(
                        stack.url,
                        send_to_assistant,
                        pick,
                        users,
                        seconds,
                        pace,
                        verify=stack.verify,
                    )
                )
                report[system].append(result.row())
            report[f"{system}_peak_memory_mb"] = peak_memory_mb(stack.group)
    with BaselineBot() as baseline:
        for users, pace in scenarios:
            result = asyncio.run(
                run_load(baseline.url, send_to_rasa, baseline_conversations, users, seconds, pace)
            )
            report["baseline"].append(result.row())
        report["baseline_peak_memory_mb"] = peak_memory_mb(baseline.group)
    _print_load(report)
    _plot_load(report, RESULTS_DIR / "load_latency.png")
    return report


def _print_load(report: dict) -> None:
    print(
        f"\nLoad, {report['seconds_per_level']:.0f} s per level "
        "(assistant through /api/v1/chat; scale-out = the same with PostgreSQL, Redis and two\n"
        "Rasa replicas; production = scale-out behind nginx (https) with two backend workers;\n"
        "baseline = `rasa init` bot over REST; pace = the pause after an answer\n"
        "(think), a steady rate counted from each message sent (every), or none: capacity)"
    )
    print(
        f"{'system':<11}{'users':>6}  {'pace':<18}{'msg/s':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'errors':>8}"
    )
    for system in LOAD_SYSTEMS:
        for row in report[system]:
            print(
                f"{system:<11}{row['users']:>6}  {row['pace']:<18}{row['messages_per_s']:>7}"
                f"{row['p50_ms']:>8}{row['p95_ms']:>8}{row['p99_ms']:>8}{row['errors']:>8}"
            )
    for system in LOAD_SYSTEMS:
        peaks = ", ".join(f"{k} {v} MB" for k, v in report[f"{system}_peak_memory_mb"].items())
        print(f"peak memory ({system}): {peaks}")


def _plot_load(report: dict, target: Path) -> None:
    import matplotlib

    from benchmarks.load import LOAD_LEVELS, THINK

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    colours = {
        "assistant": "#1b5e20",
        "scale-out": "#0d47a1",
        "production": "#6a1b9a",
        "baseline": "#b71c1c",
    }
    for system, colour in colours.items():
        rows = [row for row in report[system] if row["pace"] == THINK.label]
        users = [row["users"] for row in rows]
        for figure_key, style in (("p50", "o-"), ("p95", "s--")):
            axis.plot(
                users,
                [row[f"{figure_key}_ms"] for row in rows],
                style,
                color=colour,
                label=f"{system} {figure_key}",
            )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(list(LOAD_LEVELS), [str(n) for n in LOAD_LEVELS])
    axis.set_xlabel("concurrent registrars")
    axis.set_ylabel("latency per message (ms)")
    axis.set_title("Latency against concurrency (think time 1-2 s)")
    axis.legend(loc="center left", fontsize="small")
    figure.tight_layout()
    figure.savefig(target, dpi=120)
    print(f"plot: {target}")


def bench_long() -> dict:
    from benchmarks.long_conversations import bench_long as run

    return run(RESULTS_DIR)


def bench_containers() -> dict:
    from benchmarks.containers import bench_containers as run

    return run(RESULTS_DIR)


def bench_audit() -> dict:
    from benchmarks.audit import audit_all

    report = audit_all(RESULTS_DIR)
    print("\nDependency audit (pip-audit)")
    for name, result in report.items():
        if "error" in result:
            print(f"  {name}: {result['error']}")
            continue
        vulnerable = ", ".join(
            f"{v['name']} {v['version']} ({', '.join(v['ids'])})" for v in result["vulnerable"]
        )
        print(
            f"  {name}: {result['packages']} packages, {result['audited']} audited, "
            f"{len(result['vulnerable'])} with known vulnerabilities{': ' if vulnerable else ''}"
            f"{vulnerable}; report {result['report']}"
        )
        if result["unresolved"]:
            print(
                f"    NOT AUDITED: {result['unresolved']} packages; vulnerability data out of "
                f"reach ({result['unresolved_example']})"
            )
    return report


def bench_tracker() -> dict:
    import subprocess

    from launcher.paths import PROJECT_ROOT, RASA_PYTHON

    result = subprocess.run(
        [str(RASA_PYTHON), "-m", "benchmarks.tracker_count"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"\nTracker store: counting a conversation's stored events ({report['conversations']} "
        f"conversations in SQLite): Rasa's ORM query {report['rasa_orm_query_us']} us, "
        f"the redacting store's compiled statement {report['compiled_statement_us']} us"
    )
    return report


def bench_reports() -> dict:
    from benchmarks.reports import run

    report = run()
    print(
        f"\nStaff reports on a synthetic year ({report['turns']:,} turns, "
        f"{report['tracker_events']:,} tracker events, {report['handoffs']:,} hand-offs, "
        f"{report['requests']:,} requests): page data and charts from the rollups, p50/p95 ms, "
        "beside the unrolled chat query over the tracker store"
    )
    for engine in ("sqlite", "postgresql"):
        figures = report[engine]
        if "skipped" in figures:
            print(f"  {engine}: skipped ({figures['skipped']})")
            continue
        rollup = figures["rollup"]
        print(
            f"  {engine}: rollup of {rollup['days']} days {rollup['total_s']} s "
            f"(a day p50 {rollup['per_day_p50_ms']} ms, p95 {rollup['per_day_p95_ms']} ms)"
        )
        if "a_day_without_time_index_ms" in rollup:
            print(
                "    a day without an index on the tracker store's time (a scan of the year): "
                f"{rollup['a_day_without_time_index_ms']} ms"
            )
        for period in ("week", "30 days", "year"):
            row = figures[period]
            print(
                f"    {period:<8} page data {row['page_data']['p50_ms']:>7} / "
                f"{row['page_data']['p95_ms']:>7}   charts {row['charts']['p50_ms']:>7} / "
                f"{row['charts']['p95_ms']:>7}   raw chat query "
                f"{row['raw_chat_query']['p50_ms']:>9}"
            )
    return report


SUITES = {
    "faq": bench_faq,
    "faq-swap": bench_faq_swap,
    "faq-reach": bench_faq_reach,
    "nlu": bench_nlu,
    "chat": bench_chat,
    "tracker": bench_tracker,
    "load": bench_load,
    "long": bench_long,
    "containers": bench_containers,
    "audit": bench_audit,
    "reports": bench_reports,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "suites", nargs="*", metavar="SUITE", help=f"any of {', '.join(SUITES)} (default: all)"
    )
    args = parser.parse_args()
    unknown = set(args.suites) - set(SUITES)
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    args.suites = args.suites or list(SUITES)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    results = {}
    if {"chat", "load", "long", "faq-swap"} & set(args.suites) and "faq" not in args.suites:
        args.suites.insert(0, "faq")  # these suites serve the index the faq suite builds
    for suite in args.suites:
        results[suite] = SUITES[suite]()
    out = RESULTS_DIR / "results.json"
    # A run of some suites keeps the figures of the others from earlier runs.
    earlier = json.loads(out.read_text()) if out.exists() else {}
    out.write_text(json.dumps({**earlier, **results}, indent=1))
    print(f"\nFigures saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
