"""`python -m benchmarks containers`: the load rows of `make run` and of the Podman shape
(`make run-containers`, issue 28) in one run, side by side.

The same scenarios as the `load` suite (short conversations: 1, 10 and 50 registrars with think
time 1-2 s, 50 at a steady rate, 50 with no pause) and the `long` suite (BENCH_LONG_LEVELS
registrars, each keeping one conversation from its own address, think 2-4 s, 0-40 turns spoken
before the row), first against `make run`'s shape (benchmarks/stack.py), stopped, then against
the Podman shape (deploy/podman/play.py on free ports: PostgreSQL, Redis, two backend pods, two
Rasa pods, the actions), stopped: one after the other, never both at once. The Podman shape has
no Service in front of its two backends, so registrar n talks to backend n mod 2, as a Service
spreads its clients. Both run with the chat limits raised as the other load suites raise them
(one load generator speaks for many registrars). Where Podman, kubectl or an image is missing,
or `make run-containers` is already running, the Podman rows say "skipped: <reason>".
"""

import asyncio
import os
import random
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.cpu import TICKS_PER_SECOND, CpuProbe
from benchmarks.eval_sets import DEV_SET, load_questions
from benchmarks.load import (
    SHORT_SCENARIOS,
    THINK_LONG,
    Pace,
    assistant_conversations,
    assistant_day,
    run_load,
    send_to_assistant,
)
from benchmarks.long_conversations import LONG_LEVELS, spoken_before

SHAPES = ("make run", "podman")
# What benchmarks/stack.py sets for `make run`'s shape: one load generator, many registrars.
RAISED_LIMITS = {
    "CHAT_PER_CLIENT_PER_MINUTE": "1000000",
    "CHAT_PER_CONVERSATION_PER_MINUTE": "1000000",
}


@dataclass(frozen=True)
class Shape:
    urls: Sequence[str]  # the backends a registrar may be given
    probe: Callable[[], CpuProbe]  # each process's (or container's) CPU
    about: str  # how it was started, for the report


def _ensure_index(index_dir: Path) -> None:
    """`make run`'s shape serves the index the faq suite builds; built here when missing."""
    if index_dir.is_dir() and any(index_dir.iterdir()):
        return
    from knowledge.index import build_index
    from knowledge.settings import KnowledgeSettings

    build_index(KnowledgeSettings(index_dir=index_dir))


@contextmanager
def make_run_shape(index_dir: Path) -> Iterator[Shape]:
    from benchmarks.stack import running_stack

    _ensure_index(index_dir)
    started = time.monotonic()
    with running_stack(index_dir) as stack:
        ready = time.monotonic() - started
        yield Shape(
            [stack.url],
            lambda: CpuProbe(stack.groups),
            f"benchmarks/stack.py as make run (SQLite, one backend, one Rasa), "
            f"ready in {ready:.0f} s",
        )


def _image_revision() -> str:
    from deploy.podman import play

    done = play.podman(
        "image",
        "inspect",
        "--format",
        '{{index .Labels "org.opencontainers.image.version"}}',
        "localhost/celia-backend:latest",
        check=False,
    )
    return done.stdout.strip() or "unknown"


@contextmanager
def podman_shape() -> Iterator[Shape]:
    """The podman overlay played on free ports, with `make run-containers`' state folder (its
    secrets and volumes), and taken down again (volumes kept, as `make stop-containers`)."""
    from deploy.podman import play

    ports = play.Ports.free()
    try:
        ready = play.up(ports, config=RAISED_LIMITS)
        plans = play.pod_plans(play.render(), ports)
        backends = sorted(p.port for p in plans if p.workload == "celia-backend" and p.port)
        yield Shape(
            [f"http://127.0.0.1:{port}" for port in backends],
            lambda: CpuProbe(pids=play.container_pids(plans)),
            f"deploy/podman/play.py up (images {_image_revision()}; PostgreSQL, Redis, "
            f"{len(backends)} backends, 2 Rasa, actions), ready in {ready:.0f} s",
        )
    finally:
        play.down(remove_volumes=False)


def _machine() -> tuple[float, float, float]:
    """Now (monotonic), the machine's busy CPU seconds (all cores, /proc/stat) and this
    process's (the load generator's) CPU seconds."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(fields[:8]) - fields[3] - fields[4]  # user..steal, less idle and iowait
    times = os.times()
    return time.monotonic(), busy / TICKS_PER_SECOND, times.user + times.system


class _MachineProbe(CpuProbe):
    """The shape's probe that also reads the whole machine whenever it reads the shape."""

    def __init__(self, shape: CpuProbe) -> None:
        super().__init__(pids=shape.pids)
        self.machine: list[tuple[float, float, float]] = []

    def read(self) -> dict[str, float]:
        self.machine.append(_machine())
        return super().read()


def _measured(
    shape: Shape,
    script: Callable[[random.Random], list[str]],
    users: int,
    seconds: float,
    pace: Pace,
    **options: Any,
) -> dict:
    """run_load's row against the shape, with what the machine did over its measured part:
    cores busy in all (`machine_cores`), of them the shape's processes (`shape_cores`) and the
    load generator (`generator_cores`); the rest (`other_cores`) is other work on the shared
    machine."""
    probe = _MachineProbe(shape.probe())
    load = run_load(
        shape.urls, send_to_assistant, script, users, seconds, pace, probe=probe, **options
    )
    result = asyncio.run(load)
    (start, busy_before, own_before), (end, busy_after, own_after) = probe.machine[-2:]
    elapsed = end - start
    row = result.row()
    machine = (busy_after - busy_before) / elapsed
    generator = (own_after - own_before) / elapsed
    ours = (result.cpu_ms_per_message or {}).get("all", 0.0) * result.messages / 1000 / elapsed
    row["machine_cores"] = round(machine, 2)
    row["shape_cores"] = round(ours, 2)
    row["generator_cores"] = round(generator, 2)
    row["other_cores"] = round(max(machine - ours - generator, 0.0), 2)
    return row


def _rows(shape: Shape, seconds: float, questions: list[str]) -> dict:
    short, long = [], []
    for users, pace in SHORT_SCENARIOS:
        short.append(_measured(shape, assistant_conversations(questions), users, seconds, pace))
        print(f"  short, {users} users, {pace.label}: {short[-1]}", flush=True)
    for users in LONG_LEVELS:
        long.append(
            _measured(
                shape,
                assistant_day(questions),
                users,
                seconds,
                THINK_LONG,
                own_addresses=True,
                history=spoken_before,
            )
        )
        print(f"  long, {users} users: {long[-1]}", flush=True)
    return {"about": shape.about, "short": short, "long": long}


def bench_containers(results_dir: Path) -> dict:
    from deploy.podman import play

    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    questions = [q.text for q in load_questions(DEV_SET) if q.expected]
    report: dict = {"seconds_per_level": seconds}
    print("\nmake run's shape ...", flush=True)
    with make_run_shape(results_dir / "index") as shape:
        report["make run"] = _rows(shape, seconds, questions)
    reason = play.unavailable()
    if reason:
        report["podman"] = {"skipped": reason}
    else:
        print("Podman shape ...", flush=True)
        try:
            with podman_shape() as shape:
                report["podman"] = _rows(shape, seconds, questions)
        except (play.PlayFailed, subprocess.SubprocessError) as error:
            report["podman"] = {"failed": str(error)}
    _print(report)
    return report


def _print(report: dict) -> None:
    print(
        f"\nmake run against the Podman shape, {report['seconds_per_level']:.0f} s a row, one "
        "after the other; CPU = ms per message, all processes (containers); other = cores busy\n"
        "with other work on the machine meanwhile"
    )
    for shape in SHAPES:
        about = report[shape].get("about")
        if about:
            print(f"  {shape}: {about}")
    print(
        f"{'shape':<10}{'kind':<7}{'users':>6}  {'pace':<18}{'msg/s':>7}{'p50':>8}{'p95':>8}"
        f"{'p99':>8}{'errors':>7}{'CPU':>7}{'other':>7}"
    )
    for shape in SHAPES:
        figures = report[shape]
        for status in ("skipped", "failed"):
            if status in figures:
                print(f"{shape:<10}{status}: {figures[status]}")
        for kind in ("short", "long"):
            for row in figures.get(kind, []):
                cpu = row.get("cpu_ms_per_message", {}).get("all", "")
                print(
                    f"{shape:<10}{kind:<7}{row['users']:>6}  {row['pace']:<18}"
                    f"{row['messages_per_s']:>7}{row['p50_ms']:>8}{row['p95_ms']:>8}"
                    f"{row['p99_ms']:>8}{row['errors']:>7}{cpu:>7}{row['other_cores']:>7}"
                )
