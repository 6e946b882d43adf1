"""What /export writes, gathered read-only in ONE read transaction on a connection of its own.

Its own connection: a read transaction on the shared reader would hold every other read of
the bot (a tap's check included) on the same old snapshot while the export runs. SQLite's
WAL lets this snapshot be read beside the writer without blocking it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.clock import from_epoch, to_epoch
from bot.domain.escalation import level
from bot.domain.phones import display_phone
from bot.storage.escalations import steps_from_json


@dataclass(frozen=True, slots=True)
class DirectiveRow:
    """One agency's copy of one directive."""
    directive_id: int
    number: str
    summary: str
    urgency: str
    drill: bool
    sent_at: datetime
    ack_deadline_at: datetime
    agency_id: int
    agency: str
    groups: str
    liaisons: str  # "name (phone); ..." of the agency's active liaisons, primary first
    acked_at: datetime | None
    acked_by: str | None
    via: str | None  # telegram | phone | report
    late: bool | None
    escalation_level: int  # the highest step of its acknowledgement escalation that fired
    report_at: datetime | None  # the first result report
    report_by: str | None
    reports: int
    recalled: bool = False  # nobody is late for a directive withdrawn
    report_asked: bool = True  # a result report was asked for (a report deadline was set)


@dataclass(frozen=True, slots=True)
class IncidentRow:
    id: int
    code: str
    agency_id: int
    agency: str
    category: str | None
    priority: str
    system_level: int | None
    detected_at: datetime
    reported_at: datetime
    late: bool
    first_taken_at: datetime | None
    resolved_at: datetime | None  # the standing one; None for a false alarm
    assignee: str | None
    support_requested: bool
    status: str
    false_alarm: bool


@dataclass(frozen=True, slots=True)
class EventRow:
    code: str
    at: datetime
    who: str | None  # None: the bot itself
    kind: str
    text: str
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExportData:
    directives: list[DirectiveRow]
    incidents: list[IncidentRow]
    events: list[EventRow]


# Result reports are counted once per (directive, agency) and the first one found by its id
# (reports are stored in the order they come); groups and liaisons are read once per agency
# (see `_by_agency`): correlated subqueries per row made 10,000 rows take seconds.
_DIRECTIVES = """
WITH chosen AS (SELECT id FROM directives d WHERE {where}),
     reports AS (SELECT directive_id, agency_id, count(*) AS n, min(id) AS first_id
                 FROM result_reports WHERE directive_id IN (SELECT id FROM chosen)
                 GROUP BY directive_id, agency_id)
SELECT d.id, d.number, d.summary, d.urgency, d.drill, d.created_at, d.ack_deadline_at, d.status,
       d.report_deadline_at IS NOT NULL AS report_asked,
       a.id AS agency_id, a.name AS agency,
       k.acked_at, k.via, k.late, kp.full_name AS acked_by,
       e.steps AS esc_steps, e.done AS esc_done, e.skipped AS esc_skipped,
       coalesce(rs.n, 0) AS reports, rr.created_at AS report_at, rp.full_name AS report_by
FROM directives d
JOIN directive_agencies da ON da.directive_id = d.id
JOIN agencies a ON a.id = da.agency_id
LEFT JOIN acknowledgements k ON k.directive_id = d.id AND k.agency_id = a.id
LEFT JOIN people kp ON kp.id = k.person_id
LEFT JOIN escalations e ON e.subject_kind = 'directive_ack' AND e.subject_id = d.id
                       AND e.agency_id = a.id
LEFT JOIN reports rs ON rs.directive_id = d.id AND rs.agency_id = a.id
LEFT JOIN result_reports rr ON rr.id = rs.first_id
LEFT JOIN people rp ON rp.id = rr.person_id
WHERE d.id IN (SELECT id FROM chosen)
ORDER BY d.created_at, d.id, a.name, a.id
"""

_GROUPS = """
SELECT gm.agency_id, g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id
ORDER BY gm.agency_id, g.name
"""

_LIAISONS = """
SELECT p.agency_id, p.full_name, p.phone
FROM people p JOIN person_roles r ON r.person_id = p.id AND r.role = 'liaison'
WHERE p.agency_id IS NOT NULL AND p.active = 1
ORDER BY p.agency_id, p.rank = 'backup', p.full_name
"""

_INCIDENTS = """
SELECT i.id, i.code, i.agency_id, a.name AS agency, i.category, i.priority, i.system_level,
       i.detected_at, i.reported_at, i.late, i.support_requested, i.status, i.false_alarm,
       i.resolved_at, p.full_name AS assignee,
       (SELECT min(e.at) FROM incident_events e
            WHERE e.incident_id = i.id AND e.kind = 'taken') AS first_taken_at
FROM incidents i
JOIN agencies a ON a.id = i.agency_id
LEFT JOIN people p ON p.id = i.assignee_id
WHERE i.reported_at >= ? AND i.reported_at < ?
ORDER BY i.reported_at, i.id
"""

_EVENTS = """
SELECT i.code, e.at, e.kind, e.text, e.details, p.full_name AS who
FROM incident_events e
JOIN incidents i ON i.id = e.incident_id
LEFT JOIN people p ON p.id = e.person_id
WHERE i.reported_at >= ? AND i.reported_at < ?
ORDER BY i.reported_at, i.id, e.at, e.id
"""


def _opt(value: int | None) -> datetime | None:
    return from_epoch(value) if value is not None else None


def escalation_level(steps: str | None, done: str | None, skipped: str | None) -> int:
    """The 1-based number of the latest step that fired, by the escalation's own rule
    (occurrences skipped at its start never fired); 0 when none did or there is none."""
    if not steps or not done:
        return 0
    frozen = steps_from_json(steps)
    counts = tuple(json.loads(done)) or (0,) * len(frozen)
    reached = level(frozen, counts, tuple(json.loads(skipped or "[]")))
    return reached[0] if reached is not None else 0


def _directive(r: aiosqlite.Row, groups: dict[int, str],
               liaisons: dict[int, str]) -> DirectiveRow:
    agency = r["agency_id"]
    return DirectiveRow(
        r["id"], r["number"], r["summary"], r["urgency"], bool(r["drill"]),
        from_epoch(r["created_at"]), from_epoch(r["ack_deadline_at"]), agency,
        r["agency"], groups.get(agency, ""), liaisons.get(agency, ""), _opt(r["acked_at"]),
        r["acked_by"], r["via"], None if r["late"] is None else bool(r["late"]),
        escalation_level(r["esc_steps"], r["esc_done"], r["esc_skipped"]),
        _opt(r["report_at"]), r["report_by"], r["reports"], recalled=r["status"] == "recalled",
        report_asked=bool(r["report_asked"]))


def _incident(r: aiosqlite.Row) -> IncidentRow:
    false_alarm = bool(r["false_alarm"])
    return IncidentRow(
        r["id"], r["code"], r["agency_id"], r["agency"], r["category"], r["priority"],
        r["system_level"], from_epoch(r["detected_at"]), from_epoch(r["reported_at"]),
        bool(r["late"]), _opt(r["first_taken_at"]),
        None if false_alarm else _opt(r["resolved_at"]), r["assignee"],
        bool(r["support_requested"]), r["status"], false_alarm)


def _event(r: aiosqlite.Row) -> EventRow:
    try:
        details = json.loads(r["details"] or "{}")
    except ValueError:
        details = {}
    return EventRow(r["code"], from_epoch(r["at"]), r["who"], r["kind"], r["text"] or "",
                    details if isinstance(details, dict) else {})


async def _by_agency(conn: aiosqlite.Connection, sql: str) -> dict[int, str]:
    """(agency id, text) rows, in order, joined per agency with "; "."""
    out: dict[int, list[str]] = {}
    async with conn.execute(sql) as cur:
        for agency, text in await cur.fetchall():
            out.setdefault(agency, []).append(text)
    return {agency: "; ".join(texts) for agency, texts in out.items()}


async def _liaisons(conn: aiosqlite.Connection) -> dict[int, str]:
    """Per agency, "name (phone); ..." with phones in the national form chat shows."""
    out: dict[int, list[str]] = {}
    async with conn.execute(_LIAISONS) as cur:
        for agency, name, phone in await cur.fetchall():
            out.setdefault(agency, []).append(f"{name} ({display_phone(phone)})" if phone else name)
    return {agency: "; ".join(people) for agency, people in out.items()}


async def _directives(conn: aiosqlite.Connection, where: str,
                      args: tuple[int, ...]) -> list[DirectiveRow]:
    groups = await _by_agency(conn, _GROUPS)
    liaisons = await _liaisons(conn)
    async with conn.execute(_DIRECTIVES.format(where=where), args) as cur:
        # Streamed in chunks: never every raw row and every DirectiveRow in memory at once.
        return [_directive(r, groups, liaisons) async for r in cur]


async def gather(path: Path, *, directive_id: int | None = None,
                 start: datetime | None = None, end: datetime | None = None) -> ExportData:
    """One directive (`directive_id`: no incidents, they belong to no directive) or the
    directives sent and incidents reported in [start, end)."""
    conn = await aiosqlite.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                   iter_chunk_size=500)
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute("BEGIN")  # one snapshot for every query below
        try:
            if directive_id is not None:
                directives = await _directives(conn, "d.id = ?", (directive_id,))
                return ExportData(directives, [], [])
            assert start is not None and end is not None
            span = (to_epoch(start), to_epoch(end))
            directives = await _directives(conn, "d.created_at >= ? AND d.created_at < ?", span)
            async with conn.execute(_INCIDENTS, span) as cur:
                incidents = [_incident(r) for r in await cur.fetchall()]
            async with conn.execute(_EVENTS, span) as cur:
                events = [_event(r) for r in await cur.fetchall()]
            return ExportData(directives, incidents, events)
        finally:
            await conn.execute("COMMIT")
    finally:
        await conn.close()
