"""A background job of the running backend: one round every N seconds until the app stops."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from backend.models import JobLease, utcnow

log = logging.getLogger(__name__)


async def cancel(task: asyncio.Task[None] | None) -> None:
    """Cancel a background task and wait until it has stopped."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class PeriodicTask:
    def __init__(self, name: str, round_: Callable[[], Awaitable[object]], interval: float) -> None:
        self.name = name
        self._round = round_
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self._round()
            except Exception as error:  # the job must outlive a busy or missing database
                log.error("%s round failed: %s", self.name, type(error).__name__)
            await asyncio.sleep(self._interval)


def claim_turn(sessions: sessionmaker[Session], name: str, interval: float) -> bool:
    """True for one caller per `interval` among every process sharing the database.

    One conditional UPDATE moves the job's next run on; only the caller whose UPDATE matched
    runs the job (both SQLite and PostgreSQL make the row's update atomic)."""
    now = utcnow()
    later = now + timedelta(seconds=interval)
    with sessions() as db:
        moved = (
            db.execute(
                update(JobLease)
                .where(JobLease.name == name, JobLease.next_run_at <= now)
                .values(next_run_at=later)
                .returning(JobLease.name)
            ).first()
            is not None
        )
        if not moved and db.get(JobLease, name) is None:
            db.add(JobLease(name=name, next_run_at=later))
            moved = True
        try:
            db.commit()
        except IntegrityError:  # another process created the row first: its turn
            return False
        return moved
