"""Wake-ups on PTB's JobQueue. The database is the truth; the scheduler only wakes us.

A one-off job is armed at the earliest due escalation, and a sweep runs every 30 s. At
start-up `catch_up()` is awaited: one sweep (steps missed while the bot was down fire) and the
wake-up armed. It does not go through the scheduler, whose start may come late: an interval
job whose first run is already past when the scheduler starts waits a whole interval. Jobs are
never dropped as "misfired": APScheduler's default grace of 1 s would skip a late wake-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import CallbackContext, JobQueue

from bot.clock import Clock
from bot.services.escalation import EscalationService
from bot.services.ports import Signal

log = logging.getLogger(__name__)

NEVER_MISFIRE: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True}
WAKE = "escalation-wake"
RETRY = "escalation-retry"


class WakeUps:
    def __init__(self, job_queue: JobQueue[Any], engine: EscalationService, clock: Clock,
                 sweep_every: float = 30.0,
                 on_sweep: Callable[[datetime, datetime], Awaitable[None]] | None = None,
                 schedule: Signal | None = None, retry_after: float = 1.0) -> None:
        self.job_queue = job_queue
        self.retry_after = retry_after
        self.engine = engine
        self.clock = clock
        self.sweep_every = sweep_every
        # (previous sweep, now): shift-start notices, deadlines passed in between ...
        self.on_sweep = on_sweep
        self._last_sweep = clock.now() - timedelta(seconds=sweep_every)
        self._arming: set[asyncio.Task[None]] = set()
        if schedule is not None:  # told when the earliest due time may have moved
            schedule.connect(self.arm)

    async def start(self) -> None:
        """Catch up at once, then sweep every `sweep_every` seconds."""
        await self.catch_up()
        self.job_queue.run_repeating(self._sweep, interval=self.sweep_every,
                                     first=self.sweep_every, name="escalation-sweep",
                                     job_kwargs=NEVER_MISFIRE)

    async def catch_up(self) -> None:
        """One sweep now, and the wake-up armed at the earliest due step."""
        await self.sweep()
        try:
            await self._arm()
        except Exception:  # the periodic sweep re-arms; the DB is the truth
            log.exception("arming the escalation wake-up failed")

    def arm(self) -> None:
        """Re-arm the one-off wake-up at the earliest due time (in the background)."""
        try:
            task = asyncio.get_running_loop().create_task(self._arm())
        except RuntimeError:
            return
        self._arming.add(task)
        task.add_done_callback(self._arming.discard)

    async def _arm(self) -> None:
        due = await self.engine.next_due_at()
        for job in self.job_queue.get_jobs_by_name(WAKE):
            job.schedule_removal()
        if due is None:
            return
        delay = max(0.0, (due - self.clock.now()).total_seconds())
        self.job_queue.run_once(self._wake, when=delay, name=WAKE, job_kwargs=NEVER_MISFIRE)

    async def _wake(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        await self._run("wake-up")

    async def _sweep(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        await self.sweep()

    async def sweep(self) -> None:
        await self._run("sweep")
        now = self.clock.now()
        try:
            if self.on_sweep is not None:
                await self.on_sweep(self._last_sweep, now)
        except Exception:
            log.exception("sweep extras failed")
        self._last_sweep = now

    async def _run(self, why: str) -> None:
        try:
            await self.engine.run_due()
        except Exception:  # nothing is lost (the DB is the truth): try again shortly
            log.exception("escalation %s failed; trying again in %.0f s", why, self.retry_after)
            self._retry()

    def _retry(self) -> None:
        """A failed run (the database locked by another process ...) is tried again in
        `retry_after` seconds, not at the next sweep: a step must fire within 2 s of due."""
        try:
            for job in self.job_queue.get_jobs_by_name(RETRY):
                job.schedule_removal()
            self.job_queue.run_once(self._wake, when=self.retry_after, name=RETRY,
                                    job_kwargs=NEVER_MISFIRE)
        except Exception:  # e.g. shutting down: the sweep, or the next start-up, catches up
            log.exception("could not arm the escalation retry")
