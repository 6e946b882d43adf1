"""Shared helpers of the fault tests: the bot in-process against the fake Telegram, and what
a fault must never break (nothing marked sent that Telegram does not hold)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from bot.clock import FakeClock
from bot.testing.fake_telegram import FakeTelegram, SentMessage
from tests.e2e.conftest import SUPER_ADMIN, TOKEN, Harness

USERS = [(SUPER_ADMIN, "Quản trị"), (101, "Lan"), (102, "Minh"), (103, "Hùng"), (104, "Khách"),
         (9002, "Phó")]


@contextlib.asynccontextmanager
async def running(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    """The e2e harness (same users), for fault tests outside `tests/e2e`."""
    async with FakeTelegram(TOKEN) as fake:
        for user_id, name in USERS:
            fake.add_user(user_id, name, "Nguyễn")
        h = Harness(fake, clock, tmp_path)
        try:
            yield h
        finally:
            await h.stop()


async def until(predicate: Callable[[], object], *, timeout: float = 10.0,  # noqa: ASYNC109
                every: float = 0.05) -> None:
    """Poll `predicate` (e.g. a database state) until it holds; fail after `timeout`."""
    for _ in range(max(1, int(timeout / every))):
        if predicate():
            return
        await asyncio.sleep(every)
    raise AssertionError(f"still not true after {timeout} s: {predicate}")


def rows(h: Harness, sql: str, *args: object) -> list[tuple[object, ...]]:
    """Read the bot's database from the side, as an operator would."""
    with contextlib.closing(sqlite3.connect(h.tmp / "data" / "hoatoc.db")) as conn:
        return conn.execute(sql, args).fetchall()


def sent_but_not_held(h: Harness) -> list[tuple[object, ...]]:
    """Outbox sends recorded as sent whose message Telegram does not hold in that chat."""
    held = {(m.chat_id, m.message_id) for m in h.fake.sent_messages}
    return [row for row in rows(h, "SELECT id, chat_id, message_id FROM outbox "
                                   "WHERE status = 'sent' AND method LIKE 'send_%'")
            if (row[1], row[2]) not in held]


def texts(h: Harness, user_id: int, fragment: str) -> list[SentMessage]:
    return [m for m in h.fake.messages_to(user_id) if fragment in (m.plain_text or "")]
