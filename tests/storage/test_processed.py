"""The handled-update guard (`processed_updates`): what a long-running bot keeps, and ids
that the table cannot hold."""

from __future__ import annotations

import sys

from bot.clock import FakeClock
from bot.storage.db import Database
from bot.storage.processed import HandledUpdates


async def _rows(db: Database) -> list[int]:
    async with db.reader.execute("SELECT update_id FROM processed_updates ORDER BY update_id") as c:
        return [int(r[0]) async for r in c]


async def _handle(guard: HandledUpdates, update_id: int) -> None:
    assert guard.begin(update_id)
    guard.done(update_id)
    await guard.close()  # waits for the write


async def test_the_table_is_pruned_after_48_hours_without_a_restart(
    db: Database, clock: FakeClock
) -> None:
    guard = HandledUpdates(db, clock)
    await guard.load()
    await _handle(guard, 100)
    clock.advance(hours=49)
    await _handle(guard, 101)
    # The bot ran on, never restarted: the 49-hour-old id is gone from the table too.
    assert await _rows(db) == [101]
    assert guard.begin(100)  # and from memory (long past Telegram's 24 h)


async def test_an_id_the_table_cannot_hold_does_not_block_the_others(
    db: Database, clock: FakeClock
) -> None:
    guard = HandledUpdates(db, clock)
    await guard.load()
    huge = sys.maxsize * 4  # past SQLite's 64-bit integers
    await _handle(guard, huge)
    await _handle(guard, 7)
    await _handle(guard, 8)
    assert await _rows(db) == [7, 8]
    assert not guard.begin(huge)  # still handled once within this process
    restarted = HandledUpdates(db, clock)
    await restarted.load()
    assert not restarted.begin(7) and not restarted.begin(8)


async def test_memory_stays_bounded_by_the_window(db: Database, clock: FakeClock) -> None:
    guard = HandledUpdates(db, clock)
    await guard.load()
    for update_id in range(100_000):
        assert guard.begin(update_id)
        guard.done(update_id)
        if update_id % 1_000 == 999:
            clock.advance(hours=1)  # 1,000 updates an hour: 100 hours in all
    await guard.close()
    assert len(guard._handled) <= 49_000  # the last 48 hours only
    assert len(await _rows(db)) <= 49_000
