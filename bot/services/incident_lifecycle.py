"""The incident lifecycle: the moves after «Tiếp nhận», progress reports, the closing report.

Every call re-reads the incident and the person inside its transaction and asks the domain
table (`bot.domain.incidents.may`) whether this person may make this move now. Two ways to be
turned down, both audited and changing nothing:

- *refused*: the person may never make this move on this incident (a liaison of another
  agency, a responder who is not the assignee, a forged or replayed tap) → `inl_refused`;
- *stale*: they could, but the incident is no longer where the move starts (someone moved it
  meanwhile, an old button) → `inl_stale`, saying the state it is in now.

On success, in one transaction: the row, a timeline event (with the files of a progress
report), an audit entry, `IncidentService.replan` (the escalations follow the state), and the
notices: the reporter side hears of every change; the new and the former assignee of a
reassignment or a release by the lead; the lead and the admins when it is resolved (they
close it) and when it is reopened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.errors import EntityDoesNotExist, InvalidInput
from bot.domain.incidents import (
    TRANSITIONS,
    EventKind,
    Incident,
    IncidentStatus,
    Move,
    Who,
    may,
)
from bot.domain.models import Person, Role
from bot.domain.notices import About, Account, Notice, OpenIncident, Topic
from bot.services.access import RefusalLog
from bot.services.incidents import IncidentService, visible_to
from bot.services.ports import InCommit, Notifier
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from config.incident_form import IncidentForm
from config.settings import Settings

MAX_REASON = 1000
MAX_PROGRESS = 3000
MAX_FILES = 10  # files of one progress report (an album is at most 10)

# The moves this service makes (taking and the priority are the notification part's).
LIFECYCLE_MOVES = frozenset({Move.START, Move.RELEASE, Move.REASSIGN, Move.RESOLVE,
                             Move.REOPEN, Move.CLOSE, Move.FALSE_ALARM, Move.PROGRESS})

EVENTS: dict[Move, EventKind] = {
    Move.START: EventKind.STARTED, Move.RELEASE: EventKind.RELEASED,
    Move.REASSIGN: EventKind.REASSIGNED, Move.RESOLVE: EventKind.RESOLVED,
    Move.REOPEN: EventKind.REOPENED, Move.CLOSE: EventKind.CLOSED,
    Move.FALSE_ALARM: EventKind.FALSE_ALARM, Move.PROGRESS: EventKind.PROGRESS,
}


class Refused(InvalidInput):
    """A move turned down; `why` goes to the audit log with the move."""

    def __init__(self, key: str, why: str, **params: object) -> None:
        super().__init__(key, **params)
        self.why = why


@dataclass(frozen=True)
class Moved:
    """What a move did: the incident as it is now, the state it left, who made it."""

    incident: Incident
    before: IncidentStatus
    by: Person
    assignee: Person | None  # the assignee now


@dataclass(frozen=True)
class Standing:
    """A move the person may make now (for a conversation's first tap)."""

    incident: Incident
    person: Person | None
    who: frozenset[Who]


class IncidentLifecycle:
    def __init__(self, db: Database, clock: Clock, settings: Settings, form: IncidentForm,
                 notifier: Notifier, incidents: IncidentService,
                 refusals: RefusalLog | None = None) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.form = form
        self.notifier = notifier
        self.incidents = incidents
        self.refusals = refusals or RefusalLog(db, clock)

    # --- checks -----------------------------------------------------------------------------

    async def check(self, user_id: int, incident_id: int, move: Move) -> Standing:
        """May they make `move` now? Asked at the tap that opens a move's conversation, so
        nobody writes a closing report they may not send; the move checks again."""
        try:
            return await self._judge(self.db.reader, user_id, incident_id, move)
        except Refused as exc:
            await self._audit_refusal(user_id, incident_id, move, exc)
            raise

    async def _judge(self, conn: aiosqlite.Connection, user_id: int, incident_id: int,
                     move: Move) -> Standing:
        if move not in LIFECYCLE_MOVES and move is not Move.PRIORITY:  # priority: checked only
            raise ValueError(f"not a lifecycle move: {move}")
        incident = await IncidentRepository(conn).find(incident_id)
        if incident is None:
            raise Refused("inl_refused", "unknown")
        person, who = await self.incidents.standing(conn, user_id, incident)
        if not TRANSITIONS[move].who & who:
            if visible_to(incident, who):  # they see it: say where it stands now
                raise Refused("inl_refused_now", "not_allowed", code=incident.code,
                              status=incident.status)
            raise Refused("inl_refused", "not_allowed")
        if not may(move, incident.status, who):
            raise Refused("inl_stale", "stale", code=incident.code,
                          status=incident.status)
        return Standing(incident, person, who)

    async def _audit_refusal(self, user_id: int, incident_id: int, move: Move,
                             exc: Refused) -> None:
        await self.refusals.add(user_id, "incident.move_refused", f"incident:{incident_id}",
                                {"move": str(move), "why": exc.why})

    # --- the moves --------------------------------------------------------------------------

    async def move(self, user_id: int, incident_id: int, move: Move, *,
                   reason: str | None = None, assignee_id: int | None = None,
                   closing: Mapping[str, Any] | None = None,
                   also: InCommit | None = None) -> Moved:
        """Make a lifecycle move (not `progress`: see `progress`). Raises `Refused` (audited,
        nothing changed) or InvalidInput for a bad reason, assignee or closing report."""
        if move is Move.PROGRESS:
            raise ValueError("a progress report goes through progress()")
        text = self.reason(reason) if TRANSITIONS[move].needs_reason else ""
        answers = self.closing(closing or {}) if move is Move.RESOLVE else {}
        now = self.clock.now()
        try:
            async with self.db.transaction() as conn:
                standing = await self._judge(conn, user_id, incident_id, move)
                moved = await self._apply(conn, user_id, standing, move, now, text,
                                          assignee_id, answers)
                if also is not None:
                    await also(conn)
        except Refused as exc:
            await self._audit_refusal(user_id, incident_id, move, exc)
            raise
        self.incidents.after_commit()  # send, and re-arm the wake-up
        return moved

    async def _apply(self, conn: aiosqlite.Connection, user_id: int, standing: Standing,
                     move: Move, now: datetime, reason: str, assignee_id: int | None,
                     closing: dict[str, str]) -> Moved:
        incident, repo = standing.incident, IncidentRepository(conn)
        people = PeopleRepository(conn)
        by = standing.person if standing.person is not None and standing.person.active else (
            await self.incidents._record_for(conn, user_id))  # a super-admin with no record
        before = incident.status
        former = incident.assignee_id
        target = TRANSITIONS[move].target
        fields: dict[str, Any] = {}
        if target is not None:
            fields["status"] = target
        details: dict[str, Any] = {"from": str(before)}
        if move is Move.START:
            fields["last_progress_at"] = now
        elif move is Move.RELEASE:
            fields.update(assignee_id=None, taken_at=None)
            details["assignee_id"] = former
        elif move is Move.REASSIGN:
            new = await self._responder(conn, assignee_id, incident)
            fields["assignee_id"] = new.id
            if before is IncidentStatus.REPORTED:  # assigned by the lead: taken for them
                fields.update(status=IncidentStatus.TAKEN, taken_at=now, last_progress_at=now)
            details.update(assignee_id=new.id, former_id=former)
        elif move is Move.RESOLVE:
            fields.update(resolved_at=now, closing=closing)
            details["closing"] = closing
        elif move is Move.REOPEN:
            fields.update(resolved_at=None, last_progress_at=now)
        elif move in (Move.CLOSE, Move.FALSE_ALARM):
            fields.update(closed_at=now, false_alarm=move is Move.FALSE_ALARM)
        await repo.update(incident.id, now, **fields)
        after = await repo.get(incident.id)
        details["to"] = str(after.status)
        await repo.add_event(incident.id, now, EVENTS[move], by.id, reason, details)
        await AuditRepository(conn).add(
            to_epoch(now), user_id, f"incident.{move}", incident.code,
            {"incident_id": incident.id, "from": str(before), "to": str(after.status),
             **({"reason": reason} if reason else {}),
             **({"assignee_id": after.assignee_id} if move is Move.REASSIGN else {})})
        await self.incidents.replan(conn, after, now)
        assignee = await people.get(after.assignee_id) if after.assignee_id else None
        moved = Moved(after, before, by, assignee)
        await self._tell(conn, moved, move, reason, former, now)
        return moved

    async def _responder(self, conn: aiosqlite.Connection, person_id: int | None,
                         incident: Incident) -> Person:
        """The one a reassignment names: an active responder on the bot, not the assignee."""
        try:
            found = await PeopleRepository(conn).get(person_id) if person_id else None
        except EntityDoesNotExist:
            found = None
        if (found is None or not found.active or not found.has(Role.RESPONDER)
                or found.telegram_user_id is None):
            raise InvalidInput("inl_not_responder")
        if found.id == incident.assignee_id:
            raise InvalidInput("inl_same_assignee", name=found.full_name)
        return found

    async def responders(self, incident_id: int) -> list[Person]:
        """Whom an incident can be reassigned to: active responders on the bot, lead first,
        the current assignee left out."""
        conn = self.db.reader
        incident = await IncidentRepository(conn).get(incident_id)
        out = [p for p in await PeopleRepository(conn).all()
               if p.active and p.has(Role.RESPONDER) and p.telegram_user_id is not None
               and p.id != incident.assignee_id]
        return sorted(out, key=lambda p: (not p.lead, p.full_name, p.id))

    async def assignable(self, incident_id: int, person_id: int) -> Person:
        """The responder picked to reassign to, if they may be (checked again at the move)."""
        conn = self.db.reader
        incident = await IncidentRepository(conn).get(incident_id)
        return await self._responder(conn, person_id, incident)

    # --- progress reports -------------------------------------------------------------------

    async def progress(self, user_id: int, incident_id: int, text: str,
                       files: Iterable[Mapping[str, str]] = (), *,
                       also: InCommit | None = None) -> Moved:
        """A progress report (báo cáo diễn biến): stored on the timeline with its files, and
        sent to the other side (the assignee, or the reporter side)."""
        text, kept = text.strip(), [dict(f) for f in files]
        if not text and not kept:
            raise InvalidInput("inl_progress_empty")
        if len(text) > MAX_PROGRESS:
            raise InvalidInput("inl_progress_too_long", max_len=MAX_PROGRESS)
        if len(kept) > MAX_FILES:
            raise InvalidInput("inl_progress_too_many_files", max_files=MAX_FILES)
        now = self.clock.now()
        try:
            async with self.db.transaction() as conn:
                standing = await self._judge(conn, user_id, incident_id, Move.PROGRESS)
                moved = await self._report(conn, user_id, standing, text, kept, now)
                if also is not None:
                    await also(conn)
        except Refused as exc:
            await self._audit_refusal(user_id, incident_id, Move.PROGRESS, exc)
            raise
        self.incidents.after_commit()  # send, and re-arm the wake-up
        return moved

    async def _report(self, conn: aiosqlite.Connection, user_id: int, standing: Standing,
                      text: str, files: list[dict[str, str]], now: datetime) -> Moved:
        incident, repo = standing.incident, IncidentRepository(conn)
        by = standing.person if standing.person is not None else (
            await self.incidents._record_for(conn, user_id))
        event_id = await repo.add_event(incident.id, now, EventKind.PROGRESS, by.id, text,
                                        {"files": len(files), "status": str(incident.status)})
        await repo.add_files(incident.id, files, event_id=event_id)
        await repo.update(incident.id, now, last_progress_at=now)
        after = await repo.get(incident.id)
        await AuditRepository(conn).add(
            to_epoch(now), user_id, "incident.progress", incident.code,
            {"incident_id": incident.id, "event_id": event_id, "files": len(files)})
        await self.incidents.replan(conn, after, now)
        people = PeopleRepository(conn)
        assignee = await people.get(after.assignee_id) if after.assignee_id else None
        # The other side hears it: the reporter side's report goes to the assignee (the
        # lead while nobody has taken it), the assignee's to the reporter side.
        to: list[Person | Account] = []
        if Who.REPORTER in standing.who:
            to += [assignee] if assignee is not None else await people.leads()
        if Who.ASSIGNEE in standing.who:
            to += await self._reporter_side(conn, after)
        notice = Notice("inl_progress", self._about(after), {
            "code": after.code, "agency": await self._agency(conn, after),
            "by": by.full_name, "at": now, "text": text,
            "files": files, "status": after.status}, (OpenIncident(after.id),))
        await self._send(conn, to, notice, now, skip=by)
        return Moved(after, incident.status, by, assignee)

    # --- answers ----------------------------------------------------------------------------

    @staticmethod
    def reason(text: str | None) -> str:
        """A move's reason: not empty, at most 1,000 characters."""
        text = (text or "").strip()
        if not text:
            raise InvalidInput("inl_reason_empty")
        if len(text) > MAX_REASON:
            raise InvalidInput("inl_reason_too_long", max_len=MAX_REASON)
        return text

    def closing(self, answers: Mapping[str, Any]) -> dict[str, str]:
        """The closing report checked against `form.closing`: required fields answered,
        each within its length; only the form's keys are kept."""
        out: dict[str, str] = {}
        for f in self.form.closing:
            value = answers.get(f.key)
            value = value.strip() if isinstance(value, str) else ""
            if not value:
                if f.required:
                    raise InvalidInput("inl_closing_missing", field=f.key, label=f.label)
                continue
            if len(value) > f.max_length:
                raise InvalidInput("inl_answer_too_long", field=f.key, label=f.label,
                                   max_len=f.max_length)
            out[f.key] = value
        return out

    # --- who is told ------------------------------------------------------------------------

    async def _tell(self, conn: aiosqlite.Connection, moved: Moved, move: Move, reason: str,
                    former_id: int | None, now: datetime) -> None:
        incident, by = moved.incident, moved.by
        people = PeopleRepository(conn)
        former = await people.get(former_id) if former_id else None
        values: dict[str, Any] = {
            "code": incident.code, "agency": await self._agency(conn, incident),
            "by": by.full_name, "at": now, "reason": reason,
            "status": incident.status, "before": moved.before,
            "assignee": moved.assignee.full_name if moved.assignee else "",
            "closing": [(f.label, incident.closing[f.key]) for f in self.form.closing
                        if f.key in incident.closing] if move is Move.RESOLVE else []}
        about, view = self._about(incident), (OpenIncident(incident.id),)
        side = await self._reporter_side(conn, incident)
        await self._send(conn, side, Notice(f"inl_note_{move}", about, values, view), now,
                         skip=by)
        told = {p.id for p in side if isinstance(p, Person)} | {by.id}
        team: list[Person | Account] = []
        if move is Move.REASSIGN and moved.assignee is not None:
            await self._send(conn, [moved.assignee], Notice(
                "inl_assigned_you", about, values, view), now, skip=by)
            told.add(moved.assignee.id)
        if former is not None and former.id != by.id and move in (Move.REASSIGN,
                                                                  Move.RELEASE):
            await self._send(conn, [former], Notice(f"inl_unassigned_{move}", about, values),
                             now, skip=by)
            told.add(former.id)
        if move in (Move.RESOLVE, Move.REOPEN):
            team += await people.leads()
            team += await self._admins(conn)
        if move in (Move.REOPEN, Move.CLOSE, Move.FALSE_ALARM) and moved.assignee is not None:
            team.append(moved.assignee)
        await self._send(conn, [p for p in team if not isinstance(p, Person)
                                or p.id not in told],
                         Notice(f"inl_team_{move}", about, values, view), now, skip=by)

    async def _reporter_side(self, conn: aiosqlite.Connection,
                             incident: Incident) -> list[Person | Account]:
        return list(await self.incidents.reporter_side(conn, incident))

    async def _admins(self, conn: aiosqlite.Connection) -> list[Person | Account]:
        """The active admins, and the super-admins of the settings (by account when they have
        no record)."""
        people = await PeopleRepository(conn).all()
        out: list[Person | Account] = [p for p in people if p.has(Role.ADMIN)]
        known = {p.telegram_user_id for p in people}
        out += [Account(u) for u in sorted(self.incidents.super_admins - known)]
        out += [p for p in people if p.telegram_user_id in self.incidents.super_admins
                and not p.has(Role.ADMIN)]
        return out

    async def _send(self, conn: aiosqlite.Connection, to: Iterable[Person | Account],
                    notice: Notice, now: datetime, *, skip: Person) -> None:
        """Each reachable person once; never the one who made the move."""
        seen: set[int | None] = {skip.telegram_user_id}
        for p in to:
            if isinstance(p, Person):
                if (p.id == skip.id or p.telegram_user_id in seen or not p.active
                        or not self.notifier.reachable(p)):
                    continue
                seen.add(p.telegram_user_id)
            elif p.user_id in seen:
                continue
            else:
                seen.add(p.user_id)
            await self.notifier.send(conn, p, notice, to_epoch(now))

    @staticmethod
    async def _agency(conn: aiosqlite.Connection, incident: Incident) -> str:
        return (await AgencyRepository(conn).get(incident.agency_id)).name

    @staticmethod
    def _about(incident: Incident) -> About:
        return About(Topic.INCIDENT, incident.id, incident.agency_id)
