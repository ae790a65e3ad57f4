"""CPU time per process, from /proc: the figure to compare across runs and machines, since
latency on a shared machine moves with everything else running on it."""

import os
from collections.abc import Iterable
from pathlib import Path

from launcher.services import ServiceGroup

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields after the command name, from state on


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def process_tree_cpu_seconds(pid: int) -> float:
    """utime + stime of the process and every live descendant."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        fields = _stat(current)
        if fields is None:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND  # utime, stime
        pending += _children(current)
    return total


class CpuProbe:
    """CPU seconds used by each service (with its child processes) between two readings."""

    def __init__(
        self, groups: Iterable[ServiceGroup] = (), pids: dict[str, int] | None = None
    ) -> None:
        """The services of `groups`, and any process by its id in `pids` (a container's)."""
        self.pids = {
            service.name: service.process.pid
            for group in groups
            for service in group.services
            if service.process is not None
        }
        self.pids.update(pids or {})

    def read(self) -> dict[str, float]:
        return {name: process_tree_cpu_seconds(pid) for name, pid in self.pids.items()}

    @staticmethod
    def ms_per_message(before: dict[str, float], after: dict[str, float], messages: int) -> dict:
        """Milliseconds of CPU per message for each service, and for all of them (`all`)."""
        used = {name: (after[name] - before[name]) * 1000 / max(messages, 1) for name in before}
        used["all"] = sum(used.values())
        return {name: round(value, 1) for name, value in used.items()}
