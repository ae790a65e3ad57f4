"""Say what a long preparation step is doing while it runs (first `make run`: minutes)."""

import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_EPOCHS = re.compile(rb"Epochs:\s+(\d+)%")


def training_progress(log_file: Path) -> Callable[[], str]:
    """The share of training epochs done, read from the end of Rasa's training log."""

    def detail() -> str:
        try:
            with log_file.open("rb") as log:
                log.seek(max(0, log_file.stat().st_size - 4096))
                found = _EPOCHS.findall(log.read())
        except OSError:
            return ""
        return f", epochs {found[-1].decode()} %" if found else ""

    return detail


@contextmanager
def step(
    title: str,
    expected: str,
    detail: Callable[[], str] = lambda: "",
    every_seconds: float = 10.0,
) -> Iterator[None]:
    """Print `title (expected) ...`, then the time taken so far every `every_seconds` while the
    step runs, and how long it took at the end."""
    print(f"{title} ({expected}) ...", flush=True)
    started = time.monotonic()
    done = threading.Event()

    def tick() -> None:
        while not done.wait(every_seconds):
            print(f"  ... {time.monotonic() - started:.0f} s{detail()}", flush=True)

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    except BaseException:
        print(f"{title}: failed after {time.monotonic() - started:.0f} s", file=sys.stderr)
        raise
    finally:
        done.set()
        ticker.join()
    print(f"{title}: done in {time.monotonic() - started:.0f} s", flush=True)
