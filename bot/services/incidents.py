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
from bot.domain.escalation import Severity, Target
from bot.domain.incidents import (
    EventKind,
    Incident,
    IncidentStatus,
    Move,
    PriorityFacts,
    Who,
    derive_priority,
    implausibly_old,
    may,
    reported_late,
)
from bot.domain.models import Agency, Person, Role
from bot.domain.notices import About, Account, Notice, Topic
from bot.domain.phones import display_phone
from bot.domain.when import Direction, Moment, parse_moment
from bot.services.access import RefusalLog
from bot.services.duty import on_duty_people
from bot.services.escalation import EscalationService
from bot.services.incident_escalations import NO_PROGRESS, UNTAKEN, no_progress_steps
from bot.services.ports import InCommit, Notifier
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.escalations import EscalationRepository
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from config.incident_form import FieldKind, IncidentForm, Prefill
from config.policy import PolicyFile
from config.settings import Settings

# Audited when a report's copies reached nobody on duty and the fallback was paged at once.
PAGED_UNREACHED = "incident.paged_unreached"
# The reporting liaison's agency is no longer active: nothing sent, the draft kept.
AGENCY_INACTIVE = "adv2_agency_inactive"
MAX_FILES = 20  # attachments of one report (an album is at most 10)
# Priorities whose report the admins get at once too (besides a request for support).
ADMINS_TOLD = frozenset({Severity.CAO, Severity.NGHIEM_TRONG})


@dataclass(frozen=True)
class TakeResult:
    """What became of a «Tiếp nhận»: "taken" (by this person, now), "mine" (they had taken
    it before), "already" (someone else, `name` at `at`), "closed" (no longer new, nobody
    holds it), "ended" (no longer in the team), "refused" (not a responder; audited),
    "missing" (no such incident: forged data; audited)."""

    status: str
    incident: Incident | None = None
    name: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class PriorityResult:
    """"changed" (from `before`), "unchanged", "closed" (over), "refused" (audited)."""

    status: str
    incident: Incident | None = None
    before: Severity | None = None
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
                 *, super_admins: frozenset[int] = frozenset(),
                 escalation: EscalationService | None = None) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.form = form
        self.policy = policy
        self.notifier = notifier
        self.refusals = refusals or RefusalLog(db, clock)
        self.super_admins = super_admins
        # The engine that tells the team and chases the incident (None: nothing is told).
        self.escalation = escalation

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
            # A liaison still, of an agency taken off the list (perhaps while they wrote):
            # said as it is, not "only liaisons may report".
            await self.refusals.add(user_id, "incident.report_refused", None,
                                    {"why": "agency_inactive", "agency_id": agency.id})
            raise InvalidInput(AGENCY_INACTIVE, agency=agency.name)
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
        if implausibly_old(moment.at, now):
            raise InvalidInput("ir_detected_invalid", text=text.strip()[:40], field="detected_at")
        return Detected(moment, self.late(moment.at))

    def late(self, detected_at: datetime) -> bool:
        """Would a report sent now be past the reporting deadline?"""
        return reported_late(detected_at, self.clock.now(), self.settings.incident_report_within)

    async def agency_names(self, ids: list[int]) -> dict[int, str]:
        return {i: a.name for i, a in (await AgencyRepository(self.db.reader).by_ids(ids)).items()}

    # --- «Gửi» ------------------------------------------------------------------------------

    async def submit(self, user_id: int, draft: ReportDraft, *, also: InCommit | None = None,
                     confirm: bool = False) -> Incident:
        """Store the report: checked again, numbered, prioritised, flagged late; announced in
        the same transaction. Raises InvalidInput naming the first field that is missing or
        wrong (its `field` param is the key), and stores nothing then.

        `confirm`: the reporter's "sent, code …" is queued in that transaction too, so a
        crash right after the commit still tells them (else they would report it again)."""
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
        if implausibly_old(detected, now):  # a forged or old draft: asked again
            detected_field = self.form.field("detected_at")
            raise InvalidInput("inc_bad_answer", field="detected_at",
                               label=detected_field.label if detected_field else "")
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
            if confirm:
                await self.notifier.send(conn, Account(user_id), Notice(
                    "ir_sent", About(Topic.INCIDENT, incident.id, agency_id, person.id),
                    {"code": incident.code, "priority": incident.priority,
                     "late": incident.late}), to_epoch(now))
            await AuditRepository(conn).add(
                to_epoch(now), user_id, "incident.reported", incident.code,
                {"incident_id": incident.id, "agency_id": agency_id,
                 "priority": str(incident.priority), "late": incident.late,
                 "files": len(draft.files)})
            if also is not None:
                await also(conn)
        self.after_commit()
        return incident

    async def announce(self, conn: aiosqlite.Connection, incident: Incident,
                       now: datetime) -> None:
        """Tell the on-duty responders (and the admins, for high priority or support asked)
        with «Tiếp nhận», and start the incident's escalation: in the report's transaction.

        The not-taken escalation starts first (deadline: the report time plus the priority's
        `take_within`, its steps frozen); the report itself is its first notice, sent at
        once through the engine (`EscalationService.announce`), so every copy is kept and
        drawn again when someone takes the incident."""
        if self.escalation is None:
            return  # not wired (a unit test of the report alone): nothing to tell
        await self.replan(conn, incident, now)
        targets = {Target.ON_DUTY}
        if incident.priority in ADMINS_TOLD or incident.support_requested:
            targets.add(Target.ADMINS)
        await self.escalation.announce(conn, UNTAKEN, incident.id, targets, to_epoch(now))

    async def replan(self, conn: aiosqlite.Connection, incident: Incident,
                     now: datetime, *, priority_changed: bool = False) -> None:
        """Make the incident's escalations match its state, in the caller's transaction:
        Mới → the not-taken escalation runs (from now, after a release) and no other;
        Đã tiếp nhận / Đang xử lý → the no-progress one runs from the latest progress;
        Đã khắc phục / Đã kết thúc ứng phó → none. A new priority (`priority_changed`)
        replaces the not-taken one's steps with the new policy's, planned from the report
        time, the occurrences already past skipped. Whenever the not-taken one stops, runs
        again or changes, every kept copy of the report and its digests is drawn again
        (who took it, no «Tiếp nhận»; or the button back after a release). Lifecycle moves
        call it after every change; calling it again with nothing changed changes nothing.
        The caller calls `after_commit` once committed."""
        engine = self.escalation
        if engine is None:
            return
        at = to_epoch(now)
        rows = {r.subject_kind: r for r in await EscalationRepository(conn).of_subject(
            UNTAKEN, incident.id) + await EscalationRepository(conn).of_subject(
            NO_PROGRESS, incident.id) if r.agency_id is None}
        untaken, stale = rows.get(UNTAKEN), rows.get(NO_PROGRESS)
        policy = self.policy.incidents[incident.priority]
        skip_within = self.policy.skip_steps_due_within
        status = incident.status
        redraw = priority_changed
        # Stopped, not just finished: a finished one would not tell a release from nothing.
        if status is not IncidentStatus.REPORTED and untaken is not None:
            redraw = redraw or untaken.status != "stopped"
            await engine.stop(conn, UNTAKEN, incident.id, None, f"incident {status}", at,
                              finished_too=True)
        if status not in (IncidentStatus.TAKEN, IncidentStatus.IN_PROGRESS) and stale is not None:
            await engine.stop(conn, NO_PROGRESS, incident.id, None, f"incident {status}", at,
                              finished_too=True)
        if status is IncidentStatus.REPORTED:
            if untaken is None:  # just reported
                await engine.start(conn, UNTAKEN, incident.id, None,
                                   incident.reported_at + policy.take_within, policy.snapshot(),
                                   at, skip_within=skip_within)
            elif untaken.status == "stopped":  # released: nobody has it again, from now
                redraw = True
                await engine.rearm(conn, UNTAKEN, incident.id, now + policy.take_within,
                                   policy.snapshot(), at, skip_within=skip_within)
            elif priority_changed:
                await engine.rearm(conn, UNTAKEN, incident.id,
                                   incident.reported_at + policy.take_within, policy.snapshot(),
                                   at, skip_within=skip_within)
        elif status in (IncidentStatus.TAKEN, IncidentStatus.IN_PROGRESS):
            since = incident.last_progress_at or incident.taken_at or now
            deadline = since + self.settings.incident_progress_within
            if stale is None or stale.status == "stopped" or stale.deadline_at != deadline:
                # Past reminders of an earlier plan are skipped, not fired again at once.
                await engine.rearm(conn, NO_PROGRESS, incident.id, deadline,
                                   no_progress_steps(self.settings.incident_progress_within),
                                   at, skip_within=skip_within)
        if redraw:
            await engine.refresh(conn, UNTAKEN, incident.id, at)

    async def page_unreached(self, incident_id: int) -> bool:
        """A copy of a new incident's report could not be delivered (the bot blocked, the chat
        gone: the person is marked unreachable by then). While nobody has taken it and nobody
        on duty can be reached any more, the report goes to the fallback at once (the lead,
        and the admins, told whom to phone) — not at the policy's next step, hours later.
        Once per incident (every failed part of the report calls this); True if it paged."""
        if self.escalation is None:
            return False
        now = self.clock.now()
        async with self.db.transaction() as conn:
            incident = await IncidentRepository(conn).find(incident_id)
            if incident is None or incident.status is not IncidentStatus.REPORTED:
                return False
            audit = AuditRepository(conn)
            if any(e.subject == incident.code for e in await audit.entries(PAGED_UNREACHED)):
                return False
            people = [p for p in await PeopleRepository(conn).all() if p.active]
            on_duty, _ = await on_duty_people(conn, people, now)
            if any(self.notifier.reachable(p) for p in on_duty):
                return False  # someone on duty has the report
            await audit.add(to_epoch(now), None, PAGED_UNREACHED, incident.code,
                            {"incident_id": incident.id})
            await self.escalation.announce(conn, UNTAKEN, incident.id, {Target.ON_DUTY},
                                           to_epoch(now))
        self.after_commit()
        return True

    async def page_untaken(self) -> int:
        """Someone on duty left (deactivated): every incident nobody has taken yet is paged
        to the fallback at once, as `page_unreached` does, when nobody on duty is left to
        reach. How many were paged."""
        waiting = [i.id for i in await IncidentRepository(self.db.reader).open()
                   if i.status is IncidentStatus.REPORTED]
        return sum([await self.page_unreached(incident_id) for incident_id in waiting])

    def after_commit(self) -> None:
        """After the commit of a change that told someone or called `replan`: send what was
        queued and re-arm the wake-up (the earliest due time may have moved)."""
        self.notifier.flush()
        if self.escalation is not None:
            self.escalation.on_schedule()

    # --- «Tiếp nhận», the priority ------------------------------------------------------------

    async def take(self, user_id: int, incident_id: int) -> TakeResult:
        """A responder takes a new incident: the first becomes its assignee (atomic), on the
        timeline and in the audit log; the not-taken escalation stops, every kept copy of the
        report and of its digests says who took it (no button left), the no-progress one
        starts, the reporter is told. Anyone else is refused and audited; a later tap
        changes nothing and says who took it and when."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            repo = IncidentRepository(conn)
            incident = await repo.find(incident_id)
            if incident is None:
                await self.refusals.add(user_id, "incident.take_refused", f"inc:{incident_id}",
                                        {"why": "no_such_incident"}, conn=conn,
                                        per_subject=False)
                return TakeResult("missing")
            person, who = await self.standing(conn, user_id, incident)
            if Who.RESPONDER not in who:
                ended = person is not None and not person.active and person.has(Role.RESPONDER)
                await self.refusals.add(user_id, "incident.take_refused", incident.code,
                                        {"why": "inactive" if ended else "role"}, conn=conn,
                                        per_subject=False)
                return TakeResult("ended" if ended else "refused", incident)
            assert person is not None
            if not await repo.take(incident.id, person.id, now):
                return await self._not_taken(conn, incident.id, person)
            incident = await repo.get(incident.id)
            await repo.add_event(incident.id, now, EventKind.TAKEN, person.id)
            await AuditRepository(conn).add(to_epoch(now), user_id, "incident.taken",
                                            incident.code, {"incident_id": incident.id})
            await self.replan(conn, incident, now)  # copies drawn again: who took it
            for reporter in await self.reporter_side(conn, incident):
                if (reporter.id == person.id or not reporter.active
                        or not self.notifier.reachable(reporter)):
                    continue
                await self.notifier.send(conn, reporter, Notice(
                    "inc_n_reporter_taken",
                    About(Topic.INCIDENT, incident.id, incident.agency_id, reporter.id),
                    {"code": incident.code, "time": now, "name": person.full_name,
                     "phone": _phone_suffix(person.phone)}), to_epoch(now))
        self.after_commit()
        return TakeResult("taken", incident, person.full_name, now)

    async def _not_taken(self, conn: aiosqlite.Connection, incident_id: int,
                         tapper: Person) -> TakeResult:
        """Someone was first (or the incident moved on): who took it and when."""
        incident = await IncidentRepository(conn).get(incident_id)
        if incident.assignee_id is None or incident.taken_at is None:
            return TakeResult("closed", incident)
        if incident.assignee_id == tapper.id:
            return TakeResult("mine", incident, tapper.full_name, incident.taken_at)
        assignee = await PeopleRepository(conn).get(incident.assignee_id)
        return TakeResult("already", incident, assignee.full_name, incident.taken_at)

    async def change_priority(self, user_id: int, incident_id: int,
                              priority: Severity) -> PriorityResult:
        """A responder or an admin sets the priority (mức ưu tiên): on the timeline (from,
        to), in the audit log; the not-taken escalation re-planned with the new policy, and
        the copies of the report and its digests drawn again with it."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            repo = IncidentRepository(conn)
            incident = await repo.find(incident_id)
            if incident is None:
                await self.refusals.add(user_id, "incident.priority_refused",
                                        f"inc:{incident_id}", {"why": "no_such_incident"},
                                        conn=conn, per_subject=False)
                return PriorityResult("refused")
            person, who = await self.standing(conn, user_id, incident)
            if not who & {Who.RESPONDER, Who.ADMIN}:
                await self.refusals.add(user_id, "incident.priority_refused", incident.code,
                                        {"why": "role"}, conn=conn, per_subject=False)
                return PriorityResult("refused", incident)
            if not may(Move.PRIORITY, incident.status, who):
                return PriorityResult("closed", incident)
            if incident.priority is priority:
                return PriorityResult("unchanged", incident)
            if person is None:  # a super-admin with no record yet
                person = await self._record_for(conn, user_id)
            before = incident.priority
            await repo.update(incident.id, now, priority=priority, priority_derived=False)
            await repo.add_event(incident.id, now, EventKind.PRIORITY, person.id,
                                 details={"from": str(before), "to": str(priority)})
            await AuditRepository(conn).add(to_epoch(now), user_id, "incident.priority",
                                            incident.code, {"incident_id": incident.id,
                                                            "from": str(before),
                                                            "to": str(priority)})
            incident = await repo.get(incident.id)
            await self.replan(conn, incident, now, priority_changed=True)
        self.after_commit()
        return PriorityResult("changed", incident, before)

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

    async def reporter_side(self, conn: aiosqlite.Connection,
                            incident: Incident) -> list[Person]:
        """Who is told of every change of an incident on the reporting side."""
        return await _reporter_side(conn, incident)

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


async def _reporter_side(conn: aiosqlite.Connection, incident: Incident) -> list[Person]:
    """Who filed it, and every active liaison of the reporting agency (once each): an
    agency reports, not a person, so all of them are told of every change."""
    people = PeopleRepository(conn)
    out = [await people.get(incident.reporter_id)]
    out += [p for p in await people.of_agency(incident.agency_id)
            if p.has(Role.LIAISON) and p.active and p.id != incident.reporter_id]
    return out


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


def _phone_suffix(phone: str | None) -> str:
    """" (0912 345 678)" after a name, or nothing."""
    shown = display_phone(phone) if phone else None
    return f" ({shown})" if shown else ""
