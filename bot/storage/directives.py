"""Directives, their recipient agencies, deliveries, acknowledgements and result reports."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import aiosqlite

from bot.clock import from_epoch
from bot.domain.directives import (
    Acknowledgement,
    Delivery,
    DeliveryStatus,
    Directive,
    DirectiveStatus,
    Urgency,
)
from bot.domain.errors import EntityDoesNotExist
from bot.domain.figures import AckRecord
from bot.domain.models import Person, Role


def _opt_time(value: int | None) -> Any:
    return from_epoch(value) if value is not None else None


def _directive(row: aiosqlite.Row) -> Directive:
    return Directive(
        id=row["id"], number=row["number"], issuer=row["issuer"], summary=row["summary"],
        urgency=Urgency(row["urgency"]), body=row["body"], file_id=row["file_id"],
        file_name=row["file_name"], file_kind=row["file_kind"],
        ack_deadline_at=from_epoch(row["ack_deadline_at"]),
        report_deadline_at=_opt_time(row["report_deadline_at"]),
        status=DirectiveStatus(row["status"]), created_by=row["created_by"],
        created_at=from_epoch(row["created_at"]), recalled_at=_opt_time(row["recalled_at"]),
        status_chat_id=row["status_chat_id"], status_message_id=row["status_message_id"],
        issued_on=date.fromisoformat(row["issued_on"]) if row["issued_on"] else None,
        drill=bool(row["drill"]),
    )


def _delivery(row: aiosqlite.Row) -> Delivery:
    return Delivery(
        id=row["id"], directive_id=row["directive_id"], agency_id=row["agency_id"],
        person_id=row["person_id"], chat_id=row["chat_id"],
        status=DeliveryStatus(row["status"]), message_id=row["message_id"], error=row["error"],
        late=bool(row["late"]),
    )


def _ack(row: aiosqlite.Row) -> Acknowledgement:
    return Acknowledgement(
        directive_id=row["directive_id"], agency_id=row["agency_id"], person_id=row["person_id"],
        acked_at=from_epoch(row["acked_at"]), late=bool(row["late"]), via=row["via"],
    )


class DirectiveRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    # --- directives --------------------------------------------------------------------------

    async def insert(self, fields: dict[str, Any]) -> int:
        """A new directive; `issued_on` may be a date (stored as ISO text), `drill` a bool."""
        columns = ("number", "issuer", "summary", "urgency", "issued_on", "body", "file_id",
                   "file_name", "file_kind", "ack_deadline_at", "report_deadline_at",
                   "created_by", "created_at", "drill")
        values = {"drill": False, **fields}
        values["drill"] = int(bool(values["drill"]))
        if isinstance(values.get("issued_on"), date):
            values["issued_on"] = values["issued_on"].isoformat()
        cur = await self.conn.execute(
            f"INSERT INTO directives ({', '.join(columns)})"  # noqa: S608 (fixed names)
            f" VALUES ({', '.join('?' * len(columns))})",
            tuple(values.get(c) for c in columns),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def get(self, directive_id: int) -> Directive:
        async with self.conn.execute(
            "SELECT * FROM directives WHERE id = ?", (directive_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            raise EntityDoesNotExist("directive_not_found", number=str(directive_id))
        return _directive(row)

    async def latest_by_number(self, number: str) -> Directive | None:
        async with self.conn.execute(
            "SELECT * FROM directives WHERE number = ? COLLATE NOCASE"
            " ORDER BY created_at DESC, id DESC LIMIT 1", (number,),
        ) as cur:
            row = await cur.fetchone()
        return _directive(row) if row is not None else None

    async def recent(self, limit: int = 10) -> list[Directive]:
        async with self.conn.execute(
            "SELECT * FROM directives ORDER BY id DESC LIMIT ?", (limit,)
        ) as cur:
            return [_directive(r) for r in await cur.fetchall()]

    async def ack_records(self, since: int, until: int) -> list[AckRecord]:
        """One record per recipient agency of each directive sent in [since, until) (epoch
        seconds), drills flagged: what aggregate figures read, split with `split_drills`."""
        async with self.conn.execute(
            "SELECT d.id, da.agency_id, d.created_at, a.acked_at, d.drill"
            " FROM directives d JOIN directive_agencies da ON da.directive_id = d.id"
            " LEFT JOIN acknowledgements a"
            "  ON a.directive_id = d.id AND a.agency_id = da.agency_id"
            " WHERE d.created_at >= ? AND d.created_at < ? ORDER BY d.id, da.agency_id",
            (since, until),
        ) as cur:
            return [AckRecord(r[0], r[1], from_epoch(r[2]),
                              from_epoch(r[3]) if r[3] is not None else None, bool(r[4]))
                    for r in await cur.fetchall()]

    async def pending_for_agency(self, agency_id: int) -> list[Directive]:
        async with self.conn.execute(
            "SELECT d.* FROM directives d JOIN directive_agencies da ON da.directive_id = d.id"
            " WHERE da.agency_id = ? AND d.status = 'active' AND NOT EXISTS ("
            "  SELECT 1 FROM acknowledgements a WHERE a.directive_id = d.id AND a.agency_id = ?)"
            " ORDER BY d.ack_deadline_at", (agency_id, agency_id),
        ) as cur:
            return [_directive(r) for r in await cur.fetchall()]

    async def report_due_for_agency(self, agency_id: int) -> list[Directive]:
        """Directives the agency acknowledged and still owes its result report for."""
        async with self.conn.execute(
            "SELECT d.* FROM directives d JOIN directive_agencies da ON da.directive_id = d.id"
            " WHERE da.agency_id = ? AND d.status = 'active' AND d.report_deadline_at IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM acknowledgements a"
            "  WHERE a.directive_id = d.id AND a.agency_id = ?)"
            " AND NOT EXISTS (SELECT 1 FROM result_reports r"
            "  WHERE r.directive_id = d.id AND r.agency_id = ?)"
            " ORDER BY d.report_deadline_at", (agency_id, agency_id, agency_id),
        ) as cur:
            return [_directive(r) for r in await cur.fetchall()]

    async def set_status_message(self, directive_id: int, chat_id: int, message_id: int) -> None:
        await self.conn.execute(
            "UPDATE directives SET status_chat_id = ?, status_message_id = ? WHERE id = ?",
            (chat_id, message_id, directive_id),
        )

    async def set_deadline(self, directive_id: int, deadline: int) -> None:
        await self.conn.execute(
            "UPDATE directives SET ack_deadline_at = ? WHERE id = ?", (deadline, directive_id)
        )

    async def recall(self, directive_id: int, now: int) -> bool:
        cur = await self.conn.execute(
            "UPDATE directives SET status = 'recalled', recalled_at = ? WHERE id = ?"
            " AND status = 'active'", (now, directive_id),
        )
        return cur.rowcount == 1

    async def add_correction(self, directive_id: int, text: str, admin_user_id: int,
                             now: int) -> None:
        await self.conn.execute(
            "INSERT INTO corrections (directive_id, text, created_by, created_at)"
            " VALUES (?, ?, ?, ?)", (directive_id, text, admin_user_id, now),
        )

    async def corrections(self, directive_id: int) -> list[str]:
        """The texts of the corrections sent for the directive, oldest first."""
        async with self.conn.execute(
            "SELECT text FROM corrections WHERE directive_id = ? ORDER BY id", (directive_id,)
        ) as cur:
            return [r[0] for r in await cur.fetchall()]

    # --- recipients and deliveries ------------------------------------------------------------

    async def add_agencies(self, directive_id: int, agency_ids: list[int]) -> None:
        await self.conn.executemany(
            "INSERT INTO directive_agencies (directive_id, agency_id) VALUES (?, ?)",
            [(directive_id, a) for a in sorted(set(agency_ids))],
        )

    async def agency_ids(self, directive_id: int) -> list[int]:
        async with self.conn.execute(
            "SELECT agency_id FROM directive_agencies WHERE directive_id = ? ORDER BY agency_id",
            (directive_id,),
        ) as cur:
            return [r[0] for r in await cur.fetchall()]

    async def insert_delivery(
        self, directive_id: int, agency_id: int, person_id: int, chat_id: int, now: int,
        *, late: bool = False,
    ) -> int:
        cur = await self.conn.execute(
            "INSERT INTO deliveries (directive_id, agency_id, person_id, chat_id, updated_at, late)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (directive_id, agency_id, person_id, chat_id, now, int(late)),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def delivery_of(self, directive_id: int, person_id: int) -> Delivery | None:
        async with self.conn.execute(
            "SELECT * FROM deliveries WHERE directive_id = ? AND person_id = ?",
            (directive_id, person_id),
        ) as cur:
            row = await cur.fetchone()
        return _delivery(row) if row is not None else None

    async def requeue_delivery(self, delivery_id: int, chat_id: int, now: int) -> None:
        """A copy that never arrived (blocked, failed) goes out again, as a late copy."""
        await self.conn.execute(
            "UPDATE deliveries SET status = 'queued', chat_id = ?, message_id = NULL, error = NULL,"
            " late = 1, updated_at = ? WHERE id = ?", (chat_id, now, delivery_id),
        )

    async def delivery(self, delivery_id: int) -> Delivery | None:
        async with self.conn.execute(
            "SELECT * FROM deliveries WHERE id = ?", (delivery_id,)
        ) as cur:
            row = await cur.fetchone()
        return _delivery(row) if row is not None else None

    async def addressed_to(self, delivery_id: int, person: Person | None) -> Delivery | None:
        """The delivery, if `person` is an active liaison of the agency it was sent to."""
        delivery = await self.delivery(delivery_id)
        if (delivery is None or person is None or not person.active
                or not person.has(Role.LIAISON) or person.agency_id != delivery.agency_id):
            return None
        return delivery

    async def delivery_for(self, directive_id: int, agency_id: int, person_id: int) -> int | None:
        """A copy of the directive to the agency to act on: the person's own (the latest),
        else any of the agency's (a tap is checked against the agency, not the chat)."""
        async with self.conn.execute(
            "SELECT id FROM deliveries WHERE directive_id = ? AND agency_id = ?"
            " ORDER BY person_id = ? DESC, id DESC LIMIT 1",
            (directive_id, agency_id, person_id)) as cur:
            row = await cur.fetchone()
        return row[0] if row is not None else None

    async def deliveries(self, directive_id: int, agency_id: int | None = None) -> list[Delivery]:
        sql = "SELECT * FROM deliveries WHERE directive_id = ?"
        args: tuple[int, ...] = (directive_id,)
        if agency_id is not None:
            sql, args = sql + " AND agency_id = ?", (directive_id, agency_id)
        async with self.conn.execute(sql + " ORDER BY id", args) as cur:
            return [_delivery(r) for r in await cur.fetchall()]

    # --- acknowledgements ---------------------------------------------------------------------

    async def acknowledge(
        self, directive_id: int, agency_id: int, person_id: int, at: int, late: bool,
        via: str = "telegram",
    ) -> bool:
        """Record the agency's acknowledgement; False if someone acknowledged first."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO acknowledgements (directive_id, agency_id, person_id, acked_at,"
            " late, via) VALUES (?, ?, ?, ?, ?, ?)",
            (directive_id, agency_id, person_id, at, int(late), via),
        )
        return cur.rowcount == 1

    async def ack_of(self, directive_id: int, agency_id: int) -> Acknowledgement | None:
        async with self.conn.execute(
            "SELECT * FROM acknowledgements WHERE directive_id = ? AND agency_id = ?",
            (directive_id, agency_id),
        ) as cur:
            row = await cur.fetchone()
        return _ack(row) if row is not None else None

    async def acks(self, directive_id: int) -> dict[int, Acknowledgement]:
        async with self.conn.execute(
            "SELECT * FROM acknowledgements WHERE directive_id = ?", (directive_id,)
        ) as cur:
            return {r["agency_id"]: _ack(r) for r in await cur.fetchall()}

    # --- result reports -----------------------------------------------------------------------

    async def add_result_report(
        self, directive_id: int, agency_id: int, person_id: int, text: str | None,
        files: list[dict[str, str]], now: int,
    ) -> int:
        cur = await self.conn.execute(
            "INSERT INTO result_reports (directive_id, agency_id, person_id, text, files,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (directive_id, agency_id, person_id, text, json.dumps(files, ensure_ascii=False), now),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def result_report_count(self, directive_id: int, agency_id: int) -> int:
        async with self.conn.execute(
            "SELECT COUNT(*) FROM result_reports WHERE directive_id = ? AND agency_id = ?",
            (directive_id, agency_id),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row is not None else 0

    async def result_reports(self, directive_id: int) -> list[dict[str, Any]]:
        async with self.conn.execute(
            "SELECT * FROM result_reports WHERE directive_id = ? ORDER BY id", (directive_id,)
        ) as cur:
            rows = await cur.fetchall()
        return [{**dict(r), "files": json.loads(r["files"])} for r in rows]
