"""Escalation rows: the frozen steps, what was done, the next due time."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.clock import from_epoch, to_epoch
from bot.domain.escalation import Step, SubjectKind, Target, first_due
from bot.domain.notices import Lateness


def steps_to_json(steps: tuple[Step, ...]) -> str:
    return json.dumps([
        {"at": s.at.total_seconds(), "targets": list(s.targets),
         "repeat_every": s.repeat_every.total_seconds() if s.repeat_every else None,
         "max_repeats": s.max_repeats} for s in steps])


def steps_from_json(text: str) -> tuple[Step, ...]:
    return tuple(
        Step(timedelta(seconds=d["at"]), tuple(Target(t) for t in d["targets"]),
             timedelta(seconds=d["repeat_every"]) if d["repeat_every"] is not None else None,
             d["max_repeats"]) for d in json.loads(text))


@dataclass(frozen=True, slots=True)
class EscalationRow:
    id: int
    subject_kind: SubjectKind
    subject_id: int
    agency_id: int | None  # None: the subject has no agency (an incident)
    deadline_at: datetime
    steps: tuple[Step, ...]
    done: tuple[int, ...]
    next_due_at: datetime | None
    status: str
    token: int
    unreachable: bool
    unreachable_notified: bool
    handled_by: int | None
    # Per step: occurrences skipped at the start (already due then), counted in `done` too.
    skipped: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DigestSnapshot:
    """What one responder's copy of a digest listed when it was sent: enough to draw it
    again later as it was, with what changed since marked on it."""

    at: datetime                       # when it was sent (how late each agency was then)
    deadline: datetime                 # the deadline it chased (an extension moves the rows')
    ids: tuple[int, ...]               # the escalations it listed
    done: dict[int, tuple[int, ...]]   # their step counters then (the round it announced)
    unreachable: frozenset[int]        # listed as not reachable then
    late: Lateness | None
    nobody_on_duty: bool
    unreachable_on_duty: tuple[str, ...] = ()
    buttons: bool = True  # a responder's copy, with claim buttons (not an admin's)
    setup: bool = False   # the page at sending (nobody reachable), not a round of urging

    def to_json(self) -> str:
        return json.dumps({
            "at": to_epoch(self.at), "deadline": to_epoch(self.deadline), "ids": self.ids,
            "done": {str(k): v for k, v in self.done.items()},
            "unreachable": sorted(self.unreachable),
            "late": [self.late.by.total_seconds(), self.late.collapsed] if self.late else None,
            "nobody_on_duty": self.nobody_on_duty,
            "unreachable_on_duty": self.unreachable_on_duty, "buttons": self.buttons,
            "setup": self.setup},
            ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> DigestSnapshot:
        d = json.loads(text)
        return cls(from_epoch(d["at"]), from_epoch(d["deadline"]), tuple(d["ids"]),
                   {int(k): tuple(v) for k, v in d["done"].items()},
                   frozenset(d["unreachable"]),
                   Lateness(timedelta(seconds=d["late"][0]), d["late"][1]) if d["late"] else None,
                   d["nobody_on_duty"], tuple(d["unreachable_on_duty"]),
                   d.get("buttons", True), d.get("setup", False))


@dataclass(frozen=True, slots=True)
class KeptCopy:
    """A responder's copy of a digest, kept to be edited."""

    notice_id: int
    person_id: int
    chat_id: int
    outbox_id: int                 # its last part (the one with the buttons)
    text: str                      # the last part's text as sent
    parts: tuple[int, ...]         # every part's outbox id, in order (empty: kept before 0010)
    snapshot: DigestSnapshot | None


def _kept(r: aiosqlite.Row) -> KeptCopy:
    return KeptCopy(r["notice_id"], r["person_id"], r["chat_id"], r["outbox_id"], r["text"],
                    tuple(json.loads(r["parts"])) if r["parts"] else (),
                    DigestSnapshot.from_json(r["snapshot"]) if r["snapshot"] else None)


def _row(r: aiosqlite.Row) -> EscalationRow:
    steps = steps_from_json(r["steps"])
    return EscalationRow(
        id=r["id"], subject_kind=SubjectKind(r["subject_kind"]), subject_id=r["subject_id"],
        agency_id=r["agency_id"], deadline_at=from_epoch(r["deadline_at"]),
        steps=steps, done=tuple(json.loads(r["done"])),
        next_due_at=from_epoch(r["next_due_at"]) if r["next_due_at"] is not None else None,
        status=r["status"], token=r["token"], unreachable=bool(r["unreachable"]),
        unreachable_notified=bool(r["unreachable_notified"]), handled_by=r["handled_by"],
        skipped=tuple(json.loads(r["skipped"])) or (0,) * len(steps),
    )


class EscalationRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def create(self, kind: str, subject_id: int, agency_id: int | None, deadline: datetime,
                     steps: tuple[Step, ...], next_due: datetime | None, unreachable: bool,
                     now: int, *, skipped: tuple[int, ...] = (),
                     unreachable_notified: bool = False) -> None:
        """`skipped`: occurrences already due at the start, counted as done (never fired)."""
        done = list(skipped) if any(skipped) else [0] * len(steps)
        await self.conn.execute(
            "INSERT OR IGNORE INTO escalations (subject_kind, subject_id, agency_id, deadline_at,"
            " steps, done, next_due_at, status, unreachable, unreachable_notified, skipped,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, subject_id, agency_id, to_epoch(deadline), steps_to_json(steps),
             json.dumps(done), to_epoch(next_due) if next_due else None,
             "active" if (next_due or (unreachable and not unreachable_notified))
             else "finished", int(unreachable), int(unreachable_notified),
             json.dumps(done if any(skipped) else []), now, now),
        )

    async def due(self, now: datetime) -> list[EscalationRow]:
        """Active escalations with a step due, or an unreachable agency not yet reported."""
        async with self.conn.execute(
            "SELECT * FROM escalations WHERE status = 'active' AND (next_due_at <= ?"
            " OR (unreachable = 1 AND unreachable_notified = 0)) ORDER BY subject_kind,"
            " subject_id, agency_id", (to_epoch(now),),
        ) as cur:
            return [_row(r) for r in await cur.fetchall()]

    async def next_due_at(self) -> datetime | None:
        # An agency with no reachable liaison is due at once, whatever its steps say.
        async with self.conn.execute(
            "SELECT min(CASE WHEN unreachable = 1 AND unreachable_notified = 0 THEN 0"
            " ELSE next_due_at END) FROM escalations WHERE status = 'active'"
        ) as cur:
            row = await cur.fetchone()
        return from_epoch(row[0]) if row and row[0] is not None else None

    async def get(self, escalation_id: int) -> EscalationRow | None:
        async with self.conn.execute(
            "SELECT * FROM escalations WHERE id = ?", (escalation_id,)) as cur:
            r = await cur.fetchone()
        return _row(r) if r else None

    async def of_subject(self, kind: str, subject_id: int) -> list[EscalationRow]:
        async with self.conn.execute(
            "SELECT * FROM escalations WHERE subject_kind = ? AND subject_id = ? ORDER BY id",
            (kind, subject_id)) as cur:
            return [_row(r) for r in await cur.fetchall()]

    async def unresolved(self, kinds: Collection[str]) -> list[EscalationRow]:
        """Escalations not stopped (running, or every step done and still awaited)."""
        marks = ",".join("?" * len(kinds))
        async with self.conn.execute(
            "SELECT * FROM escalations WHERE status IN ('active', 'finished')"  # noqa: S608 (placeholders only)
            f" AND subject_kind IN ({marks}) ORDER BY deadline_at, subject_id, agency_id",
            tuple(str(k) for k in kinds)) as cur:
            return [_row(r) for r in await cur.fetchall()]

    async def advance(self, row: EscalationRow, done: tuple[int, ...], next_due: datetime | None,
                      now: int, *, unreachable_notified: bool | None = None) -> bool:
        """Record progress; False if someone else changed the row meanwhile (stale token)."""
        cur = await self.conn.execute(
            "UPDATE escalations SET done = ?, next_due_at = ?, status = ?, token = token + 1,"
            " unreachable_notified = ?, updated_at = ? WHERE id = ? AND token = ?",
            (json.dumps(list(done)), to_epoch(next_due) if next_due else None,
             "active" if next_due else "finished",
             int(row.unreachable_notified if unreachable_notified is None
                 else unreachable_notified), now, row.id, row.token),
        )
        return cur.rowcount == 1

    async def stop(self, kind: str, subject_id: int, agency_id: int | None, reason: str,
                   now: int, *, finished_too: bool = False) -> int:
        """Stop the running escalation(s); `finished_too`: also one whose steps are all done
        (an incident taken after its last step: released later, it is chased again)."""
        sql = ("UPDATE escalations SET status = 'stopped', stop_reason = ?, next_due_at = NULL,"
               " token = token + 1, updated_at = ? WHERE status IN ('active', ?)"
               " AND subject_kind = ? AND subject_id = ?")
        args: tuple[Any, ...] = (reason, now, "finished" if finished_too else "active", kind,
                                 subject_id)
        if agency_id is not None:
            sql, args = sql + " AND agency_id = ?", (*args, agency_id)
        cur = await self.conn.execute(sql, args)
        return cur.rowcount

    async def mark_reachable(self, kinds: Collection[str], subject_id: int, agency_id: int,
                             now: int) -> None:
        """A liaison of the agency can be reached now (a late copy went out)."""
        marks = ",".join("?" * len(kinds))
        await self.conn.execute(
            "UPDATE escalations SET unreachable = 0, updated_at = ? WHERE subject_id = ?"  # noqa: S608 (placeholders only)
            f" AND agency_id = ? AND subject_kind IN ({marks}) AND status = 'active'"
            " AND unreachable = 1", (now, subject_id, agency_id, *(str(k) for k in kinds)))

    async def mark_unreachable_agency(self, kind: str, agency_id: int, now: int) -> int:
        """The agency lost its last reachable liaison: each of its running escalations says so,
        and is due at once (the on-duty responders are told by the next run)."""
        cur = await self.conn.execute(
            "UPDATE escalations SET unreachable = 1, unreachable_notified = 0, token = token + 1,"
            " updated_at = ? WHERE subject_kind = ? AND agency_id = ? AND status = 'active'"
            " AND unreachable = 0", (now, kind, agency_id))
        return cur.rowcount

    async def reschedule(self, kind: str, subject_id: int, deadline: datetime, now: int) -> None:
        """A new deadline: the frozen steps run again from it (none skipped: `skipped` is
        only what was already due when the escalation started)."""
        # Finished ones run again from the new deadline too; stopped ones stay stopped.
        async with self.conn.execute(
            "SELECT id, steps FROM escalations WHERE status IN ('active', 'finished')"
            " AND subject_kind = ? AND subject_id = ?", (kind, subject_id)) as cur:
            rows = await cur.fetchall()
        for r in rows:
            steps = steps_from_json(r["steps"])
            next_due = first_due(steps, deadline)
            await self.conn.execute(
                "UPDATE escalations SET deadline_at = ?, done = ?, skipped = '[]', next_due_at = ?,"
                " status = CASE WHEN ? IS NULL THEN 'finished' ELSE 'active' END,"
                " token = token + 1, updated_at = ? WHERE id = ?",
                (to_epoch(deadline), json.dumps([0] * len(steps)),
                 to_epoch(next_due) if next_due else None,
                 to_epoch(next_due) if next_due else None, now, r["id"]))

    async def rearm(self, kind: str, subject_id: int, deadline: datetime,
                    steps: tuple[Step, ...], skipped: tuple[int, ...],
                    next_due: datetime | None, now: int) -> int:
        """The subject's escalation (the one with no agency) runs again in place: these steps
        from this deadline, `skipped` occurrences counted as done, nobody handling it, its
        token bumped (a wake-up read before is stale). Returns 1 if there was such a row."""
        cur = await self.conn.execute(
            "UPDATE escalations SET deadline_at = ?, steps = ?, done = ?, skipped = ?,"
            " next_due_at = ?, status = ?, stop_reason = NULL, handled_by = NULL,"
            " handled_at = NULL, token = token + 1, updated_at = ?"
            " WHERE subject_kind = ? AND subject_id = ? AND agency_id IS NULL",
            (to_epoch(deadline), steps_to_json(steps), json.dumps(list(skipped)),
             json.dumps(list(skipped) if any(skipped) else []),
             to_epoch(next_due) if next_due else None,
             "active" if next_due else "finished", now, kind, subject_id))
        return cur.rowcount

    async def set_handled(self, escalation_ids: list[int], person_id: int, now: int) -> list[int]:
        """Mark as handled those not handled yet; returns the ids this call claimed."""
        claimed = []
        for escalation_id in escalation_ids:
            cur = await self.conn.execute(
                "UPDATE escalations SET handled_by = ?, handled_at = ?, token = token + 1"
                " WHERE id = ? AND handled_by IS NULL AND status != 'stopped'",
                (person_id, now, escalation_id))
            if cur.rowcount == 1:
                claimed.append(escalation_id)
        return claimed

    # --- digests ---------------------------------------------------------------------------

    async def add_notice(self, kind: str, subject_id: int, escalation_ids: list[int], text: str,
                         now: int) -> int:
        cur = await self.conn.execute(
            "INSERT INTO escalation_notices (subject_kind, subject_id, escalation_ids, text,"
            " created_at) VALUES (?, ?, ?, ?, ?)",
            (kind, subject_id, json.dumps(escalation_ids), text, now))
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def add_notice_copy(self, notice_id: int, person_id: int, chat_id: int,
                              outbox_id: int, text: str, parts: list[int] | None = None) -> None:
        await self.conn.execute(
            "INSERT OR IGNORE INTO escalation_notice_copies (notice_id, person_id, chat_id,"
            " outbox_id, text, parts) VALUES (?, ?, ?, ?, ?, ?)",
            (notice_id, person_id, chat_id, outbox_id, text,
             json.dumps(parts) if parts else None))

    async def set_snapshot(self, notice_id: int, person_id: int, snapshot: DigestSnapshot) -> None:
        await self.conn.execute(
            "UPDATE escalation_notice_copies SET snapshot = ? WHERE notice_id = ?"
            " AND person_id = ?", (snapshot.to_json(), notice_id, person_id))

    async def kept_copy(self, notice_id: int, person_id: int) -> KeptCopy | None:
        async with self.conn.execute(
            "SELECT * FROM escalation_notice_copies WHERE notice_id = ? AND person_id = ?",
            (notice_id, person_id)) as cur:
            r = await cur.fetchone()
        return _kept(r) if r else None

    async def kept_copies(self, kind: str, subject_id: int) -> list[KeptCopy]:
        """Every kept copy of the subject's digests that can be drawn again, oldest first."""
        async with self.conn.execute(
            "SELECT c.* FROM escalation_notice_copies c JOIN escalation_notices n"
            " ON n.id = c.notice_id WHERE n.subject_kind = ? AND n.subject_id = ?"
            " AND c.snapshot IS NOT NULL ORDER BY c.notice_id, c.person_id",
            (kind, subject_id)) as cur:
            return [_kept(r) for r in await cur.fetchall()]

    async def notice(self, notice_id: int) -> tuple[list[int], str] | None:
        async with self.conn.execute(
            "SELECT escalation_ids, text FROM escalation_notices WHERE id = ?", (notice_id,)
        ) as cur:
            r = await cur.fetchone()
        return (json.loads(r[0]), r[1]) if r else None

    async def notice_copies(self, notice_id: int) -> list[tuple[int, int, int, str]]:
        """(person id, chat id, outbox id, text) of each responder's copy of a digest."""
        async with self.conn.execute(
            "SELECT person_id, chat_id, outbox_id, text FROM escalation_notice_copies"
            " WHERE notice_id = ?", (notice_id,)) as cur:
            return [(r[0], r[1], r[2], r[3]) for r in await cur.fetchall()]
