"""The records response-time figures are taken from (bot.domain.figures computes them)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.clock import from_epoch, to_epoch
from bot.domain.figures import AckRecord, IncidentTimes


async def ack_records(conn: aiosqlite.Connection, since: datetime, until: datetime, *,
                      drill: bool = False) -> list[AckRecord]:
    """One record per recipient agency of each directive sent in [since, until): real ones, or
    drills with `drill=True` (never both). A recalled directive is left out: nobody is to
    confirm it any more, so its unconfirmed copies would only lower the rate."""
    async with conn.execute(
        "SELECT d.id, da.agency_id, d.created_at, a.acked_at FROM directives d"
        " JOIN directive_agencies da ON da.directive_id = d.id"
        " LEFT JOIN acknowledgements a"
        "   ON a.directive_id = d.id AND a.agency_id = da.agency_id"
        " WHERE d.created_at >= ? AND d.created_at < ? AND d.drill = ?"
        "   AND d.status = 'active'"
        " ORDER BY d.id, da.agency_id",
        (to_epoch(since), to_epoch(until), int(drill))) as cur:
        rows = await cur.fetchall()
    return [AckRecord(r[0], r[1], from_epoch(r[2]),
                      from_epoch(r[3]) if r[3] is not None else None, drill) for r in rows]


async def incident_times(conn: aiosqlite.Connection, since: datetime,
                         until: datetime) -> list[IncidentTimes]:
    """Each incident reported in [since, until): the report, the first «Tiếp nhận» on its
    timeline (a release and a new take keep the first), and the resolution that stands (none
    for a false alarm)."""
    async with conn.execute(
        "SELECT i.reported_at,"
        " (SELECT MIN(e.at) FROM incident_events e"
        "   WHERE e.incident_id = i.id AND e.kind = 'taken'),"
        " CASE WHEN i.false_alarm = 1 THEN NULL ELSE i.resolved_at END"
        " FROM incidents i WHERE i.reported_at >= ? AND i.reported_at < ?"
        " ORDER BY i.id",
        (to_epoch(since), to_epoch(until))) as cur:
        rows = await cur.fetchall()
    return [IncidentTimes(from_epoch(r[0]), from_epoch(r[1]) if r[1] is not None else None,
                          from_epoch(r[2]) if r[2] is not None else None) for r in rows]
