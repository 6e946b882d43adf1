"""Conversation drafts: what a form has collected so far and the step it waits at."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.clock import Clock, from_epoch, to_epoch
from bot.storage.db import Database

# A conversation left longer than this without an answer is dropped (the setting's default).
TIMEOUT = timedelta(hours=1)


@dataclass(frozen=True)
class StoredDraft:
    user_id: int
    conversation: str
    step: str
    answers: dict[str, Any]  # JSON-safe: each form encodes its own fields
    updated_at: datetime


def _draft(row: aiosqlite.Row) -> StoredDraft:
    return StoredDraft(row["user_id"], row["conversation"], row["step"], json.loads(row["answers"]),
                       from_epoch(row["updated_at"]))


class DraftRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def get(self, user_id: int, conversation: str) -> StoredDraft | None:
        async with self.conn.execute(
            "SELECT * FROM drafts WHERE user_id = ? AND conversation = ?", (user_id, conversation)
        ) as cur:
            row = await cur.fetchone()
        return _draft(row) if row is not None else None

    async def all(self) -> list[StoredDraft]:
        async with self.conn.execute("SELECT * FROM drafts ORDER BY user_id, conversation") as cur:
            return [_draft(r) for r in await cur.fetchall()]

    async def save(self, draft: StoredDraft) -> None:
        await self.conn.execute(
            "INSERT INTO drafts (user_id, conversation, step, answers, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, conversation) DO UPDATE SET"
            " step = excluded.step, answers = excluded.answers, updated_at = excluded.updated_at",
            (draft.user_id, draft.conversation, draft.step,
             json.dumps(draft.answers, ensure_ascii=False, sort_keys=True),
             to_epoch(draft.updated_at)),
        )

    async def delete(self, user_id: int, conversation: str) -> bool:
        cur = await self.conn.execute(
            "DELETE FROM drafts WHERE user_id = ? AND conversation = ?", (user_id, conversation))
        return cur.rowcount > 0


@dataclass
class _Entry:
    step: str
    restored: bool  # carried over from before a restart, not yet answered in this run


class Drafts:
    """The drafts table, with an index of who has which draft at which step.

    PTB asks a handler synchronously whether an update is its own (`check_update`), so
    the forms need to know without a query who is in which conversation. The table is the
    truth: every change is written before the index follows, and the index is rebuilt from
    the table at start-up (updates of one person run one at a time, so they cannot race).
    """

    def __init__(self, db: Database, clock: Clock, *, timeout: timedelta = TIMEOUT) -> None:
        self.db = db
        self.clock = clock
        self.timeout = timeout
        self._index: dict[int, dict[str, _Entry]] = {}

    async def load(self) -> None:
        """Rebuild the index from the table: every draft there is from an earlier run."""
        self._index = {}
        for d in await DraftRepository(self.db.reader).all():
            self._index.setdefault(d.user_id, {})[d.conversation] = _Entry(d.step, restored=True)

    def step(self, user_id: int, conversation: str) -> str | None:
        entry = self._index.get(user_id, {}).get(conversation)
        return entry.step if entry is not None else None

    def conversations(self, user_id: int) -> list[str]:
        """The conversations this person has a draft in."""
        return list(self._index.get(user_id, {}))

    def restored(self, user_id: int, conversation: str) -> bool:
        """Is this draft from before a restart, and not yet taken up again?"""
        entry = self._index.get(user_id, {}).get(conversation)
        return entry is not None and entry.restored

    def taken_up(self, user_id: int, conversation: str) -> None:
        """The person was told their draft goes on: it is no longer news."""
        entry = self._index.get(user_id, {}).get(conversation)
        if entry is not None:
            entry.restored = False

    def expired(self, draft: StoredDraft) -> bool:
        """Left longer than the timeout without an answer?"""
        return self.clock.now() - draft.updated_at > self.timeout

    async def get(self, user_id: int, conversation: str) -> StoredDraft | None:
        return await DraftRepository(self.db.reader).get(user_id, conversation)

    async def save(self, user_id: int, conversation: str, step: str,
                   answers: dict[str, Any]) -> StoredDraft:
        draft = StoredDraft(user_id, conversation, step, answers, self.clock.now())
        async with self.db.transaction() as conn:
            await DraftRepository(conn).save(draft)
        mine = self._index.setdefault(user_id, {})
        old = mine.get(conversation)
        # Still news until an answer takes it up (a stray update at the same step is not one).
        mine[conversation] = _Entry(step, restored=old is not None and old.restored
                                    and old.step == step)
        return draft

    async def drop_in(self, conn: aiosqlite.Connection, user_id: int, conversation: str) -> None:
        """Delete the draft's row inside the caller's transaction (the index follows on drop)."""
        await DraftRepository(conn).delete(user_id, conversation)

    async def drop(self, user_id: int, conversation: str) -> bool:
        """Forget one draft; True if there was one."""
        async with self.db.transaction() as conn:
            found = await DraftRepository(conn).delete(user_id, conversation)
        mine = self._index.get(user_id, {})
        mine.pop(conversation, None)
        if not mine:
            self._index.pop(user_id, None)
        return found
