"""Update processing: each person's updates in order, taps on «Đã nhận» never wait.

PTB either serialises every update (a tap then waits behind anyone's slow preview or
broadcast) or runs them all concurrently (a person's messages could overtake each other
inside a conversation). This processor does both right: updates of one user run one at a
time, in arrival order; different users run side by side; acknowledgement taps skip the
per-user queue altogether.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # updates holding or awaiting each user's lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update) or update.effective_user is None or _is_ack(update):
            await coroutine
            return
        user_id = update.effective_user.id
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        self._users[user_id] = self._users.get(user_id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[user_id] -= 1
            if not self._users[user_id]:  # nobody else holds or awaits it: forget the lock
                del self._users[user_id]
                del self._locks[user_id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _is_ack(update: Update) -> bool:
    query = update.callback_query
    return query is not None and (query.data or "").startswith("ack:")
