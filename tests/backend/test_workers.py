"""Several backend workers on one database: each mail delivered once, the retention job run
once per interval, a reset request answered by whichever worker takes it."""

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from backend import migrate
from backend.db import Database
from backend.email.outbox import queue_email
from backend.email.sender import EmailSender
from backend.models import OutboxEmail
from backend.periodic import claim_turn
from launcher.local_servers import create_database
from tests.backend.conftest import Mailbox, test_settings
from tests.helpers import run_async

MAILS = 60


@pytest.fixture(params=["postgresql", "sqlite"])
def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of its own (no running app's sender touches it)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'workers.db'}"
    else:
        server = make_url(request.getfixturevalue("postgres_url"))
        url = create_database(server.port or 5432, f"workers_{time.monotonic_ns()}")
    migrate.upgrade(url)
    yield url


def test_two_senders_deliver_each_mail_exactly_once(
    shared_database: str, smtp_server: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp_server
    mailbox.clear()
    settings = test_settings(shared_database, port, tmp_path / "log")
    workers = [Database(shared_database), Database(shared_database)]
    try:
        with workers[0].sessions() as db:
            for number in range(MAILS):
                queue_email(db, f"user{number}@example.org", "account_locked", "fi")
            db.commit()
        senders = [EmailSender(settings, worker.sessions) for worker in workers]

        async def both_senders() -> list[int]:
            counts = [0, 0]

            async def run(index: int) -> None:
                for _ in range(20):
                    counts[index] += await senders[index].deliver_due()

            await asyncio.gather(run(0), run(1))
            return counts

        counts = run_async(both_senders())
        assert sum(counts) == MAILS
        wait_for_count(mailbox, MAILS)
        time.sleep(0.3)  # nothing more arrives
        addresses = [message["To"] for message in mailbox.messages]
        assert sorted(addresses) == sorted(f"user{n}@example.org" for n in range(MAILS))
        with workers[1].sessions() as db:
            unsent = db.scalar(select(func.count()).where(OutboxEmail.sent_at.is_(None)))
        assert unsent == 0
    finally:
        for worker in workers:
            worker.engine.dispose()
        mailbox.clear()


def wait_for_count(mailbox: Mailbox, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while len(mailbox.messages) < count:
        assert time.monotonic() < deadline, f"{len(mailbox.messages)} of {count} mails arrived"
        time.sleep(0.02)


# Long enough that the second round of claims starts within it on a loaded two-core machine
# (0.5 s was once too short with the whole assistant running beside the tests).
INTERVAL = 3.0


def test_the_retention_turn_goes_to_one_worker_per_interval(shared_database: str) -> None:
    workers = [Database(shared_database) for _ in range(4)]
    try:

        def claims() -> list[bool]:
            results: list[bool] = [False] * len(workers)
            start = threading.Barrier(len(workers))

            def claim(index: int) -> None:
                start.wait()
                results[index] = claim_turn(workers[index].sessions, "retention", INTERVAL)

            threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(workers))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return results

        assert sum(claims()) == 1  # the first turn (the lease row is created)
        assert sum(claims()) == 0  # within the interval: nobody
        time.sleep(INTERVAL + 0.1)
        assert sum(claims()) == 1  # the next interval: exactly one
    finally:
        for worker in workers:
            worker.engine.dispose()
