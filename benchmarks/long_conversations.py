"""`python -m benchmarks long`: load with conversations as long as a working day's.

Rows of 50/100/150/200 registrars (BENCH_LONG_LEVELS), each keeping one conversation for the
whole row (think 2-4 s, own client address, 0-40 turns spoken before the row: 20-60 turns by
its end), against the assistant, the scale-out shape and `rasa init`'s bot (its own intents, the
same number of turns); then one 300-turn conversation per system, per block of 25 turns. Every
row and block has each process's CPU time per message.
"""

import asyncio
import os
import random
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.cpu import CpuProbe
from benchmarks.eval_sets import DEV_SET, load_questions
from benchmarks.load import (
    LONG_TURNS,
    THINK_LONG,
    BaselineBot,
    SendFn,
    assistant_day,
    baseline_conversations,
    long_conversation,
    run_day_long,
    run_load,
    send_to_assistant,
    send_to_rasa,
)
from benchmarks.stack import running_stack
from launcher.services import ServiceGroup

LONG_LEVELS = tuple(
    int(n) for n in os.environ.get("BENCH_LONG_LEVELS", "50,100,150,200").split(",")
)
HISTORY_TURNS = (0, 40)
SYSTEMS = ("assistant", "scale-out", "baseline")
P95_LIMIT_MS = 250.0


def spoken_before(rng: random.Random) -> int:
    """Turns of its conversation a registrar has spoken before the row starts."""
    return rng.randint(*HISTORY_TURNS)


@dataclass(frozen=True)
class Target:
    """A system under test: where it listens, how to talk to it, its script, its processes."""

    url: str
    send: SendFn
    script: Callable[[random.Random], list[str]]
    groups: list[ServiceGroup]


def _row(system: str, target: Target, users: int, seconds: float) -> dict:
    result = asyncio.run(
        run_load(
            target.url,
            target.send,
            target.script,
            users,
            seconds,
            THINK_LONG,
            own_addresses=True,
            history=spoken_before,
            probe=CpuProbe(target.groups),
        )
    )
    row = result.row()
    print(f"  {system}, {users} users: {row}", flush=True)
    return row


def _day(url: str, send: SendFn, turns: list[str], groups: list[ServiceGroup]) -> list[dict]:
    blocks = asyncio.run(run_day_long(url, send, turns, CpuProbe(groups)))
    print(f"  day-long: {[(b.last, b.median_ms, b.cpu_ms_per_message['all']) for b in blocks]}")
    return [asdict(block) for block in blocks]


def users_served(rows: list[dict]) -> int:
    """The most users of a row with p95 within the limit and no errors (0 if none)."""
    good = [r["users"] for r in rows if r["p95_ms"] <= P95_LIMIT_MS and r["errors"] == 0]
    return max(good, default=0)


def bench_long(results_dir: Path) -> dict:
    """All three systems run at once and take turns row by row, so a change in the machine's
    load during the run hits them alike."""
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    questions = [q.text for q in load_questions(DEV_SET) if q.expected]
    ours = assistant_day(questions)
    theirs = long_conversation(baseline_conversations)
    report: dict = {"seconds_per_level": seconds, "day_long": {}}
    with ExitStack() as running:
        single = running.enter_context(running_stack(results_dir / "index", 0))
        scaled = running.enter_context(running_stack(results_dir / "index", 2))
        baseline = running.enter_context(BaselineBot())
        assert baseline.group is not None
        targets = {
            "assistant": Target(single.url, send_to_assistant, ours, single.groups),
            "scale-out": Target(scaled.url, send_to_assistant, ours, scaled.groups),
            "baseline": Target(baseline.url, send_to_rasa, theirs, [baseline.group]),
        }
        for system in ("assistant", "baseline"):  # each on its fresh, idle stack
            target = targets[system]
            turns = target.script(random.Random(0))  # noqa: S311
            report["day_long"][system] = _day(target.url, target.send, turns, target.groups)
        for system in SYSTEMS:
            report[system] = []
        for users in LONG_LEVELS:
            for system in SYSTEMS:
                report[system].append(_row(system, targets[system], users, seconds))
    report["users_served"] = {system: users_served(report[system]) for system in SYSTEMS}
    _print(report)
    _plot_day(report["day_long"], results_dir / "day_long.png")
    return report


def _print(report: dict) -> None:
    print(
        f"\nLong conversations, {report['seconds_per_level']:.0f} s per row: each registrar keeps "
        "one conversation (think 2-4 s, own address); CPU = ms per message, all processes"
    )
    print(
        f"{'system':<10}{'users':>6}{'msg/s':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'err':>5}{'CPU':>7}"
    )
    for system in SYSTEMS:
        for row in report[system]:
            print(
                f"{system:<10}{row['users']:>6}{row['messages_per_s']:>7}{row['p50_ms']:>8}"
                f"{row['p95_ms']:>8}{row['p99_ms']:>8}{row['errors']:>5}"
                f"{row['cpu_ms_per_message']['all']:>7}"
            )
    served = ", ".join(f"{k} {v}" for k, v in report["users_served"].items())
    print(f"users served with p95 <= {P95_LIMIT_MS:.0f} ms and no errors: {served}")
    print(f"\nDay-long conversation ({LONG_TURNS} turns): median ms / CPU ms per message")
    for system, blocks in report["day_long"].items():
        cells = "  ".join(
            f"{b['first']}-{b['last']}: {b['median_ms']}/{b['cpu_ms_per_message']['all']}"
            for b in blocks
        )
        print(f"{system:<10}{cells}")


def _plot_day(day_long: dict, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, cpu) = plt.subplots(1, 2, figsize=(10, 4.2))
    colours = {"assistant": "#1b5e20", "baseline": "#b71c1c"}
    labels = {"assistant": "this assistant (all processes)", "baseline": "`rasa init` bot"}
    for system, blocks in day_long.items():
        ends = [b["last"] for b in blocks]
        style = {"color": colours[system], "marker": "o", "label": labels[system]}
        latency.plot(ends, [b["median_ms"] for b in blocks], **style)
        cpu.plot(ends, [b["cpu_ms_per_message"]["all"] for b in blocks], **style)
    for axis, title in (
        (latency, "median latency per block of 25 turns (ms)"),
        (cpu, "CPU per message per block of 25 turns (ms)"),
    ):
        axis.set_title(title, fontsize="medium")
        axis.set_xlabel("turn of the conversation")
        axis.set_ylim(bottom=0)
        axis.legend(fontsize="small")
    figure.suptitle("One conversation of 300 turns")
    figure.tight_layout()
    figure.savefig(target, dpi=110)
    print(f"plot: {target}")
