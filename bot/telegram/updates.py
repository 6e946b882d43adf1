"""Update processing: each person's updates in order, taps on «Đã nhận» never wait.

PTB either serialises every update (a tap then waits behind anyone's slow preview or
broadcast) or runs them all concurrently (a person's messages could overtake each other
inside a conversation). This processor does both right: updates of one user run one at a
time, in arrival order; different users run side by side; acknowledgement taps skip the
per-user queue altogether.

PTB takes its concurrency slot before `do_process_update` runs, i.e. before the per-user lock:
one person's queued updates would then hold every slot and stall everyone, taps included.
So PTB's own limit is lifted and ours is taken after the lock; taps take no slot at all.

An update Telegram hands out again (same `update_id`) is handled once (`HandledUpdates`).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import sys
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.storage.processed import HandledUpdates
from bot.telegram import callbacks

log = logging.getLogger(__name__)


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256,
                 handled: HandledUpdates | None = None) -> None:
        super().__init__(sys.maxsize)  # see the module docstring: the limit is ours, below
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # updates holding or awaiting each user's lock
        self.handled = handled

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self.handled is None or not isinstance(update, Update):
            await self._process(update, coroutine)
            return
        update_id = update.update_id
        if not self.handled.begin(update_id):
            log.info("update %s was delivered again: skipped", update_id)
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never started: nothing to undo
            return
        try:
            await self._process(update, coroutine)
        finally:
            self.handled.done(update_id)

    async def _process(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(update, Update) and _is_fast_tap(update):
            await coroutine
            return
        if not isinstance(update, Update) or update.effective_user is None:
            async with self._slots:
                await coroutine
            return
        user_id = update.effective_user.id
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        self._users[user_id] = self._users.get(user_id, 0) + 1
        try:
            async with lock, self._slots:  # waiting for one's own turn holds no slot
                await coroutine
        finally:
            self._users[user_id] -= 1
            if not self._users[user_id]:  # nobody else holds or awaits it: forget the lock
                del self._users[user_id]
                del self._locks[user_id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Write the handled update ids still in memory (the database is still open)."""
        if self.handled is not None:
            await self.handled.close()


def _is_fast_tap(update: Update) -> bool:
    query = update.callback_query
    return query is not None and callbacks.is_fast(query.data)
