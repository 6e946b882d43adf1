"""/overdue: everything late right now, by kind, oldest first, with whom to call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.domain.audience import contacts
from bot.domain.directives import Directive, DirectiveStatus
from bot.domain.errors import PermissionDenied
from bot.domain.escalation import SubjectKind
from bot.domain.incidents import Incident, IncidentStatus
from bot.domain.models import Agency, Person, Role
from bot.services.access import AccessService
from bot.services.directive_escalations import DirectiveEscalation
from bot.services.incident_escalations import NO_PROGRESS, UNTAKEN
from bot.storage.agencies import AgencyRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.storage.escalations import EscalationRepository
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository

# In the order they are listed.
KINDS = (SubjectKind.DIRECTIVE_ACK, SubjectKind.DIRECTIVE_RESULT, UNTAKEN, NO_PROGRESS)
ALLOWED = frozenset({Role.RESPONDER, Role.ADMIN})
# While an incident is in these states its escalation of that kind is owed.
_OPEN_INCIDENT = {UNTAKEN: frozenset({IncidentStatus.REPORTED}),
                  NO_PROGRESS: frozenset({IncidentStatus.TAKEN, IncidentStatus.IN_PROGRESS})}


@dataclass(frozen=True)
class LateItem:
    """One thing past its deadline: an agency's acknowledgement or result report of a
    directive, or an incident not taken or without progress; and whom to call about it."""

    kind: SubjectKind
    deadline: datetime
    agency: Agency
    contacts: tuple[Person, ...]
    directive: Directive | None = None
    incident: Incident | None = None


class OverdueService:
    def __init__(self, db: Database, clock: Clock, access: AccessService) -> None:
        self.db = db
        self.clock = clock
        self.access = access

    async def overdue(self, user_id: int) -> tuple[dict[SubjectKind, list[LateItem]], datetime]:
        """For responders and admins (others refused, audited): per kind, oldest deadline
        first, and when it was read. The escalations' deadlines are the one source of truth
        (an extension, a release or new progress moves them)."""
        person = await self.access.member(user_id, "/overdue")
        if not self.access.effective_roles(user_id, person) & ALLOWED:
            await self.access.refusals.add(user_id, "access.denied", "/overdue",
                                           {"needed": "responder|admin"})
            raise PermissionDenied("ovd_refused")
        now = self.clock.now()
        conn = self.db.reader
        people = [p for p in await PeopleRepository(conn).all() if p.active]
        by_id = {p.id: p for p in people}
        rows = [r for r in await EscalationRepository(conn).unresolved(KINDS)
                if r.deadline_at <= now]
        agencies = await AgencyRepository(conn).by_ids(
            [r.agency_id for r in rows if r.agency_id is not None])
        found: dict[SubjectKind, list[LateItem]] = {kind: [] for kind in KINDS}
        directives: dict[int, Directive] = {}
        for row in rows:
            kind = row.subject_kind
            if kind in (UNTAKEN, NO_PROGRESS):
                incident = await IncidentRepository(conn).get(row.subject_id)
                if incident.status not in _OPEN_INCIDENT[kind]:
                    continue
                agency = (await AgencyRepository(conn).by_ids([incident.agency_id]))[
                    incident.agency_id]
                if kind is NO_PROGRESS:
                    # The assignee is the one to ask; the agency only knows what it reported.
                    who = tuple(by_id[i] for i in (incident.assignee_id,) if i in by_id)
                else:
                    reporter = by_id.get(incident.reporter_id)
                    rest = contacts(people, incident.agency_id)
                    who = ((reporter,) if reporter else ()) + tuple(
                        p for p in rest if p is not reporter)
                found[kind].append(LateItem(kind, row.deadline_at, agency, who,
                                            incident=incident))
                continue
            if row.agency_id is None:
                continue
            if row.subject_id not in directives:
                directives[row.subject_id] = await DirectiveRepository(conn).get(row.subject_id)
            d = directives[row.subject_id]
            if d.status is not DirectiveStatus.ACTIVE or not await DirectiveEscalation(
                    kind).still_open(conn, d.id, {row.agency_id}):
                continue
            found[kind].append(LateItem(kind, row.deadline_at, agencies[row.agency_id],
                                        contacts(people, row.agency_id), directive=d))
        for items in found.values():
            items.sort(key=lambda i: (i.deadline, i.agency.name))
        return found, now
