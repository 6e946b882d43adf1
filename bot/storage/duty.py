"""The duty rotation and its overrides."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import aiosqlite

from bot.clock import from_epoch, to_epoch
from bot.domain.roster import Override, Rotation


class DutyRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def rotation(self) -> Rotation | None:
        async with self.conn.execute("SELECT * FROM duty_rotation WHERE id = 1") as cur:
            r = await cur.fetchone()
        if r is None:
            return None
        return Rotation(tuple(json.loads(r["person_ids"])), timedelta(hours=r["shift_hours"]),
                        from_epoch(r["starts_at"]))

    async def set_rotation(self, rotation: Rotation, now: int) -> None:
        await self.conn.execute(
            "INSERT INTO duty_rotation (id, person_ids, shift_hours, starts_at, updated_at)"
            " VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET person_ids = excluded.person_ids,"
            " shift_hours = excluded.shift_hours, starts_at = excluded.starts_at,"
            " updated_at = excluded.updated_at",
            (json.dumps(list(rotation.person_ids)), rotation.shift.total_seconds() / 3600,
             to_epoch(rotation.starts_at), now))

    async def overrides(self, after: datetime | None = None) -> list[Override]:
        sql, args = "SELECT * FROM duty_overrides", ()  # type: tuple[str, tuple[int, ...]]
        if after is not None:
            sql, args = sql + " WHERE end_at > ?", (to_epoch(after),)
        async with self.conn.execute(sql + " ORDER BY start_at, id", args) as cur:
            return [Override(r["id"], r["person_id"], from_epoch(r["start_at"]),
                             from_epoch(r["end_at"])) for r in await cur.fetchall()]

    async def add_override(self, person_id: int, start: datetime, end: datetime,
                           created_by: int | None, now: int) -> int:
        cur = await self.conn.execute(
            "INSERT INTO duty_overrides (person_id, start_at, end_at, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?)", (person_id, to_epoch(start), to_epoch(end), created_by, now))
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def reassign_override(self, person_id: int, start: datetime, end: datetime,
                                to_person: int) -> bool:
        """Hand the person's override for exactly this period to another; False if none."""
        cur = await self.conn.execute(
            "UPDATE duty_overrides SET person_id = ? WHERE person_id = ? AND start_at = ?"
            " AND end_at = ?", (to_person, person_id, to_epoch(start), to_epoch(end)))
        return cur.rowcount > 0

    async def has_override(self, person_id: int, start: datetime, end: datetime) -> bool:
        async with self.conn.execute(
            "SELECT 1 FROM duty_overrides WHERE person_id = ? AND start_at = ? AND end_at = ?",
            (person_id, to_epoch(start), to_epoch(end))) as cur:
            return await cur.fetchone() is not None

    async def mark_shift_notice(self, shift_start: datetime, person_id: int) -> bool:
        """True the first time only: the shift-start notice goes out once."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO duty_notices (shift_start_at, person_id) VALUES (?, ?)",
            (to_epoch(shift_start), person_id))
        return cur.rowcount == 1
