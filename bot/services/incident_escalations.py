"""The escalation engine's adapters for incidents: not yet taken, and no progress.

One escalation row per incident and kind (no agency: the incident as a whole).
`INCIDENT_UNTAKEN` is open while the incident is new (Mới): its first notice is the report
itself (`EscalationService.announce`, marked `setup`), its rounds are digests to whom the
priority's policy names; every copy offers «Tiếp nhận» to a responder and is drawn again
("Đã được … tiếp nhận lúc …", no button) once someone took it. `INCIDENT_NO_PROGRESS` is
open while it is taken or in progress: its steps are built in code (`no_progress_steps`)
and remind the assignee, then the lead too, with «Xem chi tiết».
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.domain.directives import Delivery
from bot.domain.escalation import Step, SubjectKind, Target
from bot.domain.incidents import EventKind, Incident, IncidentFile, IncidentStatus
from bot.domain.models import Agency, Person, Rank, Role
from bot.domain.notices import About, Action, Lateness, Notice, OpenIncident, TakeIncident
from bot.services.escalation import Item
from bot.storage.agencies import AgencyRepository
from bot.storage.escalations import EscalationRow
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from config.incident_form import IncidentForm

UNTAKEN = SubjectKind.INCIDENT_UNTAKEN
NO_PROGRESS = SubjectKind.INCIDENT_NO_PROGRESS
# The no-progress reminder repeats this many times after the first (then the lead and the
# assignee have been told often enough: /incidents still lists the incident).
NO_PROGRESS_REPEATS = 3
# People of the agency a digest names to call (the reporter first).
CALLERS_SHOWN = 3

_OPEN = {UNTAKEN: frozenset({IncidentStatus.REPORTED}),
         NO_PROGRESS: frozenset({IncidentStatus.TAKEN, IncidentStatus.IN_PROGRESS})}


def no_progress_steps(every: timedelta) -> tuple[Step, ...]:
    """Remind the assignee at the deadline and every interval after it; the lead too from
    the second interval on."""
    return (Step(timedelta(), (Target.ASSIGNEE,), every, NO_PROGRESS_REPEATS),
            Step(every, (Target.TEAM_LEAD,), every, NO_PROGRESS_REPEATS - 1))


@dataclass(frozen=True)
class Taken:
    """Who took the incident and when (a copy drawn again says so)."""

    name: str
    at: datetime


@dataclass(frozen=True)
class IncidentEscalation:
    kind: SubjectKind
    form: IncidentForm
    report_within: timedelta  # the reporting deadline after detection (a late report says so)

    async def still_open(self, conn: aiosqlite.Connection, subject_id: int,
                         agency_ids: Collection[int | None]) -> set[int | None]:
        incident = await IncidentRepository(conn).find(subject_id)
        if incident is None or incident.status not in _OPEN[self.kind]:
            return set()
        return {a for a in agency_ids if a is None}

    async def brief(self, conn: aiosqlite.Connection, subject_id: int,
                    rows: list[EscalationRow]) -> IncidentBriefing:
        repo = IncidentRepository(conn)
        incident = await repo.get(subject_id)
        agency = await AgencyRepository(conn).get(incident.agency_id)
        people = {p.id: p for p in await PeopleRepository(conn).all()}
        reporter = people[incident.reporter_id]
        callers = _callers(incident, reporter, [
            p for p in people.values() if p.active and p.has(Role.LIAISON)
            and p.agency_id == agency.id])
        assignee = people.get(incident.assignee_id) if incident.assignee_id else None
        files = await repo.files(incident.id, initial=True) if self.kind is UNTAKEN else []
        return IncidentBriefing(self, incident, agency, reporter, assignee, callers, files)


class IncidentBriefing:
    def __init__(self, adapter: IncidentEscalation, incident: Incident, agency: Agency,
                 reporter: Person, assignee: Person | None,
                 callers: list[tuple[str, str | None]], files: list[IncidentFile]) -> None:
        self.adapter = adapter
        self.kind = adapter.kind
        self.incident = incident
        self.agency = agency
        self.reporter = reporter
        self.assignee = assignee
        self.callers = callers
        self.files = files
        self.name = incident.code
        self.refs: dict[str, object] = {"incident_id": incident.id}

    @property
    def assignee_id(self) -> int | None:
        return self.incident.assignee_id

    async def reminders(self, conn: aiosqlite.Connection, item: Item,
                        now: datetime) -> list[tuple[Person | Delivery, Notice]]:
        return []  # an incident has no agency-side reminder: the agency reported it

    def digest(self, items: list[Item], now: datetime, late: Lateness | None,
               nobody_on_duty: bool, unreachable_on_duty: tuple[str, ...] = ()) -> Notice:
        """The report itself (the first notice), a round of "nobody took it", or a round of
        "no progress"; drawn again later, it says who took the incident since."""
        i = self.incident
        taken = (Taken(self.assignee.full_name, i.taken_at)
                 if self.assignee is not None and i.taken_at is not None else None)
        values: dict[str, object] = {
            "incident": i, "agency": self.agency, "now": now, "late": late,
            "nobody_on_duty": nobody_on_duty, "unreachable_on_duty": unreachable_on_duty,
            "taken": taken if self.kind is UNTAKEN else None}
        about = About(self.kind, i.id)
        if self.kind is UNTAKEN and items and all(item.setup for item in items):
            return Notice("inc_n_report", about, {
                **values, "form": self.adapter.form, "reporter": self.reporter,
                "report_within": self.adapter.report_within,
                "files": [{"kind": f.kind, "file_id": f.file_id, "name": f.name}
                          for f in self.files]})
        done = max(item.rounds[0] for item in items)
        total = max(item.rounds[1] for item in items)
        if self.kind is UNTAKEN:
            return Notice("inc_n_digest", about, {
                **values, "rounds": (done, total), "callers": self.callers})
        since = i.last_progress_at or i.taken_at or i.reported_at
        return Notice("inc_n_stale", about, {
            **values, "rounds": (done, total), "since": since,
            "assignee": self.assignee})

    def label(self, row: EscalationRow) -> str:
        return self.incident.code

    async def record(self, conn: aiosqlite.Connection, items: list[Item],
                     now: datetime) -> None:
        """The round on the incident's timeline: which, of how many, who was told (by the
        bot: no person); a no-progress reminder says so."""
        targets: list[str] = []
        for item in items:
            for fired in item.fired:
                targets += [str(t) for t in item.row.steps[fired.step].targets
                            if str(t) not in targets]
        await IncidentRepository(conn).add_event(
            self.incident.id, now, EventKind.ESCALATED, None, details={
                "kind": str(self.kind), "round": max(i.rounds[0] for i in items),
                "total": max(i.rounds[1] for i in items), "targets": targets})

    def actions(self, items: list[Item], person: Person) -> tuple[Action, ...]:
        """«Tiếp nhận» to an active responder while the incident is new; «Xem chi tiết»
        otherwise (an admin's copy, a taken incident, a no-progress reminder); nothing to
        someone who left."""
        if not person.active:
            return ()
        if (self.kind is UNTAKEN and self.incident.status is IncidentStatus.REPORTED
                and person.has(Role.RESPONDER)):
            return (TakeIncident(self.incident.id),)
        # Taken since, an admin's copy, a no-progress reminder: the way on to the detail.
        return (OpenIncident(self.incident.id),)


def _callers(incident: Incident, reporter: Person,
             liaisons: list[Person]) -> list[tuple[str, str | None]]:
    """Whom to call at the agency: who reported (the caller, for a call logged by a
    responder), then its liaisons, primary first."""
    a = incident.answers
    first: tuple[str, str | None]
    if incident.via == "phone":
        first = (str(a.get("reporter_name") or ""), a.get("reporter_phone"))
    else:
        first = (reporter.full_name, reporter.phone or a.get("reporter_phone"))
    out = [first] if first[0] else []
    for p in sorted(liaisons, key=lambda p: (p.rank is Rank.BACKUP, p.full_name)):
        if p.id != reporter.id and len(out) < CALLERS_SHOWN:
            out.append((p.full_name, p.phone))
    return out


def incident_subjects(form: IncidentForm, report_within: timedelta
                      ) -> tuple[IncidentEscalation, ...]:
    """Both adapters, for the composition root to register beside `SUBJECTS`."""
    return (IncidentEscalation(UNTAKEN, form, report_within),
            IncidentEscalation(NO_PROGRESS, form, report_within))
