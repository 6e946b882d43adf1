"""Incidents: who may report for which agency, what the form is prefilled with, the report
stored on «Gửi» (numbered, prioritised, flagged late), and who may see one.

The conversation (`handlers/report.py`) collects answers by the form's field keys
(`config/incident_form.yaml`); this service checks them again, since a draft may be old
or forged, and stores the incident, its first timeline event and its files in one
transaction. Announcing it to the on-duty responders and starting its escalation happen in
that same transaction (`IncidentService.announce`), so nothing is told that was not stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import Clock, from_epoch, to_epoch
from bot.domain.errors import InvalidInput
from bot.domain.escalation import Severity
from bot.domain.incidents import (
    EventKind,
    Incident,
    PriorityFacts,
    Who,
    derive_priority,
    reported_late,
)
from bot.domain.models import Agency, Person, Role
from bot.domain.when import Direction, Moment, parse_moment
from bot.services.access import RefusalLog
from bot.services.ports import InCommit, Notifier
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from config.incident_form import FieldKind, IncidentForm, Prefill
from config.policy import PolicyFile
from config.settings import Settings

MAX_FILES = 20  # attachments of one report (an album is at most 10)
# «Vừa xong» and «1 giờ trước» beside the detection-time question, read as if typed.
QUICK_DETECTED = {"now": "bây giờ", "h1": "1 tiếng trước"}


@dataclass(frozen=True)
class Reporter:
    """Who is reporting: a liaison for their own agency, or a responder or admin logging a
    call for any agency (`for_others`: the conversation starts with the agency picker)."""

    user_id: int
    person: Person | None      # None: a super-admin with no record
    agency: Agency | None      # the liaison's agency
    for_others: bool


@dataclass
class ReportDraft:
    """What the conversation collected: answers by field key (JSON-safe: a datetime as
    epoch seconds, yes/no as bool, a choice as its option key, the agency as its id), and
    the files sent (`{"file_id", "kind", "name", "unique_id"}`)."""

    answers: dict[str, Any] = field(default_factory=dict)
    files: list[dict[str, str]] = field(default_factory=list)
    via: str = "telegram"  # "phone": a responder logs what a caller said


@dataclass(frozen=True)
class Detected:
    """A detection time the reporter gave (as read, for the echo), and whether a report sent
    now is past the reporting deadline."""

    moment: Moment
    late: bool

    @property
    def at(self) -> datetime:
        return self.moment.at


class IncidentService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, form: IncidentForm,
                 policy: PolicyFile, notifier: Notifier, refusals: RefusalLog | None = None,
                 *, super_admins: frozenset[int] = frozenset()) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.form = form
        self.policy = policy
        self.notifier = notifier
        self.refusals = refusals or RefusalLog(db, clock)
        self.super_admins = super_admins

    # --- who reports ------------------------------------------------------------------------

    async def reporter(self, user_id: int) -> Reporter:
        """May this person report? Liaisons report for their agency; responders and admins
        log incidents that reached them by phone or e-mail, for any agency."""
        conn = self.db.reader
        person = await PeopleRepository(conn).by_telegram_id(user_id)
        super_admin = user_id in self.super_admins
        if person is not None and not person.active:
            person = None if super_admin else person
            if not super_admin:
                await self.refusals.add(user_id, "incident.report_refused", None,
                                        {"why": "inactive"})
                raise InvalidInput("access_ended")
        if person is None and not super_admin:
            await self.refusals.add(user_id, "incident.report_refused", None,
                                    {"why": "not_registered"})
            raise InvalidInput("not_registered")
        if super_admin or (person is not None and (
                person.has(Role.RESPONDER) or person.has(Role.ADMIN))):
            return Reporter(user_id, person, None, for_others=True)
        assert person is not None
        if person.has(Role.LIAISON) and person.agency_id is not None:
            agency = await AgencyRepository(conn).get(person.agency_id)
            if agency.active:
                return Reporter(user_id, person, agency, for_others=False)
        await self.refusals.add(user_id, "incident.report_refused", None, {"why": "role"})
        raise InvalidInput("inc_report_refused")

    async def prefill(self, reporter: Reporter, agency_id: int) -> dict[str, Any]:
        """The answers the bot knows for this agency and person (confirmed, not asked).
        For a call logged by a responder, the person fields are the caller's: not known."""
        agency = await AgencyRepository(self.db.reader).get(agency_id)
        person = reporter.person if not reporter.for_others else None
        known: dict[Prefill, Any] = {
            Prefill.AGENCY_NAME: agency.id, Prefill.AGENCY_ADDRESS: agency.address,
            Prefill.AGENCY_PHONE: agency.phone, Prefill.AGENCY_EMAIL: agency.email,
            Prefill.PERSON_NAME: person.full_name if person else None,
            Prefill.PERSON_PHONE: person.phone if person else None,
        }
        out: dict[str, Any] = {}
        for f in self.form.fields:
            if f.prefill is None:
                continue
            value = known[f.prefill]
            if f.kind is FieldKind.TEXT and f.prefill is Prefill.AGENCY_NAME:
                value = agency.name  # e.g. the operating unit: the agency's name, as text
            if value not in (None, ""):
                out[f.key] = value
        return out

    # --- what the conversation checks as it goes (submit checks it all again) -------------

    async def pick_agency(self, user_id: int, agency_id: int) -> Agency:
        """The agency a responder or admin logs a call for. A liaison reports for their own
        agency only: a picker tap from one (replayed, forged) is refused and audited."""
        reporter = await self.reporter(user_id)
        if not reporter.for_others:
            # A tap: its data can be varied without end, so one row per window.
            await self.refusals.add(user_id, "incident.report_refused", None,
                                    {"why": "other_agency", "agency_id": agency_id},
                                    per_subject=False)
            raise InvalidInput("inc_report_refused")
        agency = (await AgencyRepository(self.db.reader).by_ids([agency_id])).get(agency_id)
        if agency is None or not agency.active:
            raise InvalidInput("inc_agency_gone", field="agency")
        return agency

    def detected(self, text: str) -> Detected:
        """When the incident was detected, as typed (`25/11/2026 14:30`, `14:30`, `hôm qua
        22:00`, or a quick choice's words): never in the future; late past the deadline."""
        now = self.clock.now()
        moment = parse_moment(text, now, self.settings.tz, key="ir_detected_invalid",
                              direction=Direction.PAST)
        if moment.at > now:
            raise InvalidInput("inc_detected_future", field="detected_at")
        return Detected(moment, self.late(moment.at))

    def late(self, detected_at: datetime) -> bool:
        """Would a report sent now be past the reporting deadline?"""
        return reported_late(detected_at, self.clock.now(), self.settings.incident_report_within)

    async def agency_names(self, ids: list[int]) -> dict[int, str]:
        return {i: a.name for i, a in (await AgencyRepository(self.db.reader).by_ids(ids)).items()}

    # --- «Gửi» ------------------------------------------------------------------------------

    async def submit(self, user_id: int, draft: ReportDraft, *,
                     also: InCommit | None = None) -> Incident:
        """Store the report: checked again, numbered, prioritised, flagged late; announced in
        the same transaction. Raises InvalidInput naming the first field that is missing or
        wrong (its `field` param is the key), and stores nothing then."""
        reporter = await self.reporter(user_id)
        answers = self.checked(draft.answers)
        agency_id = int(answers["agency"])
        if not reporter.for_others and (reporter.agency is None
                                        or reporter.agency.id != agency_id):
            await self.refusals.add(user_id, "incident.report_refused", None,
                                    {"why": "other_agency", "agency_id": agency_id})
            raise InvalidInput("inc_report_refused")
        if len(draft.files) > MAX_FILES:
            raise InvalidInput("inc_too_many_files", max_files=MAX_FILES)
        now = self.clock.now()
        detected = from_epoch(int(answers["detected_at"]))
        if detected > now:
            raise InvalidInput("inc_detected_future", field="detected_at")
        facts = facts_of(answers)
        async with self.db.transaction() as conn:
            agency = (await AgencyRepository(conn).by_ids([agency_id])).get(agency_id)
            if agency is None or not agency.active:
                raise InvalidInput("inc_agency_gone", field="agency")
            person = reporter.person or await self._record_for(conn, user_id)
            repo = IncidentRepository(conn)
            local_year = now.astimezone(self.settings.tz).year
            incident = await repo.create(
                agency_id=agency_id, reporter_id=person.id,
                via="phone" if reporter.for_others else "telegram",
                priority=derive_priority(facts), category=answers.get("category"),
                system_level=facts.system_level, detected_at=detected, reported_at=now,
                late=reported_late(detected, now, self.settings.incident_report_within),
                support_requested=facts.support_requested,
                beyond_capacity=facts.beyond_capacity,
                confidential=bool(answers.get("confidential")), answers=answers,
                year=local_year)
            await repo.add_event(incident.id, now, EventKind.REPORTED, person.id, details={
                "priority": str(incident.priority), "late": incident.late, "via": incident.via})
            await repo.add_files(incident.id, draft.files)
            await self.announce(conn, incident, now)
            await AuditRepository(conn).add(
                to_epoch(now), user_id, "incident.reported", incident.code,
                {"incident_id": incident.id, "agency_id": agency_id,
                 "priority": str(incident.priority), "late": incident.late,
                 "files": len(draft.files)})
            if also is not None:
                await also(conn)
        self.notifier.flush()
        return incident

    async def announce(self, conn: aiosqlite.Connection, incident: Incident,
                       now: datetime) -> None:
        """Tell the on-duty responders (and the admins, for high priority or support asked)
        with «Tiếp nhận», and start the incident's escalation: in the report's transaction.
        (Issue 11, item 3; wired by the notification part.)"""

    async def replan(self, conn: aiosqlite.Connection, incident: Incident,
                     now: datetime) -> None:
        """Make the incident's escalations match its state, in the caller's transaction:
        Mới → the not-taken escalation runs (from now, after a release) and no other;
        Đã tiếp nhận / Đang xử lý → the no-progress one runs from the latest progress;
        Đã khắc phục / Đã kết thúc ứng phó → none. A new priority restarts the not-taken
        one with the new policy. Lifecycle moves call it after every change.
        (Wired by the notification part.)"""

    def checked(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answers, each checked against its field (kind, options, length, required);
        only the form's keys are kept. Raises InvalidInput(key, field=<key>, label=...)."""
        out: dict[str, Any] = {}
        for f in self.form.fields:
            if not self.form.asked(out, f) or f.kind is FieldKind.FILES:
                continue
            value = answers.get(f.key)
            if value in (None, ""):
                if f.required:
                    raise InvalidInput("inc_missing", field=f.key, label=f.label)
                continue
            if f.kind is FieldKind.TEXT:
                if not isinstance(value, str) or len(value) > f.max_length:
                    raise InvalidInput("inc_bad_answer", field=f.key, label=f.label)
            elif f.kind is FieldKind.CHOICE:
                if not isinstance(value, str) or f.option(value) is None:
                    raise InvalidInput("inc_bad_answer", field=f.key, label=f.label)
            elif f.kind is FieldKind.YESNO:
                if not isinstance(value, bool):
                    raise InvalidInput("inc_bad_answer", field=f.key, label=f.label)
            elif f.kind in (FieldKind.DATETIME, FieldKind.AGENCY) and (
                    isinstance(value, bool) or not isinstance(value, int)):
                raise InvalidInput("inc_bad_answer", field=f.key, label=f.label)
            out[f.key] = value
        return out

    async def _record_for(self, conn: aiosqlite.Connection, user_id: int) -> Person:
        """A super-admin with no record logs a call: they get a record, as /start gives one."""
        people = PeopleRepository(conn)
        found = await people.by_telegram_id(user_id)
        if found is not None:
            return found
        person_id = await people.insert({"full_name": f"Quản trị viên {user_id}",
                                         "roles": [Role.ADMIN], "telegram_user_id": user_id},
                                        to_epoch(self.clock.now()))
        return await people.get(person_id)

    # --- who stands where -------------------------------------------------------------------

    async def standing(self, conn: aiosqlite.Connection, user_id: int,
                       incident: Incident) -> tuple[Person | None, frozenset[Who]]:
        """How the person stands to the incident (roles re-read from the database)."""
        person = await PeopleRepository(conn).by_telegram_id(user_id)
        who: set[Who] = set()
        if user_id in self.super_admins:
            who.add(Who.ADMIN)
        if person is None or not person.active:
            return person, frozenset(who)
        if person.has(Role.ADMIN):
            who.add(Who.ADMIN)
        if person.has(Role.RESPONDER):
            who.add(Who.RESPONDER)
            if person.lead:
                who.add(Who.LEAD)
        if incident.assignee_id == person.id:
            who.add(Who.ASSIGNEE)
        if person.id == incident.reporter_id or (
                person.has(Role.LIAISON) and person.agency_id == incident.agency_id):
            who.add(Who.REPORTER)
        return person, frozenset(who)


def visible_to(incident: Incident, who: frozenset[Who]) -> bool:
    """Who may see an incident: the team (responders, the lead) and the admins see every
    one; anyone else only their own agency's ("giữ bí mật" keeps it from other agencies,
    which never see another agency's incident in any case)."""
    return bool(who & {Who.RESPONDER, Who.LEAD, Who.ADMIN, Who.REPORTER, Who.ASSIGNEE})


def facts_of(answers: Mapping[str, Any]) -> PriorityFacts:
    """The priority rule's inputs from checked answers."""
    level = answers.get("system_level")
    return PriorityFacts(
        system_level=int(level) if isinstance(level, str) and level in "12345" and level
        else None,
        category=answers.get("category"),
        support_requested=bool(answers.get("support_requested")),
        beyond_capacity=bool(answers.get("beyond_capacity")),
        handled=answers.get("state") == "handled")


def priority_of(answers: Mapping[str, Any]) -> Severity:
    return derive_priority(facts_of(answers))
