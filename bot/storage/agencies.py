"""Agencies and recipient groups."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aiosqlite

from bot.domain.errors import EntityDoesNotExist
from bot.domain.models import Agency, AgencyKind, Group


def _agency(row: aiosqlite.Row) -> Agency:
    return Agency(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        kind=AgencyKind(row["kind"]),
        address=row["address"],
        email=row["email"],
        phone=row["phone"],
        active=bool(row["active"]),
    )


class AgencyRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def get(self, agency_id: int) -> Agency:
        async with self.conn.execute("SELECT * FROM agencies WHERE id = ?", (agency_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            raise EntityDoesNotExist("agency_not_found", code=str(agency_id))
        return _agency(row)

    async def by_code(self, code: str) -> Agency:
        async with self.conn.execute(
            "SELECT * FROM agencies WHERE code = ?", (code.strip().upper(),)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            raise EntityDoesNotExist("agency_not_found", code=code)
        return _agency(row)

    async def find_by_code(self, code: str) -> Agency | None:
        try:
            return await self.by_code(code)
        except EntityDoesNotExist:
            return None

    async def by_ids(self, ids: list[int]) -> dict[int, Agency]:
        marks = ",".join("?" * len(ids))
        async with self.conn.execute(
            f"SELECT * FROM agencies WHERE id IN ({marks})", ids  # noqa: S608 (placeholders)
        ) as cur:
            return {r["id"]: _agency(r) for r in await cur.fetchall()}

    async def all(self) -> list[Agency]:
        async with self.conn.execute("SELECT * FROM agencies ORDER BY code") as cur:
            return [_agency(r) for r in await cur.fetchall()]

    async def insert(self, fields: dict[str, Any], now: int) -> int:
        cur = await self.conn.execute(
            "INSERT INTO agencies (code, name, kind, address, email, phone, active,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                fields["code"], fields["name"], str(fields["kind"]), fields.get("address"),
                fields.get("email"), fields.get("phone"), int(fields.get("active", True)),
                now, now,
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def update(self, agency_id: int, fields: dict[str, Any], now: int) -> None:
        await self.conn.execute(
            "UPDATE agencies SET name = ?, kind = ?, address = ?, email = ?, phone = ?,"
            " active = ?, updated_at = ? WHERE id = ?",
            (
                fields["name"], str(fields["kind"]), fields.get("address"), fields.get("email"),
                fields.get("phone"), int(fields.get("active", True)), now, agency_id,
            ),
        )


class GroupRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def all(self) -> list[Group]:
        async with self.conn.execute("SELECT * FROM groups ORDER BY code") as cur:
            rows = await cur.fetchall()
        async with self.conn.execute("SELECT group_id, agency_id FROM group_members") as cur:
            members: dict[int, set[int]] = {}
            for m in await cur.fetchall():
                members.setdefault(m[0], set()).add(m[1])
        return [
            Group(id=r["id"], code=r["code"], name=r["name"],
                  agency_ids=frozenset(members.get(r["id"], ())))
            for r in rows
        ]

    async def find_by_code(self, code: str) -> Group | None:
        for group in await self.all():
            if group.code == code.strip().upper():
                return group
        return None

    async def insert(self, code: str, name: str, now: int) -> int:
        cur = await self.conn.execute(
            "INSERT INTO groups (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (code, name, now, now),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def rename(self, group_id: int, name: str, now: int) -> None:
        await self.conn.execute(
            "UPDATE groups SET name = ?, updated_at = ? WHERE id = ?", (name, now, group_id)
        )

    async def set_members(self, group_id: int, agency_ids: Iterable[int]) -> None:
        await self.conn.execute("DELETE FROM group_members WHERE group_id = ?", (group_id,))
        await self.conn.executemany(
            "INSERT INTO group_members (group_id, agency_id) VALUES (?, ?)",
            [(group_id, a) for a in sorted(set(agency_ids))],
        )
