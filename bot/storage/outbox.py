"""The outbox: messages waiting to be sent or edited, drained by the sender."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.domain.notices import DIRECTIVE_KINDS, About

SEND_METHODS = frozenset({"send_message", "send_document", "send_photo"})
# The error of operations dropped because their person was deactivated (/person off, import).
PERSON_INACTIVE = "person_inactive"


@dataclass(frozen=True, slots=True)
class OutboxOp:
    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]
    delivery_id: int | None
    attempts: int
    version: int = 0
    subject_kind: str | None = None  # what it is about (bot.domain.notices.About)
    subject_id: int | None = None
    agency_id: int | None = None
    person_id: int | None = None


class OutboxRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def enqueue(
        self, chat_id: int, method: str, payload: dict[str, Any], now: int, *,
        delivery_id: int | None = None, edit_key: str | None = None, about: About | None = None,
    ) -> int:
        """Queue one operation; an edit with the key of a queued edit replaces that edit's text.
        `about` fills the subject columns that cancelling and routing query."""
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
        kind = subject_id = agency_id = person_id = None
        if about is not None:
            kind, subject_id = str(about.kind), about.id
            agency_id, person_id = about.agency_id, about.person_id
        cur = await self.conn.execute(
            "INSERT INTO outbox (chat_id, method, payload, delivery_id, edit_key, created_at,"
            " subject_kind, subject_id, agency_id, person_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (chat_id, method, data, delivery_id, edit_key, now, kind, subject_id, agency_id,
             person_id),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def queued_after(self, last_id: int) -> list[tuple[OutboxOp, bool]]:
        """Queued operations newer than `last_id`, oldest first, each with whether it is an
        edit that a later edit may still rewrite (its payload must be read again at send)."""
        async with self.conn.execute(
            "SELECT id, chat_id, method, payload, delivery_id, attempts, edit_key, version,"
            " subject_kind, subject_id, agency_id, person_id FROM outbox"
            " WHERE status = 'queued' AND id > ?"
            " ORDER BY id", (last_id,),
        ) as cur:
            rows = await cur.fetchall()
        return [(_op(r), r["edit_key"] is not None) for r in rows]

    async def get(self, op_id: int) -> OutboxOp | None:
        async with self.conn.execute(
            "SELECT id, chat_id, method, payload, delivery_id, attempts, status, version,"
            " subject_kind, subject_id, agency_id, person_id FROM outbox WHERE id = ?",
            (op_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None or row["status"] != "queued":
            return None
        return _op(row)

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

    async def cancel(self, kinds: Collection[str], subject_id: int, reason: str, now: int, *,
                     agency_id: int | None = None) -> list[int]:
        """Drop what is still queued about a subject (and agency); returns their ids."""
        marks = ",".join("?" * len(kinds))
        sql = ("SELECT id FROM outbox WHERE status = 'queued' AND subject_id = ?"  # noqa: S608 (placeholders only)
               f" AND subject_kind IN ({marks})")
        args: tuple[Any, ...] = (subject_id, *(str(k) for k in kinds))
        if agency_id is not None:
            sql, args = sql + " AND agency_id = ?", (*args, agency_id)
        async with self.conn.execute(sql, args) as cur:
            ids = [r[0] for r in await cur.fetchall()]
        if ids:
            await self.mark_failed(ids, reason, now, blocked=False)
        return ids

    async def queued_to(self, chat_id: int) -> int:
        """How many operations are still queued for a chat."""
        async with self.conn.execute(
            "SELECT count(*) FROM outbox WHERE status = 'queued' AND chat_id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row is not None else 0

    async def cancel_chat(self, chat_id: int, reason: str, now: int) -> list[int]:
        """Drop everything still queued for a chat (its person was deactivated); their ids."""
        async with self.conn.execute(
            "SELECT id FROM outbox WHERE status = 'queued' AND chat_id = ?", (chat_id,)
        ) as cur:
            ids = [r[0] for r in await cur.fetchall()]
        if ids:
            await self.mark_failed(ids, reason, now, blocked=False)
        return ids

    async def cancel_directive(self, directive_id: int, now: int) -> list[int]:
        """Drop what is still queued for a directive (it was recalled); returns their ids."""
        return await self.cancel(DIRECTIVE_KINDS, directive_id, "recalled", now)

    async def reminders_landed(self, kinds: Collection[str], subject_id: int, agency_id: int,
                               person_id: int, chat_id: int) -> list[tuple[int, int, str]]:
        """(op id, message id, text) of the reminders about a subject that reached a
        liaison's chat (also those cancelled while in flight that landed all the same)."""
        marks = ",".join("?" * len(kinds))
        # The literal kinds let SQLite use the partial index outbox_reminders (0010).
        async with self.conn.execute(
            "SELECT id, message_id, json_extract(payload, '$.text') FROM outbox"  # noqa: S608 (placeholders only)
            " WHERE subject_id = ? AND subject_kind IN ('directive_ack', 'directive_result')"
            f" AND subject_kind IN ({marks}) AND agency_id = ? AND person_id = ?"
            " AND chat_id = ? AND method = 'send_message' AND message_id IS NOT NULL"
            " ORDER BY id",
            (subject_id, *(str(k) for k in kinds), agency_id, person_id, chat_id)) as cur:
            return [(r[0], r[1], r[2]) for r in await cur.fetchall()]

    async def latest_payload(self, edit_key: str, op_id: int) -> dict[str, Any] | None:
        """What a message shows as far as the outbox knows: the payload of its latest edit
        under `edit_key`, or else of the operation that sent it."""
        async with self.conn.execute(
            "SELECT payload FROM outbox WHERE edit_key = ? ORDER BY id DESC LIMIT 1", (edit_key,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            async with self.conn.execute("SELECT payload FROM outbox WHERE id = ?", (op_id,)) as cur:
                row = await cur.fetchone()
        return None if row is None else dict(json.loads(row[0]))

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


def _op(r: aiosqlite.Row) -> OutboxOp:
    return OutboxOp(r["id"], r["chat_id"], r["method"], json.loads(r["payload"]),
                    r["delivery_id"], r["attempts"], r["version"], r["subject_kind"],
                    r["subject_id"], r["agency_id"], r["person_id"])
