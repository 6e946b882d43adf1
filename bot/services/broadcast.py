"""Broadcasting directives: recipients, the copies of one send, tallies, later changes."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import aiosqlite

from bot.clock import Clock, from_epoch, to_epoch
from bot.domain.audience import contacts, is_recipient, rank_order
from bot.domain.directives import (
    Acknowledgement,
    AgencyAckState,
    Delivery,
    DeliveryStatus,
    Directive,
    DirectiveStatus,
    Tally,
    Urgency,
    agency_state,
    parse_deadline,
    parse_issued_on,
)
from bot.domain.errors import InvalidInput
from bot.domain.escalation import Reached, SubjectKind, level, rounds
from bot.domain.figures import AckFigures, ack_figures
from bot.domain.models import Agency, Group, Person, Role
from bot.domain.notices import (
    DIRECTIVE_KINDS,
    About,
    Account,
    Action,
    Notice,
    Topic,
    Under,
    copy_actions,
    status_actions,
)
from bot.domain.when import Moment, Reading, as_shown
from bot.services.directive_escalations import rewrite_reminders
from bot.services.escalation import EscalationService
from bot.services.ports import InCommit, Notifier
from bot.storage.agencies import AgencyRepository, GroupRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.storage.escalations import EscalationRepository
from bot.storage.people import PeopleRepository
from config.policy import PolicyFile
from config.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Draft:
    """What the /broadcast conversation has collected so far (nothing is stored until sent)."""

    urgency: Urgency | None = None
    number: str | None = None
    issued_on: date | None = None  # ngày ban hành
    issuer: str | None = None
    summary: str | None = None
    body: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    file_kind: str | None = None
    agency_ids: set[int] = field(default_factory=set)
    ack_deadline_at: datetime | None = None
    report_deadline_at: datetime | None = None
    drill: bool = False  # diễn tập: bannered on every message, kept out of real figures


@dataclass(frozen=True)
class Recipient:
    agency: Agency
    liaisons: list[Person]  # reachable, activated, active liaisons: the ones we send to


@dataclass(frozen=True)
class Audience:
    recipients: list[Recipient]

    @property
    def agency_count(self) -> int:
        return len(self.recipients)

    @property
    def people_count(self) -> int:
        return sum(len(r.liaisons) for r in self.recipients)

    @property
    def unreachable(self) -> list[Agency]:
        return [r.agency for r in self.recipients if not r.liaisons]


@dataclass(frozen=True)
class AgencyRow:
    agency: Agency
    state: AgencyAckState
    primary: Person | None  # the first of `liaisons`
    level: Reached | None = None  # how far its escalation has climbed
    ack: Acknowledgement | None = None
    acker: str | None = None  # who acknowledged (for a phone one: the admin who recorded it)
    liaisons: tuple[Person, ...] = ()  # whom to call: those the directive reaches, primary first


@dataclass(frozen=True)
class ReportRow:
    """An agency's result reports: the first, and how many supplements followed."""

    agency: Agency
    name: str  # who sent the first
    first_at: datetime
    late: bool
    text: str | None
    files: int
    supplements: int = 0
    last_at: datetime | None = None  # the latest supplement


@dataclass(frozen=True)
class Overview:
    """What a directive's status message shows: counts, every agency, the result reports."""

    directive: Directive
    tally: Tally
    rows: list[AgencyRow]
    reports: list[ReportRow]  # agencies that reported, first report first
    read_at: datetime  # when these figures were read ("Số liệu lúc …", what is overdue)

    @property
    def waiting(self) -> list[AgencyRow]:
        """Still to confirm, and reachable on the bot: whom to call first."""
        return [r for r in self.rows if r.state is AgencyAckState.PENDING]

    @property
    def unreached(self) -> list[AgencyRow]:
        """Still to confirm, with nobody on the bot to receive it."""
        return [r for r in self.rows if r.state is AgencyAckState.UNREACHABLE]

    @property
    def figures(self) -> AckFigures:
        """Acknowledgement rate and times to confirm, over every recipient agency."""
        return ack_figures(self.directive.created_at, (r.agency.id for r in self.rows),
                           {r.agency.id: r.ack.acked_at for r in self.rows if r.ack is not None})

    @property
    def by_phone(self) -> list[AgencyRow]:
        return [r for r in self.rows if r.ack is not None and r.ack.via == "phone"]

    @property
    def reports_due(self) -> bool:
        return self.directive.report_deadline_at is not None or bool(self.reports)

    @property
    def supplements(self) -> int:
        return sum(r.supplements for r in self.reports)

    def actions(self) -> tuple[Action, ...]:
        """The status message's buttons: the lists behind it, «Cập nhật», the changes."""
        reports = (len(self.reports), self.tally.agencies_total) if self.reports_due else None
        return status_actions(self.directive, unreached=len(self.unreached),
                              waiting=len(self.waiting), reports=reports)


@dataclass(frozen=True)
class Owed:
    """A directive the liaison's agency still owes something for (/pending), and the copy its
    buttons act on (None: the agency has no copy to act on)."""

    directive: Directive
    delivery_id: int | None


@dataclass(frozen=True)
class Pending:
    """/pending: what the liaison's agency has to acknowledge, then what it still owes a
    result report for."""

    agency: Agency
    to_ack: list[Owed]
    to_report: list[Owed]


ACK = SubjectKind.DIRECTIVE_ACK
RESULT = SubjectKind.DIRECTIVE_RESULT


class BroadcastService:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, policy: PolicyFile,
        notifier: Notifier, escalation: EscalationService,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.policy = policy
        self.notifier = notifier
        self.escalation = escalation
        self.board = StatusBoard(self)

    # --- choosing recipients ------------------------------------------------------------------

    async def audience(self, draft: Draft) -> Audience:
        conn = self.db.reader
        agencies = {a.id: a for a in await AgencyRepository(conn).all() if a.active}
        chosen = set(draft.agency_ids) & set(agencies)
        by_agency: dict[int, list[Person]] = {}
        for person in await PeopleRepository(conn).all():
            if person.agency_id in chosen and is_recipient(person):
                by_agency.setdefault(person.agency_id, []).append(person)
        recipients = [
            Recipient(agencies[a], sorted(by_agency.get(a, []), key=rank_order))
            for a in sorted(chosen, key=lambda a: agencies[a].name)
        ]
        return Audience(recipients)

    async def inactive_of(self, agency_ids: Collection[int]) -> list[Agency]:
        """Of `agency_ids`, the agencies deactivated (by name): a draft's choice that a
        send would now leave out."""
        if not agency_ids:
            return []
        agencies = await AgencyRepository(self.db.reader).by_ids(sorted(agency_ids))
        return sorted((a for a in agencies.values() if not a.active), key=lambda a: a.name)

    async def catalog(self) -> tuple[list[Group], list[Agency]]:
        """Active agencies (by name) and the groups that contain any of them."""
        conn = self.db.reader
        agencies = sorted((a for a in await AgencyRepository(conn).all() if a.active),
                          key=lambda a: a.name)
        active = {a.id for a in agencies}
        groups = [Group(g.id, g.code, g.name, g.agency_ids & active)
                  for g in await GroupRepository(conn).all() if g.agency_ids & active]
        return groups, agencies

    def preview_directive(self, draft: Draft, admin_user_id: int) -> Directive:
        """The directive as it would be sent now (not stored), to render the preview."""
        assert draft.urgency and draft.number and draft.issuer and draft.summary
        now = self.clock.now()
        return Directive(
            id=0, number=draft.number, issuer=draft.issuer, summary=draft.summary,
            urgency=draft.urgency, body=draft.body, file_id=draft.file_id,
            file_name=draft.file_name, file_kind=draft.file_kind,
            ack_deadline_at=draft.ack_deadline_at or self.default_deadline(draft.urgency),
            report_deadline_at=draft.report_deadline_at, created_by=admin_user_id,
            created_at=now, issued_on=draft.issued_on, drill=draft.drill,
        )

    def today(self) -> date:
        """Today's date where the province is (the "Hôm nay" of the date of issue)."""
        return self.clock.now().astimezone(self.settings.tz).date()

    def parse_issued_on(self, text: str) -> date:
        """A date of issue as typed (`30/8/2022`, `hôm nay`): not in the future, not absurd."""
        return parse_issued_on(text, self.today())

    def parse_deadline(self, text: str) -> Moment:
        """A deadline as people type it (`17h`, `17:00 25/11`, `45 phút`, `+2h`), from now."""
        return parse_deadline(text, self.clock.now(), self.settings.tz)

    def parse_report_deadline(self, text: str, draft: Draft) -> Moment:
        """A result-report deadline as typed: ahead, and not before the acknowledgement's."""
        report = self.parse_deadline(text)
        assert draft.urgency is not None
        self._check_report_deadline(
            report.at, draft.ack_deadline_at or self.default_deadline(draft.urgency),
            self.clock.now())
        return report

    def parse_extension(self, text: str, directive: Directive) -> Moment:
        """A new acknowledgement deadline as typed (or a quick choice's label): ahead, and
        after the directive's current one."""
        moment = self.parse_deadline(text)
        self._check_extension(moment.at, directive)
        return moment

    def default_extension(self, directive: Directive) -> Moment:
        """The urgency's default window from now, as an extension (after the current one)."""
        at = self.default_deadline(directive.urgency)
        self._check_extension(at, directive)
        return Moment(at, Reading.DURATION)

    def _check_extension(self, at: datetime, directive: Directive) -> None:
        self.check_extension(directive, at)

    def _check_report_deadline(self, report_at: datetime, ack_at: datetime,
                               now: datetime) -> None:
        if report_at <= now:
            raise InvalidInput("bc_report_deadline_past", deadline=report_at)
        if report_at < ack_at:
            raise InvalidInput("bc_report_before_ack", report=report_at, deadline=ack_at)

    def now(self) -> datetime:
        return self.clock.now()

    def default_deadline(self, urgency: Urgency) -> datetime:
        return self.clock.now() + self.policy.ack_window(urgency)

    # --- sending --------------------------------------------------------------------------------

    async def send(self, admin_user_id: int, draft: Draft, *, also: InCommit | None = None
                   ) -> tuple[Directive, Audience]:
        """Store the directive and queue one delivery per reachable liaison, in one transaction
        (with `also`, the caller's own part of it)."""
        if not (draft.urgency and draft.number and draft.issuer and draft.summary):
            raise InvalidInput("bc_incomplete")
        if not (draft.body or draft.file_id):
            raise InvalidInput("bc_incomplete")
        audience = await self.audience(draft)
        if not audience.recipients:
            raise InvalidInput("bc_no_recipients")
        now = self.clock.now()
        deadline = draft.ack_deadline_at or self.default_deadline(draft.urgency)
        if deadline <= now:
            raise InvalidInput("bc_deadline_past", text=deadline)
        # Checked again: time passes on the preview, and the default deadline moves with it.
        if draft.report_deadline_at is not None:
            self._check_report_deadline(draft.report_deadline_at, deadline, now)
        async with self.db.transaction() as conn:
            repo = DirectiveRepository(conn)
            directive_id = await repo.insert({
                "number": draft.number, "issuer": draft.issuer, "summary": draft.summary,
                "urgency": str(draft.urgency), "issued_on": draft.issued_on,
                "body": draft.body, "file_id": draft.file_id,
                "file_name": draft.file_name, "file_kind": draft.file_kind,
                "ack_deadline_at": to_epoch(deadline),
                "report_deadline_at": to_epoch(draft.report_deadline_at)
                if draft.report_deadline_at else None,
                "created_by": admin_user_id, "created_at": to_epoch(now),
                "drill": draft.drill,
            })
            await repo.add_agencies(directive_id, [r.agency.id for r in audience.recipients])
            if also is not None:
                await also(conn)
            directive = await repo.get(directive_id)
            await self._queue_copies(conn, directive, audience, to_epoch(now))
            await self._escalate(conn, directive, [r.agency.id for r in audience.recipients],
                                 {a.id for a in audience.unreachable}, to_epoch(now))
            await self._report_no_liaison(conn, admin_user_id, directive, audience,
                                          to_epoch(now))
            await AuditRepository(conn).add(
                to_epoch(now), admin_user_id, "directive.sent", directive.number,
                {"directive_id": directive_id, "agencies": audience.agency_count,
                 "people": audience.people_count,
                 "unreachable": [a.code for a in audience.unreachable],
                 "drill": directive.drill},
            )
        self.notifier.flush()
        self.escalation.on_schedule()
        unreached = [a.code for a in audience.unreachable]
        log.info("directive %s (%s) sent to %d people of %d agencies%s", directive.number,
                 directive.urgency, audience.people_count, audience.agency_count,
                 f"; nobody on the bot for {len(unreached)} "
                 f"agenc{'y' if len(unreached) == 1 else 'ies'}: {', '.join(unreached)}"
                 if unreached else "")
        return directive, audience

    async def _escalate(self, conn: aiosqlite.Connection, d: Directive, agency_ids: list[int],
                        unreachable_ids: set[int], now: int) -> None:
        """Freeze the urgency's steps for every agency; one for the result report if due.
        Steps already due (within `skip_steps_due_within`) are skipped, not fired with the
        directive; agencies nobody can be reached at are paged at once if the policy says so."""
        steps = self.policy.directives[d.urgency].snapshot()
        result_steps = self.policy.results.snapshot()
        skip_within = self.policy.skip_steps_due_within
        for agency_id in agency_ids:
            await self.escalation.start(conn, ACK, d.id, agency_id, d.ack_deadline_at, steps,
                                        now, unreachable=agency_id in unreachable_ids,
                                        skip_within=skip_within)
            if d.report_deadline_at is not None:
                # Nobody there received it: not "overdue" for the report either.
                await self.escalation.start(conn, RESULT, d.id, agency_id,
                                            d.report_deadline_at, result_steps, now,
                                            unreachable=agency_id in unreachable_ids,
                                            skip_within=skip_within)
        if unreachable_ids and self.policy.pages_no_liaison(d.urgency):
            await self.escalation.page_no_liaison(conn, ACK, d.id, unreachable_ids, now)

    async def _report_no_liaison(self, conn: aiosqlite.Connection, admin_user_id: int,
                                 d: Directive, audience: Audience, now: int) -> None:
        """The sender hears at once, in one message, which agencies the directive cannot
        reach (nobody reachable on the bot): a setup problem to phone about, with phones."""
        if not audience.unreachable:
            return
        paged = self.policy.pages_no_liaison(d.urgency)
        team = await self.escalation.team_paged(conn, from_epoch(now)) if paged else []
        await self.notifier.send(conn, Account(admin_user_id), Notice(
            "directive_no_liaison", About(Topic.DIRECTIVE, d.id),
            {"directive": d, "agencies": audience.unreachable, "paged": paged,
             "team": [p.full_name for p in team]}), now)

    async def _queue_copies(
        self, conn: aiosqlite.Connection, d: Directive, audience: Audience, now: int
    ) -> None:
        repo = DirectiveRepository(conn)
        for recipient in audience.recipients:
            for person in recipient.liaisons:
                assert person.chat_id is not None
                delivery_id = await repo.insert_delivery(
                    d.id, recipient.agency.id, person.id, person.chat_id, now)
                copy = Delivery(delivery_id, d.id, recipient.agency.id, person.id,
                                person.chat_id, DeliveryStatus.QUEUED)
                await self.notifier.send_copy(conn, copy, Notice(
                    "directive_copy", About(Topic.DIRECTIVE, d.id, copy.agency_id, person.id),
                    {"directive": d}, copy_actions(d, delivery_id, acked=False)), now)

    async def catch_up(self, conn: aiosqlite.Connection, person: Person, now: int) -> list[int]:
        """Queue late copies ("Gửi bổ sung") for a liaison who just joined or became reachable:
        every directive of their agency not recalled and not yet acknowledged, or acknowledged
        with its result report still due, unless they already have a copy; each followed by
        the corrections sent so far. Runs in the caller's transaction; returns the ids."""
        if not is_recipient(person) or person.agency_id is None or person.chat_id is None:
            return []
        agency = await AgencyRepository(conn).get(person.agency_id)
        if not agency.active:
            return []
        repo = DirectiveRepository(conn)
        queued: list[int] = []
        open_ = await repo.pending_for_agency(agency.id) + await repo.report_due_for_agency(
            agency.id)
        for d in open_:
            existing = await repo.delivery_of(d.id, person.id)
            if existing is not None and existing.status in (DeliveryStatus.SENT,
                                                            DeliveryStatus.QUEUED):
                # They have it, or it is on its way: the agency is reachable again all the same.
                await EscalationRepository(conn).mark_reachable((ACK, RESULT), d.id, agency.id,
                                                                now)
                continue
            if existing is not None:
                delivery_id = existing.id
                await repo.requeue_delivery(delivery_id, person.chat_id, now)
            else:
                delivery_id = await repo.insert_delivery(
                    d.id, agency.id, person.id, person.chat_id, now, late=True)
            copy = Delivery(delivery_id, d.id, agency.id, person.id, person.chat_id,
                            DeliveryStatus.QUEUED, late=True)
            about = About(Topic.DIRECTIVE, d.id, agency.id, person.id)
            ack = await repo.ack_of(d.id, agency.id)
            # Only the report due: the copy says who acknowledged.
            acker = (await PeopleRepository(conn).get(ack.person_id)).full_name if ack else None
            await self.notifier.send_copy(conn, copy, Notice(
                "directive_copy", about,
                {"directive": d, "late": True, "now": from_epoch(now), "ack": ack,
                 "acker": acker},
                copy_actions(d, delivery_id, acked=ack is not None)), now)
            # The corrections the other copies got follow, in order, under this copy.
            for correction in await repo.corrections(d.id):
                await self.notifier.send(conn, copy, self._correction_notice(
                    d, correction, about, copy), now)
            # The agency is reachable now: its escalation no longer says it is not.
            await EscalationRepository(conn).mark_reachable((ACK, RESULT), d.id, agency.id,
                                                                now)
            await AuditRepository(conn).add(
                now, person.telegram_user_id, "directive.late_delivery", d.number,
                {"directive_id": d.id, "agency": agency.code, "person_id": person.id})
            queued.append(d.id)
        return queued

    def caught_up(self, directive_ids: list[int]) -> None:
        """After `catch_up` committed: send, and refresh the senders' status messages."""
        if directive_ids:
            self.notifier.flush()
            for directive_id in directive_ids:
                self.board.touch(directive_id)

    # --- reading --------------------------------------------------------------------------------

    async def tally(self, directive_id: int) -> tuple[Directive, Tally]:
        conn = self.db.reader
        repo = DirectiveRepository(conn)
        d = await repo.get(directive_id)
        deliveries = await repo.deliveries(directive_id)
        acks = await repo.acks(directive_id)
        agency_ids = await repo.agency_ids(directive_id)
        tally = Tally(people_total=len(deliveries), agencies_total=len(agency_ids))
        unreachable_ids: list[int] = []
        by_agency: dict[int, list[str]] = {}
        for dl in deliveries:
            by_agency.setdefault(dl.agency_id, []).append(dl.status)
            if dl.status is DeliveryStatus.SENT:
                tally.sent += 1
            elif dl.status is DeliveryStatus.QUEUED:
                tally.queued += 1
            elif dl.status is DeliveryStatus.FAILED:
                tally.failed += 1
            else:
                tally.blocked += 1
        for agency_id in agency_ids:
            state = agency_state(acks.get(agency_id), by_agency.get(agency_id, []))
            if state is AgencyAckState.ACKED:
                tally.acked += 1
            elif state is AgencyAckState.ACKED_LATE:
                tally.acked_late += 1
            elif state is AgencyAckState.UNREACHABLE:
                tally.unreachable += 1
                unreachable_ids.append(agency_id)
            else:
                tally.pending += 1
        if unreachable_ids:
            names = await AgencyRepository(conn).by_ids(unreachable_ids)
            tally.unreachable_names = sorted(a.name for a in names.values())
        levels = await self.escalation_levels(directive_id)
        # Urged ("đôn đốc"), not merely reminded ("nhắc hạn").
        tally.escalated = sum(1 for a in agency_ids
                              if a in levels and levels[a].number > 0 and a not in acks)
        return d, tally

    async def agency_rows(self, directive_id: int) -> list[AgencyRow]:
        """Each recipient agency with its state and the liaisons to call (for /status)."""
        conn = self.db.reader
        repo = DirectiveRepository(conn)
        deliveries = await repo.deliveries(directive_id)
        acks = await repo.acks(directive_id)
        agencies = {a.id: a for a in await AgencyRepository(conn).all()}
        people = await PeopleRepository(conn).all()
        statuses: dict[int, list[str]] = {}
        for dl in deliveries:
            statuses.setdefault(dl.agency_id, []).append(dl.status)
        levels = await self.escalation_levels(directive_id)
        names = {p.id: p.full_name for p in people}
        rows = []
        for agency_id in await repo.agency_ids(directive_id):
            liaisons = contacts(people, agency_id)
            ack = acks.get(agency_id)
            rows.append(AgencyRow(agencies[agency_id],
                                  agency_state(ack, statuses.get(agency_id, [])),
                                  liaisons[0] if liaisons else None, levels.get(agency_id),
                                  ack, names.get(ack.person_id) if ack else None,
                                  tuple(liaisons)))
        return rows

    async def overview(self, directive_id: int) -> Overview:
        """Everything the status message shows, read now."""
        d, tally = await self.tally(directive_id)
        rows = await self.agency_rows(directive_id)
        return Overview(d, tally, rows, await self._reports(d, {r.agency.id: r.agency
                                                                 for r in rows}),
                        self.clock.now())

    async def _reports(self, d: Directive, agencies: dict[int, Agency]) -> list[ReportRow]:
        conn = self.db.reader
        names = {p.id: p.full_name for p in await PeopleRepository(conn).all()}
        first: dict[int, ReportRow] = {}
        for r in await DirectiveRepository(conn).result_reports(d.id):
            at, agency_id = from_epoch(r["created_at"]), r["agency_id"]
            seen = first.get(agency_id)
            if seen is not None:
                first[agency_id] = replace(seen, supplements=seen.supplements + 1, last_at=at)
            elif agency_id in agencies:
                late = d.report_deadline_at is not None and at > d.report_deadline_at
                first[agency_id] = ReportRow(agencies[agency_id], names.get(r["person_id"], "—"),
                                             at, late, r["text"], len(r["files"]))
        return list(first.values())

    async def escalation_levels(self, directive_id: int) -> dict[int, Reached]:
        """Per agency still awaited: the escalation step reached."""
        rows = await EscalationRepository(self.db.reader).of_subject(ACK, directive_id)
        out: dict[int, Reached] = {}
        for row in rows:
            if row.status == "stopped" or row.agency_id is None:
                continue
            reached = level(row.steps, row.done, row.skipped)
            if reached is None:
                continue
            _, step = reached
            done, total = rounds(row.steps, row.done, row.skipped)
            out[row.agency_id] = Reached(done, total, step.targets, row.handled_by is not None)
        return out

    async def recent(self, limit: int = 8) -> list[tuple[Directive, Tally]]:
        return [await self.tally(d.id) for d in await DirectiveRepository(self.db.reader).recent(limit)]

    async def touch_deadlines_passed(self, since: datetime, until: datetime) -> None:
        """Status messages of directives whose deadline passed in (since, until] now say so."""
        async with self.db.reader.execute(
            "SELECT id FROM directives WHERE status = 'active' AND ack_deadline_at > ?"
            " AND ack_deadline_at <= ? AND status_message_id IS NOT NULL",
            (to_epoch(since), to_epoch(until))) as cur:
            for row in await cur.fetchall():
                self.board.touch(row[0])

    async def get(self, directive_id: int) -> Directive:
        return await DirectiveRepository(self.db.reader).get(directive_id)

    async def find(self, number: str) -> Directive | None:
        """The latest directive with this number, typed as it shows (spaces, a pasted dash or
        full-width digits read as /broadcast reads them)."""
        return await DirectiveRepository(self.db.reader).latest_by_number(
            re.sub(r"\s+", "", as_shown(number)))

    async def pending_for(self, user_id: int) -> Pending | None:
        """What the liaison's agency has to acknowledge, and what it acknowledged and still
        owes a result report for; None if the caller is no active liaison of an agency."""
        person = await PeopleRepository(self.db.reader).by_telegram_id(user_id)
        if (person is None or not person.active or not person.has(Role.LIAISON)
                or person.agency_id is None):
            return None
        agency = await AgencyRepository(self.db.reader).get(person.agency_id)
        repo = DirectiveRepository(self.db.reader)

        async def owed(found: list[Directive]) -> list[Owed]:
            return [Owed(d, await repo.delivery_for(d.id, agency.id, person.id)) for d in found]

        return Pending(agency, await owed(await repo.pending_for_agency(agency.id)),
                       await owed(await repo.report_due_for_agency(agency.id)))

    async def attach_status_message(self, directive_id: int, chat_id: int, message_id: int) -> None:
        async with self.db.transaction() as conn:
            await DirectiveRepository(conn).set_status_message(directive_id, chat_id, message_id)

    # --- after sending ------------------------------------------------------------------------

    @staticmethod
    def check_extension(d: Directive, deadline: datetime) -> None:
        """A new acknowledgement deadline: later than the current one, and not after the result
        report's (the rule /broadcast keeps: the report is not due before the receipt)."""
        if deadline <= d.ack_deadline_at:
            raise InvalidInput("adm_extend_earlier", deadline=d.ack_deadline_at)
        if d.report_deadline_at is not None and deadline > d.report_deadline_at:
            raise InvalidInput("adm_extend_after_report", deadline=deadline,
                               report=d.report_deadline_at)

    async def extend(self, admin_user_id: int, directive_id: int, deadline: datetime) -> Directive:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            repo = DirectiveRepository(conn)
            d = await self._active(repo, directive_id)
            if deadline <= now:
                raise InvalidInput("bc_deadline_past", text=deadline)
            self.check_extension(d, deadline)
            await repo.set_deadline(directive_id, to_epoch(deadline))
            await self.escalation.reschedule(conn, ACK, directive_id, deadline, to_epoch(now))
            d = await repo.get(directive_id)
            # Earlier reminders show the new deadline (confirming is still due: ✅ stays);
            # digests say the round is moot. Agencies that confirmed keep what theirs say.
            await rewrite_reminders(conn, self.notifier, d, (ACK,),
                                    ("esc_reminder_extended", {"deadline": deadline}),
                                    lambda dl: copy_actions(d, dl.id, acked=False),
                                    to_epoch(now), skip=set(await repo.acks(d.id)))
            await self.escalation.refresh(conn, ACK, directive_id, to_epoch(now))
            await self._notify_all(conn, d, "notice_extended", {
                "directive": d, "summary": d.summary, "deadline": deadline}, to_epoch(now))
            await AuditRepository(conn).add(to_epoch(now), admin_user_id, "directive.extended",
                                            d.number, {"directive_id": d.id,
                                                       "deadline": to_epoch(deadline)})
        self.notifier.flush()
        self.escalation.on_schedule()
        self.board.touch(directive_id)
        return d

    async def correct(self, admin_user_id: int, directive_id: int, text: str, *,
                      also: InCommit | None = None) -> Directive:
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            repo = DirectiveRepository(conn)
            d = await self._active(repo, directive_id)
            await repo.add_correction(d.id, text, admin_user_id, now)
            if also is not None:
                await also(conn)
            await self._notify_all(conn, d, "notice_correction", {
                "directive": d, "summary": d.summary, "text": text}, now)
            await AuditRepository(conn).add(now, admin_user_id, "directive.corrected", d.number,
                                            {"directive_id": d.id, "text": text})
        self.notifier.flush()
        return d

    async def recall(self, admin_user_id: int, directive_id: int) -> Directive:
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            repo = DirectiveRepository(conn)
            d = await self._active(repo, directive_id)
            await repo.recall(directive_id, now)
            # Copies and notices not yet sent are dropped: nobody needs a withdrawn directive.
            dropped = await self.notifier.cancel(conn, DIRECTIVE_KINDS, directive_id,
                                                 "recalled", now)
            for kind in (ACK, RESULT):  # a recalled directive stops escalating
                await self.escalation.stop(conn, kind, directive_id, None, "recalled", now)
            d = await repo.get(directive_id)
            # Earlier reminders lose their buttons and say why; digests say it on top.
            await rewrite_reminders(conn, self.notifier, d, (ACK, RESULT),
                                    ("esc_reminder_recalled",
                                     {"time": d.recalled_at or self.clock.now()}),
                                    lambda dl: (), now)
            for kind in (ACK, RESULT):
                await self.escalation.refresh(conn, kind, directive_id, now)
            await self._notify_all(conn, d, "notice_recalled", {
                "directive": d, "summary": d.summary,
                "time": d.recalled_at or self.clock.now()}, now)
            for dl in await repo.deliveries(directive_id):
                if dl.status in (DeliveryStatus.SENT, DeliveryStatus.QUEUED):
                    await self.notifier.edit_copy(conn, dl, Notice(
                        "directive_recalled", About(Topic.DIRECTIVE, d.id, dl.agency_id,
                                                    dl.person_id),
                        {"directive": d}), now)
            await AuditRepository(conn).add(now, admin_user_id, "directive.recalled", d.number,
                                            {"directive_id": d.id, "dropped": len(dropped)})
        self.notifier.flush(dropped)
        self.board.touch(directive_id)
        return d

    @staticmethod
    def _correction_notice(d: Directive, text: str, about: About, copy: Delivery) -> Notice:
        return Notice("notice_correction", about,
                      {"directive": d, "summary": d.summary, "text": text},
                      under=Under(copy))

    async def _active(self, repo: DirectiveRepository, directive_id: int) -> Directive:
        d = await repo.get(directive_id)
        if d.status is not DirectiveStatus.ACTIVE:
            raise InvalidInput("bc_already_recalled", directive=d)
        return d

    async def _notify_all(self, conn: aiosqlite.Connection, d: Directive, key: str,
                          values: dict[str, object], now: int) -> None:
        """One notice to every person the directive went to (once per chat), under their copy."""
        seen: set[int] = set()
        active = {p.id for p in await PeopleRepository(conn).all() if p.active}
        for dl in await DirectiveRepository(conn).deliveries(d.id):
            # Only to those the directive reached or is reaching, and who are still here.
            if (dl.chat_id in seen or dl.person_id not in active
                    or dl.status not in (DeliveryStatus.SENT, DeliveryStatus.QUEUED)):
                continue
            seen.add(dl.chat_id)
            await self.notifier.send(conn, dl, Notice(
                key, About(Topic.DIRECTIVE, d.id, dl.agency_id, dl.person_id), values,
                under=Under(dl)), now)


class StatusBoard:
    """Keeps each sender's status message true, edited at most every `interval` seconds."""

    def __init__(self, service: BroadcastService, interval: float = 3.0) -> None:
        self.service = service
        self.interval = interval
        self._last: dict[int, float] = {}
        self._pending: dict[int, asyncio.TimerHandle] = {}
        self._running: set[asyncio.Task[None]] = set()
        self._closed = False

    def touch(self, directive_id: int) -> None:
        """Something changed: schedule one refresh, no sooner than `interval` after the last."""
        if directive_id in self._pending or self._closed:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        delay = max(0.0, self._last.get(directive_id, -1e9) + self.interval - loop.time())
        self._pending[directive_id] = loop.call_later(delay, self._start, directive_id)

    def _start(self, directive_id: int) -> None:
        task = asyncio.get_running_loop().create_task(self._flush(directive_id))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def close(self) -> None:
        """At shutdown, before the database closes: run the refreshes still waiting, now."""
        self._closed = True
        for directive_id, handle in list(self._pending.items()):
            handle.cancel()
            self._start(directive_id)
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _flush(self, directive_id: int) -> None:
        loop = asyncio.get_running_loop()
        self._pending.pop(directive_id, None)
        self._last[directive_id] = loop.time()
        try:
            d = await self.service.get(directive_id)
            if d.status_chat_id is None or d.status_message_id is None:
                return  # nobody to show it to: spare the counting
            ov = await self.service.overview(directive_id)
            now = ov.read_at
            notifier = self.service.notifier
            async with self.service.db.transaction() as conn:
                await notifier.edit_status(conn, ov.directive, Notice(
                    "directive_status", About(Topic.DIRECTIVE_STATUS, directive_id),
                    {"overview": ov, "now": now}, ov.actions()), to_epoch(now))
            notifier.flush()
        except Exception:
            log.exception("could not refresh the status of directive %s", directive_id)

