"""Previewed management changes (`pending_changes`): kept while a tap on them can still be
told it is stale, not for ever."""

from __future__ import annotations

from bot.storage.changes import KEEP, PendingChangeRepository
from bot.storage.db import Database


async def test_a_new_preview_clears_those_older_than_a_week(db: Database) -> None:
    t0 = 1_800_000_000
    async with db.transaction() as conn:
        await PendingChangeRepository(conn).add("a" * 12, 1, "person_off", {}, t0)
        await PendingChangeRepository(conn).add("b" * 12, 1, "person_off", {}, t0 + 60)
    async with db.transaction() as conn:
        await PendingChangeRepository(conn).add(
            "c" * 12, 1, "person_off", {}, t0 + int(KEEP.total_seconds()) + 30)
    repo = PendingChangeRepository(db.reader)
    assert await repo.get("a" * 12) is None  # a week and more: gone
    assert await repo.get("b" * 12) is not None  # not quite: kept, a tap on it told "stale"
    assert await repo.get("c" * 12) is not None
