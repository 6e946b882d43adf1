"""The update ids already handled: an update Telegram hands out again is handled once.

Kept in memory (checked on every update without a query) and written to
`processed_updates` in small batches, so it survives what a duplicate comes from: a
restart before Telegram saw the offset that confirmed the update. An update handled in the
moment before a crash, not yet written, can be handled again after the restart — the same
window as PTB's own offset confirmation, and the handlers are safe to run twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from datetime import timedelta

from bot.clock import Clock, to_epoch
from bot.storage.db import Database

log = logging.getLogger(__name__)

# Telegram keeps an undelivered update for at most 24 hours; twice that is plenty.
KEEP = timedelta(hours=48)
# How often a running bot deletes the rows older than KEEP (at start-up, and then with a
# write at most this often): the table holds about KEEP + PRUNE_EVERY of ids.
PRUNE_EVERY = timedelta(hours=1)
# SQLite's INTEGER: an id outside it (never a real Telegram one) is guarded in memory only;
# written, it would fail the whole batch, again at every write.
_SQLITE_INT = range(-(2**63), 2**63)


class HandledUpdates:
    """`begin(update_id)` once per update (False: handled or being handled already), then
    `done(update_id)`; `load()` after the database opens, `close()` before it closes."""

    def __init__(self, db: Database, clock: Clock, keep: timedelta = KEEP) -> None:
        self.db = db
        self.clock = clock
        self.keep = keep
        self._handled: OrderedDict[int, int] = OrderedDict()  # update id -> handled at (epoch)
        self._active: set[int] = set()
        self._unwritten: dict[int, int] = {}
        self._flushing: asyncio.Task[None] | None = None
        self._pruned_at = 0  # epoch of the last DELETE of old rows

    async def load(self) -> None:
        """The ids of the last `keep`, older rows pruned."""
        cutoff = to_epoch(self.clock.now() - self.keep)
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM processed_updates WHERE handled_at < ?", (cutoff,))
            self._pruned_at = to_epoch(self.clock.now())
            async with conn.execute(
                "SELECT update_id, handled_at FROM processed_updates ORDER BY handled_at"
            ) as cur:
                self._handled = OrderedDict([(row[0], row[1]) async for row in cur])

    def begin(self, update_id: int) -> bool:
        """Whether to handle it: not if handled already or in hand right now."""
        if update_id in self._active or update_id in self._handled:
            return False
        self._active.add(update_id)
        return True

    def done(self, update_id: int) -> None:
        now = to_epoch(self.clock.now())
        self._active.discard(update_id)
        self._handled[update_id] = now
        self._unwritten[update_id] = now
        cutoff = now - int(self.keep.total_seconds())
        while self._handled and next(iter(self._handled.values())) < cutoff:
            self._handled.popitem(last=False)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        """One transaction for every id handled since the last one; kept for the next on
        failure (e.g. the database locked by another process: the ids stay in memory)."""
        while self._unwritten:
            batch, self._unwritten = self._unwritten, {}
            rows = [(key, at) for key, at in batch.items() if key in _SQLITE_INT]
            if len(rows) < len(batch):
                log.warning("update id(s) out of SQLite's range not recorded: %s",
                            [key for key in batch if key not in _SQLITE_INT][:5])
            now = to_epoch(self.clock.now())
            prune = now - self._pruned_at >= PRUNE_EVERY.total_seconds()
            try:
                async with self.db.transaction() as conn:
                    await conn.executemany(
                        "INSERT OR IGNORE INTO processed_updates (update_id, handled_at)"
                        " VALUES (?, ?)", rows)
                    if prune:
                        await conn.execute(
                            "DELETE FROM processed_updates WHERE handled_at < ?",
                            (now - int(self.keep.total_seconds()),))
                if prune:
                    self._pruned_at = now
            except Exception as exc:
                log.warning("could not record %d handled update id(s): %s", len(batch), exc)
                self._unwritten = {**dict(rows), **self._unwritten}
                return

    async def close(self) -> None:
        """Write what is still unwritten (called before the database closes)."""
        if self._flushing is not None:
            with contextlib.suppress(Exception):
                await self._flushing
        await self._flush()
