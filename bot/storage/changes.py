"""Changes an admin previewed in chat, waiting for «Xác nhận» (management, issue 13)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiosqlite


@dataclass(frozen=True, slots=True)
class PendingChange:
    nonce: str
    admin_user_id: int
    action: str
    payload: dict[str, Any]
    created_at: int
    done_at: int | None
    outcome: str | None


# A preview is confirmed within minutes or not at all; a tap on an older one is told it is
# stale whether or not its row is kept, so each new preview clears those older than this.
KEEP = timedelta(days=7)


class PendingChangeRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, nonce: str, admin_user_id: int, action: str, payload: dict[str, Any],
                  now: int) -> None:
        await self.conn.execute("DELETE FROM pending_changes WHERE created_at < ?",
                                (now - int(KEEP.total_seconds()),))
        await self.conn.execute(
            "INSERT INTO pending_changes (nonce, admin_user_id, action, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (nonce, admin_user_id, action, json.dumps(payload, ensure_ascii=False), now))

    async def get(self, nonce: str) -> PendingChange | None:
        async with self.conn.execute(
            "SELECT * FROM pending_changes WHERE nonce = ?", (nonce,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return PendingChange(row["nonce"], row["admin_user_id"], row["action"],
                             json.loads(row["payload"]), row["created_at"], row["done_at"],
                             row["outcome"])

    async def close(self, nonce: str, outcome: str, now: int) -> bool:
        """Claim the change once; False when it was confirmed or cancelled already."""
        cur = await self.conn.execute(
            "UPDATE pending_changes SET done_at = ?, outcome = ? WHERE nonce = ?"
            " AND done_at IS NULL", (now, outcome, nonce))
        return cur.rowcount == 1
