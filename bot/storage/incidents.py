"""Incidents, their timeline and their files (migration 0013)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_epoch, to_epoch
from bot.domain.errors import EntityDoesNotExist
from bot.domain.escalation import Severity
from bot.domain.incidents import (
    EventKind,
    Incident,
    IncidentEvent,
    IncidentFile,
    IncidentStatus,
    incident_code,
)


def _at(value: int | None) -> datetime | None:
    return from_epoch(value) if value is not None else None


def _incident(r: aiosqlite.Row) -> Incident:
    return Incident(
        id=r["id"], code=r["code"], agency_id=r["agency_id"], reporter_id=r["reporter_id"],
        status=IncidentStatus(r["status"]), priority=Severity(r["priority"]),
        priority_derived=bool(r["priority_derived"]), category=r["category"],
        system_level=r["system_level"], detected_at=from_epoch(r["detected_at"]),
        reported_at=from_epoch(r["reported_at"]), late=bool(r["late"]),
        support_requested=bool(r["support_requested"]),
        beyond_capacity=bool(r["beyond_capacity"]), confidential=bool(r["confidential"]),
        answers=json.loads(r["answers"]), via=r["via"], assignee_id=r["assignee_id"],
        taken_at=_at(r["taken_at"]), resolved_at=_at(r["resolved_at"]),
        closed_at=_at(r["closed_at"]), false_alarm=bool(r["false_alarm"]),
        closing=json.loads(r["closing"]), last_progress_at=_at(r["last_progress_at"]))


def _event(r: aiosqlite.Row) -> IncidentEvent:
    return IncidentEvent(r["id"], r["incident_id"], from_epoch(r["at"]), EventKind(r["kind"]),
                         r["person_id"], r["text"], json.loads(r["details"]))


def _file(r: aiosqlite.Row) -> IncidentFile:
    return IncidentFile(r["id"], r["incident_id"], r["event_id"], r["file_id"], r["kind"],
                        r["name"], r["unique_id"])


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class IncidentRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    # --- reading ----------------------------------------------------------------------------

    async def _many(self, where: str, args: tuple[Any, ...] = (),
                    order: str = "reported_at, id") -> list[Incident]:
        async with self.conn.execute(f"SELECT * FROM incidents WHERE {where} ORDER BY {order}",  # noqa: S608
                                     args) as cur:
            return [_incident(r) for r in await cur.fetchall()]

    async def find(self, incident_id: int) -> Incident | None:
        found = await self._many("id = ?", (incident_id,))
        return found[0] if found else None

    async def get(self, incident_id: int) -> Incident:
        found = await self.find(incident_id)
        if found is None:
            raise EntityDoesNotExist(f"incident {incident_id}")
        return found

    async def by_number(self, year: int, number: int) -> Incident | None:
        found = await self._many("year = ? AND number = ?", (year, number))
        return found[0] if found else None

    async def open(self) -> list[Incident]:
        return await self._many("status != 'closed'")

    async def of_agency(self, agency_id: int, *, limit: int = 50) -> list[Incident]:
        """The agency's incidents, newest first."""
        return await self._many("agency_id = ?", (agency_id,),
                                order=f"reported_at DESC, id DESC LIMIT {int(limit)}")

    async def between(self, since: datetime, until: datetime) -> list[Incident]:
        return await self._many("reported_at >= ? AND reported_at < ?",
                                (to_epoch(since), to_epoch(until)))

    async def events(self, incident_id: int) -> list[IncidentEvent]:
        async with self.conn.execute(
                "SELECT * FROM incident_events WHERE incident_id = ? ORDER BY at, id",
                (incident_id,)) as cur:
            return [_event(r) for r in await cur.fetchall()]

    async def files(self, incident_id: int, event_id: int | None = None,
                    *, initial: bool = False) -> list[IncidentFile]:
        """Every file of the incident; those of one event; or (`initial`) the report's own."""
        sql = "SELECT * FROM incident_files WHERE incident_id = ?"
        args: tuple[int, ...] = (incident_id,)
        if initial:
            sql += " AND event_id IS NULL"
        elif event_id is not None:
            sql, args = sql + " AND event_id = ?", (incident_id, event_id)
        async with self.conn.execute(sql + " ORDER BY id", args) as cur:
            return [_file(r) for r in await cur.fetchall()]

    # --- writing ----------------------------------------------------------------------------

    async def create(self, *, agency_id: int, reporter_id: int, via: str, priority: Severity,
                     category: str | None, system_level: int | None, detected_at: datetime,
                     reported_at: datetime, late: bool, support_requested: bool,
                     beyond_capacity: bool, confidential: bool, answers: Mapping[str, Any],
                     year: int) -> Incident:
        """A new incident, numbered next in its year (the one writer makes this safe)."""
        async with self.conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM incidents WHERE year = ?",
                (year,)) as cur:
            row = await cur.fetchone()
        number = int(row[0]) if row is not None else 1
        now = to_epoch(reported_at)
        cur2 = await self.conn.execute(
            "INSERT INTO incidents (year, number, code, agency_id, reporter_id, via, priority,"
            " category, system_level, detected_at, reported_at, late, support_requested,"
            " beyond_capacity, confidential, answers, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (year, number, incident_code(year, number), agency_id, reporter_id, via,
             str(priority), category, system_level, to_epoch(detected_at), now, int(late),
             int(support_requested), int(beyond_capacity), int(confidential), _json(answers),
             now))
        assert cur2.lastrowid is not None
        return await self.get(cur2.lastrowid)

    async def update(self, incident_id: int, now: datetime, **fields: Any) -> None:
        """Set columns (datetimes as epoch seconds, enums by value, dicts as JSON)."""
        allowed = {"status", "priority", "priority_derived", "assignee_id", "taken_at",
                   "resolved_at", "closed_at", "false_alarm", "closing", "last_progress_at"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot set {sorted(unknown)}")
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if isinstance(value, datetime):
                value = to_epoch(value)
            elif isinstance(value, dict):
                value = _json(value)
            elif isinstance(value, bool):
                value = int(value)
            elif isinstance(value, IncidentStatus | Severity):
                value = str(value)
            values[name] = value
        values["updated_at"] = to_epoch(now)
        sets = ", ".join(f"{name} = ?" for name in values)
        await self.conn.execute(f"UPDATE incidents SET {sets} WHERE id = ?",  # noqa: S608
                                (*values.values(), incident_id))

    async def take(self, incident_id: int, person_id: int, now: datetime) -> bool:
        """The first «Tiếp nhận» wins: True if this one did (it was still new)."""
        cur = await self.conn.execute(
            "UPDATE incidents SET status = 'taken', assignee_id = ?, taken_at = ?,"
            " last_progress_at = ?, updated_at = ? WHERE id = ? AND status = 'reported'",
            (person_id, to_epoch(now), to_epoch(now), to_epoch(now), incident_id))
        return cur.rowcount == 1

    async def add_event(self, incident_id: int, at: datetime, kind: EventKind,
                        person_id: int | None, text: str = "",
                        details: Mapping[str, Any] | None = None) -> int:
        cur = await self.conn.execute(
            "INSERT INTO incident_events (incident_id, at, kind, person_id, text, details)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (incident_id, to_epoch(at), str(kind), person_id, text, _json(details or {})))
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def add_files(self, incident_id: int, files: Iterable[Mapping[str, str]],
                        event_id: int | None = None) -> int:
        """Files as the conversations collect them: {file_id, kind, name, unique_id}."""
        count = 0
        for f in files:
            await self.conn.execute(
                "INSERT INTO incident_files (incident_id, event_id, file_id, unique_id, kind,"
                " name) VALUES (?, ?, ?, ?, ?, ?)",
                (incident_id, event_id, f["file_id"], f.get("unique_id", ""),
                 "photo" if f.get("kind") == "photo" else "document", f.get("name", "")))
            count += 1
        return count
