"""Supervision: a service that exits is restarted with back-off while the others keep serving.

Each restart waits twice as long as the one before (1, 2, 4, ... s, at most `max_delay`); a
service that has needed `max_restarts` restarts within `window_seconds` is in a crash loop, and
the supervisor gives up with a message naming it and its log. A service that has run without
dying for a whole window starts again from the shortest delay.
"""

import contextlib
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from launcher.services import Service, ServiceGroup


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 1.0
    max_delay: float = 30.0
    max_restarts: int = 5
    window_seconds: float = 120.0


@dataclass
class Backoff:
    """The restart history of one service."""

    policy: RestartPolicy
    restarts: deque[float] = field(default_factory=deque)

    def next_delay(self, now: float) -> float | None:
        """Seconds to wait before restarting, counting the restart; None: a crash loop."""
        while self.restarts and self.restarts[0] <= now - self.policy.window_seconds:
            self.restarts.popleft()
        if len(self.restarts) >= self.policy.max_restarts:
            return None
        delay = min(self.policy.first_delay * 2 ** len(self.restarts), self.policy.max_delay)
        self.restarts.append(now)
        return delay


@dataclass
class _Watch:
    backoff: Backoff
    restart_at: float | None = None  # set while the service waits to be started again
    recovering: bool = False  # restarted, not yet healthy


class CrashLoop(RuntimeError):
    """A service kept dying; the message says which and where its log is."""


class Supervisor:
    """Call `tick()` every second or so: it restarts what died and reports what happened."""

    def __init__(
        self,
        groups: list[ServiceGroup],
        policy: RestartPolicy | None = None,
        report: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._groups = groups
        self._policy = policy or RestartPolicy()
        self._report = report
        self._clock = clock
        self._watches: dict[str, _Watch] = {}

    def tick(self) -> None:
        """One look at every service; raises CrashLoop when one has to be given up."""
        now = self._clock()
        for group in self._groups:
            for service in group.services:
                self._look_at(group, service, now)

    def _look_at(self, group: ServiceGroup, service: Service, now: float) -> None:
        watch = self._watches.setdefault(service.name, _Watch(Backoff(self._policy)))
        if watch.restart_at is not None:
            if now >= watch.restart_at:
                watch.restart_at = None
                watch.recovering = True
                group.spawn(service)
            return
        process = service.process
        if process is None:
            return
        code = process.poll()
        if code is None:
            if watch.recovering and service.is_healthy():
                watch.recovering = False
                self._report(f"{service.name} is healthy again.")
            return
        _kill_leftovers(process.pid)
        delay = watch.backoff.next_delay(now)
        log = group.log_dir / f"{service.name}.out"
        if delay is None:
            raise CrashLoop(
                f"{service.name} exited {self._policy.max_restarts + 1} times within "
                f"{self._policy.window_seconds:.0f} s (last exit code {code}); giving up. "
                f"See {log}"
            )
        watch.restart_at = now + delay
        self._report(f"{service.name} exited with code {code}; restarting in {delay:.0f} s.")


def _kill_leftovers(pid: int) -> None:
    """A dead service's children (nginx's workers, say) still hold its port: end its group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
