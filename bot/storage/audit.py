"""The audit log: every admin action and every state change, who and when."""

from __future__ import annotations

import json

import aiosqlite

from bot.clock import from_epoch
from bot.domain.models import AuditEntry


class AuditRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(
        self,
        at: int,
        actor_user_id: int | None,
        action: str,
        subject: str | None = None,
        details: dict[str, object] | None = None,
    ) -> None:
        await self.conn.execute(
            "INSERT INTO audit_log (at, actor_user_id, action, subject, details)"
            " VALUES (?, ?, ?, ?, ?)",
            (at, actor_user_id, action, subject,
             json.dumps(details or {}, ensure_ascii=False, sort_keys=True)),
        )

    async def entries(self, action: str | None = None) -> list[AuditEntry]:
        sql, args = "SELECT * FROM audit_log", ()  # type: tuple[str, tuple[str, ...]]
        if action is not None:
            sql, args = sql + " WHERE action = ?", (action,)
        async with self.conn.execute(sql + " ORDER BY id", args) as cur:
            rows = await cur.fetchall()
        return [
            AuditEntry(
                id=r["id"], at=from_epoch(r["at"]), actor_user_id=r["actor_user_id"],
                action=r["action"], subject=r["subject"], details=json.loads(r["details"]),
            )
            for r in rows
        ]

    async def latest(self, limit: int) -> list[AuditEntry]:
        """The last `limit` entries, newest first (by insertion: the order they happened)."""
        async with self.conn.execute(
                "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)) as cur:
            rows = await cur.fetchall()
        return [
            AuditEntry(
                id=r["id"], at=from_epoch(r["at"]), actor_user_id=r["actor_user_id"],
                action=r["action"], subject=r["subject"], details=json.loads(r["details"]),
            )
            for r in rows
        ]
