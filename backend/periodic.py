"""A background job of the running backend: one round every N seconds until the app stops."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

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
