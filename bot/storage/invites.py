"""Invites: only the hash of a token is ever stored."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.clock import from_epoch
from bot.domain.models import Invite, Rank, Role


def _invite(row: aiosqlite.Row) -> Invite:
    return Invite(
        id=row["id"],
        role=Role(row["role"]) if row["role"] else None,
        agency_id=row["agency_id"],
        rank=Rank(row["rank"]) if row["rank"] else None,
        lead=bool(row["lead"]),
        person_id=row["person_id"],
        created_by=row["created_by"],
        created_at=from_epoch(row["created_at"]),
        expires_at=from_epoch(row["expires_at"]),
        used_at=from_epoch(row["used_at"]) if row["used_at"] is not None else None,
        used_by=row["used_by"],
        revoked_at=from_epoch(row["revoked_at"]) if row["revoked_at"] is not None else None,
    )


class InviteRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def insert(self, fields: dict[str, Any]) -> int:
        cur = await self.conn.execute(
            "INSERT INTO invites (token_hash, role, agency_id, rank, lead, person_id, created_by,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                fields["token_hash"], fields.get("role"), fields.get("agency_id"),
                fields.get("rank"), int(fields.get("lead", False)), fields.get("person_id"),
                fields["created_by"], fields["created_at"], fields["expires_at"],
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def by_hash(self, token_hash: str) -> Invite | None:
        async with self.conn.execute(
            "SELECT * FROM invites WHERE token_hash = ?", (token_hash,)
        ) as cur:
            row = await cur.fetchone()
        return _invite(row) if row is not None else None

    async def get(self, invite_id: int) -> Invite | None:
        async with self.conn.execute("SELECT * FROM invites WHERE id = ?", (invite_id,)) as cur:
            row = await cur.fetchone()
        return _invite(row) if row is not None else None

    async def pending(self, now: int) -> list[Invite]:
        async with self.conn.execute(
            "SELECT * FROM invites WHERE used_at IS NULL AND revoked_at IS NULL"
            " AND expires_at > ? ORDER BY id",
            (now,),
        ) as cur:
            return [_invite(r) for r in await cur.fetchall()]

    async def mark_used(self, invite_id: int, user_id: int, now: int) -> bool:
        """Consume the invite; False when it was used, revoked or expired meanwhile."""
        cur = await self.conn.execute(
            "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL"
            " AND revoked_at IS NULL AND expires_at > ?",
            (now, user_id, invite_id, now),
        )
        return cur.rowcount == 1

    async def revoke(self, invite_id: int, user_id: int, now: int) -> bool:
        cur = await self.conn.execute(
            "UPDATE invites SET revoked_at = ?, revoked_by = ? WHERE id = ? AND used_at IS NULL"
            " AND revoked_at IS NULL",
            (now, user_id, invite_id),
        )
        return cur.rowcount == 1

    async def pending_for_person(self, person_id: int, now: int) -> list[Invite]:
        """Invites not yet used that would link this (imported) person."""
        async with self.conn.execute(
            "SELECT * FROM invites WHERE person_id = ? AND used_at IS NULL"
            " AND revoked_at IS NULL AND expires_at > ? ORDER BY id", (person_id, now),
        ) as cur:
            return [_invite(r) for r in await cur.fetchall()]
