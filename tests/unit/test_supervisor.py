"""Supervision: restart delays, giving up on a crash loop, and restarting a real process."""

import sys
import time
from pathlib import Path

import pytest

from launcher.services import Service, ServiceGroup, free_port
from launcher.supervisor import Backoff, CrashLoop, RestartPolicy, Supervisor

POLICY = RestartPolicy(first_delay=1, max_delay=8, max_restarts=5, window_seconds=60)


def test_delays_double_up_to_the_cap() -> None:
    backoff = Backoff(POLICY)
    assert [backoff.next_delay(now) for now in range(5)] == [1, 2, 4, 8, 8]


def test_a_crash_loop_is_given_up() -> None:
    backoff = Backoff(POLICY)
    for now in range(5):
        assert backoff.next_delay(now) is not None
    assert backoff.next_delay(5) is None


def test_restarts_older_than_the_window_are_forgotten() -> None:
    backoff = Backoff(POLICY)
    for now in range(5):
        backoff.next_delay(now)
    assert backoff.next_delay(60.5) == 8  # the restart at 0 left the window: not a loop yet
    assert backoff.next_delay(60.6) is None  # five restarts within the last 60 s
    assert backoff.next_delay(200) == 1  # a whole window without dying: back to the start


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _group(tmp_path: Path, code: str) -> tuple[ServiceGroup, Service]:
    service = Service("flaky", free_port(), "-", [sys.executable, "-c", code], None)
    group = ServiceGroup([service], tmp_path)
    group.spawn(service)
    return group, service


def _wait_exit(service: Service) -> None:
    assert service.process is not None
    service.process.wait(timeout=10)


def test_a_dead_service_is_restarted_after_its_delay_and_reported(tmp_path: Path) -> None:
    group, service = _group(tmp_path, "import sys; sys.exit(3)")
    clock = Clock()
    reports: list[str] = []
    supervisor = Supervisor([group], POLICY, reports.append, clock)
    _wait_exit(service)
    first = service.process
    supervisor.tick()
    assert reports == ["flaky exited with code 3; restarting in 1 s."]
    clock.now = 0.5
    supervisor.tick()
    assert service.process is first  # still waiting out the delay
    clock.now = 1.0
    supervisor.tick()
    assert service.process is not first
    _wait_exit(service)
    clock.now = 1.5
    supervisor.tick()
    assert reports[-1] == "flaky exited with code 3; restarting in 2 s."


def test_the_crash_loop_message_names_the_service_and_its_log(tmp_path: Path) -> None:
    group, service = _group(tmp_path, "import sys; sys.exit(7)")
    clock = Clock()
    supervisor = Supervisor([group], POLICY, lambda _: None, clock)
    for _ in range(POLICY.max_restarts):
        _wait_exit(service)
        supervisor.tick()  # notices the exit
        clock.now += POLICY.max_delay
        supervisor.tick()  # restarts
    _wait_exit(service)
    with pytest.raises(CrashLoop) as error:
        supervisor.tick()
    message = str(error.value)
    assert "flaky exited 6 times within 60 s (last exit code 7); giving up" in message
    assert str(tmp_path / "flaky.out") in message


def test_a_restarted_service_is_reported_healthy_once_its_port_answers(tmp_path: Path) -> None:
    port = free_port()
    serve = (
        "import socket, sys, time; s = socket.socket(); "
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
        f"s.bind(('127.0.0.1', {port})); s.listen(); time.sleep(60)"
    )
    service = Service("server", port, "-", [sys.executable, "-c", serve], None)
    group = ServiceGroup([service], tmp_path)
    group.spawn(service)
    clock = Clock()
    reports: list[str] = []
    supervisor = Supervisor([group], POLICY, reports.append, clock)
    try:
        assert service.process is not None
        service.process.kill()
        service.process.wait(timeout=10)
        supervisor.tick()
        clock.now = 1
        supervisor.tick()  # restarted
        deadline = time.monotonic() + 10
        while "server is healthy again." not in reports and time.monotonic() < deadline:
            time.sleep(0.1)
            supervisor.tick()
        assert reports == [
            "server exited with code -9; restarting in 1 s.",
            "server is healthy again.",
        ]
    finally:
        group.stop()


def test_free_ports_are_never_handed_out_twice() -> None:
    """Ports chosen together before any is bound must differ (the system may offer a port it
    just gave again)."""
    ports = [free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
