"""People and their roles."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.domain.errors import EntityDoesNotExist
from bot.domain.models import Person, Rank, Role

_SELECT = (
    "SELECT p.*, (SELECT group_concat(role) FROM person_roles r WHERE r.person_id = p.id)"
    " AS roles FROM people p"
)


_COLUMNS = frozenset({
    "code", "full_name", "phone", "lead", "agency_id", "rank", "telegram_user_id", "chat_id",
    "activated", "reachable", "active",
})


def _person(row: aiosqlite.Row) -> Person:
    roles = frozenset(Role(r) for r in (row["roles"] or "").split(",") if r)
    return Person(
        id=row["id"],
        code=row["code"],
        full_name=row["full_name"],
        roles=roles,
        phone=row["phone"],
        lead=bool(row["lead"]),
        agency_id=row["agency_id"],
        rank=Rank(row["rank"]) if row["rank"] else None,
        telegram_user_id=row["telegram_user_id"],
        chat_id=row["chat_id"],
        activated=bool(row["activated"]),
        reachable=bool(row["reachable"]),
        active=bool(row["active"]),
    )


class PeopleRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _one(self, where: str, args: tuple[Any, ...]) -> Person | None:
        async with self.conn.execute(f"{_SELECT} WHERE {where}", args) as cur:
            row = await cur.fetchone()
        return _person(row) if row is not None else None

    async def find(self, person_id: int) -> Person | None:
        return await self._one("p.id = ?", (person_id,))

    async def get(self, person_id: int) -> Person:
        person = await self._one("p.id = ?", (person_id,))
        if person is None:
            raise EntityDoesNotExist("person_not_found", code=str(person_id))
        return person

    async def by_telegram_id(self, user_id: int) -> Person | None:
        return await self._one("p.telegram_user_id = ?", (user_id,))

    async def by_code(self, code: str) -> Person | None:
        return await self._one("p.code = ?", (code.strip().upper(),))

    async def all(self) -> list[Person]:
        async with self.conn.execute(f"{_SELECT} ORDER BY p.id") as cur:
            return [_person(r) for r in await cur.fetchall()]

    async def of_agency(self, agency_id: int) -> list[Person]:
        async with self.conn.execute(
            f"{_SELECT} WHERE p.agency_id = ? ORDER BY p.rank DESC, p.id", (agency_id,)
        ) as cur:
            return [_person(r) for r in await cur.fetchall()]

    async def not_on_bot(self, role: Role, agency_id: int | None = None) -> list[Person]:
        """Active people of `role` (and agency) with no Telegram account linked yet: imported."""
        where = ("p.active = 1 AND p.telegram_user_id IS NULL AND EXISTS (SELECT 1 FROM"
                 " person_roles r WHERE r.person_id = p.id AND r.role = ?)")
        args: list[Any] = [str(role)]
        if agency_id is not None:
            where += " AND p.agency_id = ?"
            args.append(agency_id)
        async with self.conn.execute(
            f"{_SELECT} WHERE {where} ORDER BY p.rank DESC, p.full_name, p.id", args
        ) as cur:
            return [_person(r) for r in await cur.fetchall()]

    async def primaries(self, agency_id: int) -> list[Person]:
        """The agency's active primary liaisons, on the bot or not."""
        return [p for p in await self.of_agency(agency_id)
                if p.active and p.has(Role.LIAISON) and p.rank is Rank.PRIMARY]

    async def leads(self) -> list[Person]:
        """Active people marked as the response team's lead, on the bot or not."""
        async with self.conn.execute(f"{_SELECT} WHERE p.lead = 1 AND p.active = 1 ORDER BY p.id") as cur:
            return [_person(r) for r in await cur.fetchall()]

    async def closed_chats(self) -> frozenset[int]:
        """Chats of people who were deactivated, unless an active person has the same chat."""
        async with self.conn.execute(
            "SELECT chat_id FROM people WHERE active = 0 AND chat_id IS NOT NULL EXCEPT"
            " SELECT chat_id FROM people WHERE active = 1 AND chat_id IS NOT NULL"
        ) as cur:
            return frozenset(r[0] for r in await cur.fetchall())

    async def insert(self, fields: dict[str, Any], now: int) -> int:
        cur = await self.conn.execute(
            "INSERT INTO people (code, full_name, phone, lead, agency_id, rank, telegram_user_id,"
            " chat_id, activated, reachable, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            (
                fields.get("code"), fields["full_name"], fields.get("phone"),
                int(fields.get("lead", False)), fields.get("agency_id"),
                _opt_str(fields.get("rank")), fields.get("telegram_user_id"),
                fields.get("chat_id"), int(fields.get("activated", False)),
                int(fields.get("active", True)), now, now,
            ),
        )
        assert cur.lastrowid is not None
        person_id = cur.lastrowid
        await self.set_roles(person_id, fields.get("roles", ()))
        return person_id

    async def update(self, person_id: int, fields: dict[str, Any], now: int) -> None:
        """Update the named columns (and roles, if given)."""
        columns = {k: v for k, v in fields.items() if k != "roles"}
        unknown = set(columns) - _COLUMNS
        if unknown:
            raise ValueError(f"unknown person columns: {sorted(unknown)}")
        if columns:
            for key in ("lead", "activated", "reachable", "active"):
                if key in columns:
                    columns[key] = int(columns[key])
            if "rank" in columns:
                columns["rank"] = _opt_str(columns["rank"])
            assignments = ", ".join(f"{k} = ?" for k in columns)
            await self.conn.execute(
                f"UPDATE people SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
                (*columns.values(), now, person_id),
            )
        if "roles" in fields:
            await self.set_roles(person_id, fields["roles"])

    async def set_roles(self, person_id: int, roles: Any) -> None:
        await self.conn.execute("DELETE FROM person_roles WHERE person_id = ?", (person_id,))
        await self.conn.executemany(
            "INSERT INTO person_roles (person_id, role) VALUES (?, ?)",
            [(person_id, str(r)) for r in sorted({str(r) for r in roles})],
        )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
