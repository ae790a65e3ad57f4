"""Password reset requests, handled off the request path.

The reset endpoints answer as soon as the client's hourly limit is counted: the same work for
every address, so the answer's timing cannot tell whether an account uses it, and no padding
delay is needed. The address then waits here, in memory only, until one background task looks
it up and queues the mail (`accounts.send_password_reset`). An address with no account is
never written anywhere. A request still queued when the process is killed is lost; the answer
promised nothing, and the registrar can ask again. A normal stop handles the queue first.
With several backend workers each has its own queue and drains it itself; the per-account
limit that caps the mails is shared (backend/limits.py), so it holds whichever worker answers.
"""

import asyncio
import logging

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from backend.limits import Limits
from backend.periodic import cancel
from backend.services.accounts import send_password_reset
from backend.settings import Settings

log = logging.getLogger("backend.password_reset")

CAPACITY = 1000  # the per-client limit keeps the queue short; beyond this, requests are dropped
ATTEMPTS = 3  # a busy or briefly unavailable database is retried
RETRY_PAUSE_SECONDS = 1.0
STOP_GRACE_SECONDS = 10.0


class ResetWorker:
    def __init__(self, settings: Settings, limits: Limits, sessions: sessionmaker[Session]) -> None:
        self._settings = settings
        self._limits = limits
        self._sessions = sessions
        self._queue: asyncio.Queue[str] = asyncio.Queue(CAPACITY)
        self._task: asyncio.Task[None] | None = None
        self.pending = 0  # requests not yet handled, queued or in hand

    def submit(self, email: str) -> None:
        """Queue an address; called on the event loop by the reset endpoints."""
        try:
            self._queue.put_nowait(email)
            self.pending += 1
        except asyncio.QueueFull:
            log.warning("password reset queue full; a request was dropped")

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="password-resets")

    async def stop(self) -> None:
        """Handle what is queued (up to STOP_GRACE_SECONDS), then stop."""
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._queue.join(), STOP_GRACE_SECONDS)
        except asyncio.TimeoutError:
            log.warning("stopping with %s password reset requests unhandled", self.pending)
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            email = await self._queue.get()
            try:
                await self._handle(email)
            finally:
                self.pending -= 1
                self._queue.task_done()

    async def _handle(self, email: str) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                await asyncio.to_thread(self._send, email)
                return
            except (OperationalError, PoolTimeout) as error:
                failure: Exception = error
                if attempt < ATTEMPTS:
                    await asyncio.sleep(RETRY_PAUSE_SECONDS)
            except Exception as error:  # the worker must outlive any one request
                failure = error
                break
        # The type only: the address is personal data and SQL errors can quote it.
        log.error("password reset request not handled: %s", type(failure).__name__)

    def _send(self, email: str) -> None:
        with self._sessions() as db:
            send_password_reset(db, self._settings, self._limits, email)
            db.commit()
