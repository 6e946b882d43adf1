"""What people read about incidents: `/incidents` (the team's open list), `/incident SC-…`
(one incident, its report, closing report and timeline), `/myreports` (a liaison's agency).

Each read is one snapshot of the database (`db.reader`) and carries when it was read, so the
ages shown are of one instant and handlers never read the clock. Who may see an incident is
`visible_to`: the team and the admins see every one, a liaison only their own agency's. An
incident someone may not see is answered exactly as one that does not exist (its code is
not confirmed), and the attempt is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import Clock
from bot.domain.errors import InvalidInput, PermissionDenied
from bot.domain.incidents import (
    PRIORITY_ORDER,
    Incident,
    IncidentEvent,
    Move,
    Who,
    moves,
    parse_code,
)
from bot.domain.models import Person, Role
from bot.domain.when import as_shown
from bot.services.access import RefusalLog
from bot.services.incidents import IncidentService, visible_to
from bot.storage.agencies import AgencyRepository
from bot.storage.db import Database
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from config.incident_form import IncidentForm
from config.settings import Settings

LIST_ALLOWED = frozenset({Role.RESPONDER, Role.ADMIN})
MY_REPORTS_SHOWN = 50  # a liaison's list: the newest this many (paged on the phone)


@dataclass(frozen=True)
class IncidentRow:
    """One incident in a list: its agency's name and its assignee's, if any."""

    incident: Incident
    agency: str
    assignee: str | None


@dataclass(frozen=True)
class IncidentList:
    rows: list[IncidentRow]
    read_at: datetime
    agency: str = ""  # /myreports: the liaison's agency


@dataclass(frozen=True)
class IncidentDetail:
    """One incident as the viewer may see it, with the moves open to them now."""

    incident: Incident
    agency: str
    reporter: str
    assignee: str | None
    events: list[IncidentEvent]
    names: dict[int, str]          # person id → name, for the timeline
    agency_names: dict[int, str]   # for the report's answers (the agency field)
    files: int
    moves: tuple[Move, ...]
    read_at: datetime


class IncidentViews:
    def __init__(self, db: Database, clock: Clock, settings: Settings, form: IncidentForm,
                 incidents: IncidentService, refusals: RefusalLog | None = None) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.form = form
        self.incidents = incidents
        self.refusals = refusals or RefusalLog(db, clock)

    # --- /incidents -------------------------------------------------------------------------

    async def open_incidents(self, user_id: int) -> IncidentList:
        """Every open incident, for responders and admins (others refused, audited): the
        gravest priority first, then the oldest."""
        await self._roles(user_id, "/incidents", LIST_ALLOWED, "incv_list_refused")
        conn = self.db.reader
        found = await IncidentRepository(conn).open()
        rank = {p: i for i, p in enumerate(PRIORITY_ORDER)}
        found.sort(key=lambda i: (-rank[i.priority], i.reported_at, i.id))
        return IncidentList(await self._rows(conn, found), self.clock.now())

    # --- /myreports -------------------------------------------------------------------------

    async def my_reports(self, user_id: int) -> IncidentList:
        """The liaison's agency's incidents, newest first (others refused, audited)."""
        person = await self._roles(user_id, "/myreports", frozenset({Role.LIAISON}),
                                   "incv_myreports_refused")
        if person is None or person.agency_id is None:
            await self.refusals.add(user_id, "access.denied", "/myreports", {"why": "no_agency"})
            raise PermissionDenied("incv_myreports_refused")
        conn = self.db.reader
        agency = await AgencyRepository(conn).get(person.agency_id)
        found = await IncidentRepository(conn).of_agency(agency.id, limit=MY_REPORTS_SHOWN)
        return IncidentList(await self._rows(conn, found), self.clock.now(), agency.name)

    # --- /incident SC-… and its taps --------------------------------------------------------

    async def detail(self, user_id: int, code_or_id: str | int) -> IncidentDetail:
        """One incident with its timeline, if the person may see it. A code as typed
        (`sc-2026-7`, spaces, a pasted dash) or an id from a button. Not found and not
        visible get the same InvalidInput (`incv_not_found`, or `incv_gone` for a button)."""
        conn = self.db.reader
        incident, who = await self._visible(conn, user_id, code_or_id, "view")
        repo = IncidentRepository(conn)
        events = await repo.events(incident.id)
        people = {p.id: p.full_name for p in await PeopleRepository(conn).all()}
        agencies = {a.id: a.name for a in await AgencyRepository(conn).all()}
        return IncidentDetail(
            incident=incident, agency=agencies.get(incident.agency_id, ""),
            reporter=people.get(incident.reporter_id, ""),
            assignee=people.get(incident.assignee_id) if incident.assignee_id else None,
            events=events, names=people, agency_names=agencies,
            files=len(await repo.files(incident.id)),
            moves=moves(incident.status, who), read_at=self.clock.now())

    async def files(self, user_id: int, incident_id: int) -> tuple[Incident, list[dict[str, str]]]:
        """The incident's files (the report's and the progress reports'), to re-send by
        file_id, for whoever may see the incident (others: as not found, audited)."""
        conn = self.db.reader
        incident, _ = await self._visible(conn, user_id, incident_id, "files")
        found = await IncidentRepository(conn).files(incident.id)
        return incident, [{"file_id": f.file_id, "kind": f.kind, "name": f.name} for f in found]

    # --- helpers ----------------------------------------------------------------------------

    async def _visible(self, conn: aiosqlite.Connection, user_id: int, code_or_id: str | int,
                       what: str) -> tuple[Incident, frozenset[Who]]:
        repo = IncidentRepository(conn)
        typed = isinstance(code_or_id, str)
        shown = as_shown(code_or_id)[:40] if isinstance(code_or_id, str) else ""
        not_found = (InvalidInput("incv_not_found", code=shown) if typed
                     else InvalidInput("incv_gone"))
        if isinstance(code_or_id, str):
            parsed = parse_code(shown)
            incident = await repo.by_number(*parsed) if parsed else None
        else:
            incident = await repo.find(code_or_id)
        if incident is None:
            if not typed:  # a button for an incident that does not exist: forged
                await self.refusals.add(user_id, "incident.view_refused", None,
                                        {"what": what, "why": "not_found"}, per_subject=False)
            raise not_found
        _, who = await self.incidents.standing(conn, user_id, incident)
        if not visible_to(incident, who):
            await self.refusals.add(user_id, "incident.view_refused", incident.code,
                                    {"what": what, "why": "not_visible"},
                                    per_subject=typed)
            raise not_found
        return incident, who

    async def _roles(self, user_id: int, command: str, allowed: frozenset[Role],
                     refusal: str) -> Person | None:
        """The caller's record if they hold one of `allowed` (super-admins are admins);
        otherwise audited and refused."""
        person = await PeopleRepository(self.db.reader).by_telegram_id(user_id)
        super_admin = user_id in self.incidents.super_admins
        if person is not None and not person.active and not super_admin:
            await self.refusals.add(user_id, "access.denied", None,
                                    {"command": command, "why": "inactive"})
            raise InvalidInput("access_ended")
        roles = set(person.roles) if person is not None and person.active else set()
        if super_admin:
            roles.add(Role.ADMIN)
        if not roles & allowed:
            await self.refusals.add(user_id, "access.denied", command,
                                    {"needed": "|".join(sorted(str(r) for r in allowed))})
            raise PermissionDenied(refusal)
        return person

    async def _rows(self, conn: aiosqlite.Connection, found: list[Incident]) -> list[IncidentRow]:
        agencies = await AgencyRepository(conn).by_ids(sorted({i.agency_id for i in found}))
        people = {p.id: p.full_name for p in await PeopleRepository(conn).all()}
        return [IncidentRow(i, agencies[i.agency_id].name if i.agency_id in agencies else "",
                            people.get(i.assignee_id) if i.assignee_id else None)
                for i in found]
