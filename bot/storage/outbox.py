"""The outbox: messages waiting to be sent or edited, drained by the sender."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

SEND_METHODS = frozenset({"send_message", "send_document", "send_photo"})


@dataclass(frozen=True, slots=True)
class OutboxOp:
    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]
    delivery_id: int | None
    attempts: int
    version: int = 0


class OutboxRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def enqueue(
        self, chat_id: int, method: str, payload: dict[str, Any], now: int, *,
        delivery_id: int | None = None, edit_key: str | None = None,
    ) -> int:
        """Queue one operation; an edit with the key of a queued edit replaces that edit's text."""
        data = json.dumps(payload, ensure_ascii=False)
        if edit_key is not None:
            async with self.conn.execute(
                "SELECT id FROM outbox WHERE edit_key = ? AND status = 'queued'", (edit_key,)
            ) as cur:
                row = await cur.fetchone()
            if row is not None:
                await self.conn.execute(
                    "UPDATE outbox SET payload = ?, version = version + 1 WHERE id = ?",
                    (data, row[0]))
                return int(row[0])
        cur = await self.conn.execute(
            "INSERT INTO outbox (chat_id, method, payload, delivery_id, edit_key, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (chat_id, method, data, delivery_id, edit_key, now),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def queued_after(self, last_id: int) -> list[tuple[OutboxOp, bool]]:
        """Queued operations newer than `last_id`, oldest first, each with whether it is an
        edit that a later edit may still rewrite (its payload must be read again at send)."""
        async with self.conn.execute(
            "SELECT id, chat_id, method, payload, delivery_id, attempts, edit_key, version"
            " FROM outbox WHERE status = 'queued' AND id > ? ORDER BY id", (last_id,),
        ) as cur:
            rows = await cur.fetchall()
        return [(OutboxOp(r["id"], r["chat_id"], r["method"], json.loads(r["payload"]),
                          r["delivery_id"], r["attempts"], r["version"]),
                 r["edit_key"] is not None) for r in rows]

    async def get(self, op_id: int) -> OutboxOp | None:
        async with self.conn.execute(
            "SELECT id, chat_id, method, payload, delivery_id, attempts, status, version"
            " FROM outbox WHERE id = ?", (op_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None or row["status"] != "queued":
            return None
        return OutboxOp(row["id"], row["chat_id"], row["method"], json.loads(row["payload"]),
                        row["delivery_id"], row["attempts"], row["version"])

    async def mark_sent(self, op: OutboxOp, message_id: int | None, now: int) -> str:
        """Telegram took it: "sent"; "rewritten" when a newer edit rewrote the row meanwhile
        (it must go out too); "cancelled" when the row was cancelled while in flight (its
        directive was recalled): it stays cancelled, but what landed is recorded."""
        outcome = "sent"
        cur = await self.conn.execute(
            "UPDATE outbox SET status = 'sent', message_id = ?, attempts = attempts + 1,"
            " done_at = ? WHERE id = ? AND version = ? AND status = 'queued'",
            (message_id, now, op.id, op.version),
        )
        if cur.rowcount != 1:
            outcome = "cancelled"
            cur = await self.conn.execute(
                "UPDATE outbox SET message_id = ?, attempts = attempts + 1"
                " WHERE id = ? AND status = 'failed'", (message_id, op.id))
            if cur.rowcount != 1:
                return "rewritten"
        if op.delivery_id is not None and op.payload.get("main") and message_id is not None:
            await self.conn.execute(
                "UPDATE deliveries SET status = 'sent', message_id = ?, error = NULL,"
                " updated_at = ? WHERE id = ?", (message_id, now, op.delivery_id),
            )
        return outcome

    async def mark_failed(self, op_ids: list[int], error: str, now: int, *, blocked: bool) -> None:
        """Give up on these operations; the deliveries they carried are failed (or blocked)."""
        marks = ",".join("?" * len(op_ids))
        await self.conn.execute(
            f"UPDATE outbox SET status = 'failed', error = ?, done_at = ? WHERE id IN ({marks})",  # noqa: S608
            (error[:500], now, *op_ids),
        )
        await self.conn.execute(
            f"UPDATE deliveries SET status = ?, error = ?, updated_at = ? WHERE status = 'queued'"  # noqa: S608
            f" AND id IN (SELECT delivery_id FROM outbox WHERE id IN ({marks})"
            " AND json_extract(payload, '$.main'))",
            ("blocked" if blocked else "failed", error[:500], now, *op_ids),
        )

    async def bump_attempts(self, op_id: int, error: str) -> None:
        await self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, error = ? WHERE id = ?", (error[:500], op_id)
        )

    async def cancel_directive(self, directive_id: int, now: int) -> list[int]:
        """Drop what is still queued for a directive (it was recalled); returns their ids."""
        async with self.conn.execute(
            "SELECT id FROM outbox WHERE status = 'queued'"
            " AND json_extract(payload, '$.directive_id') = ?", (directive_id,)) as cur:
            ids = [r[0] for r in await cur.fetchall()]
        if ids:
            await self.mark_failed(ids, "recalled", now, blocked=False)
        return ids

    async def cancel_reminders(self, directive_id: int, agency_id: int, now: int) -> list[int]:
        """The agency acknowledged: reminders to it not yet sent are dropped."""
        async with self.conn.execute(
            "SELECT id FROM outbox WHERE status = 'queued'"
            " AND json_extract(payload, '$.directive_id') = ?"
            " AND json_extract(payload, '$.reminder_for') = ?", (directive_id, agency_id)) as cur:
            ids = [r[0] for r in await cur.fetchall()]
        if ids:
            await self.mark_failed(ids, "acknowledged", now, blocked=False)
        return ids

    async def op_message_id(self, op_id: int) -> int | None:
        async with self.conn.execute("SELECT message_id FROM outbox WHERE id = ?", (op_id,)) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]

    async def delivery_message_id(self, delivery_id: int) -> int | None:
        async with self.conn.execute(
            "SELECT message_id FROM deliveries WHERE id = ?", (delivery_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]

    async def counts(self) -> dict[str, int]:
        async with self.conn.execute("SELECT status, count(*) FROM outbox GROUP BY status") as cur:
            return {r[0]: r[1] for r in await cur.fetchall()}
