"""Acknowledgements: the first liaison's tap acknowledges for the agency, exactly once."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.directives import Acknowledgement, DeliveryStatus, Directive, DirectiveStatus
from bot.domain.escalation import SubjectKind
from bot.domain.models import Agency, Person
from bot.domain.notices import About, Notice, Topic, copy_actions
from bot.services.access import RefusalLog
from bot.services.broadcast import StatusBoard
from bot.services.directive_escalations import rewrite_reminders
from bot.services.escalation import EscalationService
from bot.services.ports import Cancelled, Notifier
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.storage.people import PeopleRepository

# What an agency's acknowledgement drops: its reminders not yet sent (both kinds, as before).
# An acknowledgement makes the agency's unsent acknowledgement reminders moot; a result
# reminder stays (the report is still owed).
REMINDER_KINDS = (SubjectKind.DIRECTIVE_ACK,)


class AckStatus(enum.StrEnum):
    RECORDED = "recorded"   # this tap acknowledged for the agency
    ALREADY = "already"     # someone of the agency acknowledged earlier
    REFUSED = "refused"     # not a liaison of the addressed agency, or forged data
    ENDED = "ended"         # the tapper's access ended (marked inactive): refused too
    RECALLED = "recalled"   # the directive was withdrawn


@dataclass(frozen=True)
class AckResult:
    status: AckStatus
    directive: Directive | None = None
    agency: Agency | None = None
    ack: Acknowledgement | None = None
    acker: Person | None = None


class AckService:
    def __init__(self, db: Database, clock: Clock, notifier: Notifier,
                 escalation: EscalationService, board: StatusBoard,
                 refusals: RefusalLog | None = None) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.escalation = escalation
        self.board = board
        self.refusals = refusals or RefusalLog(db, clock)

    async def acknowledge(self, user_id: int, delivery_id: int) -> AckResult:
        """Record the tap (committed before this returns) and queue the edits it causes."""
        async with self.db.transaction() as conn:
            repo = DirectiveRepository(conn)
            person = await PeopleRepository(conn).by_telegram_id(user_id)
            delivery = await repo.addressed_to(delivery_id, person)
            if delivery is None or person is None:
                await self.refusals.add(
                    user_id, "ack.refused", f"ack:{delivery_id}",
                    {"person_agency": person.agency_id if person else None},
                    conn=conn, per_subject=False)
                ended = person is not None and not person.active
                return AckResult(AckStatus.ENDED if ended else AckStatus.REFUSED)
            directive = await repo.get(delivery.directive_id)
            agency = await AgencyRepository(conn).get(delivery.agency_id)
            if directive.status is DirectiveStatus.RECALLED:
                return AckResult(AckStatus.RECALLED, directive, agency)
            result, dropped = await self._record(conn, directive, agency, person, user_id,
                                                 "telegram")
        self.after(result, dropped)
        return result

    async def acknowledge_with_report(self, conn: aiosqlite.Connection, directive: Directive,
                                      agency: Agency, person: Person, user_id: int,
                                      report_id: int) -> tuple[AckResult, Cancelled]:
        """A result report implies receipt: inside the report's transaction (the caller
        checked the liaison), the agency's acknowledgement if it had none, marked as coming
        from the report. The caller calls `after` once committed."""
        return await self._record(conn, directive, agency, person, user_id, "report",
                                  report_id=report_id)

    async def acknowledge_by_phone(self, admin_user_id: int, directive_id: int,
                                   agency_id: int) -> AckResult:
        """An admin records that the agency acknowledged by phone or on paper (the caller
        checked the admin role); the same path as a tap, with how it came in."""
        async with self.db.transaction() as conn:
            directive, agency = await self._phone_subject(conn, admin_user_id, directive_id,
                                                          agency_id)
            admin = await PeopleRepository(conn).by_telegram_id(admin_user_id)
            if directive is None or agency is None or admin is None:
                return AckResult(AckStatus.REFUSED)
            if directive.status is DirectiveStatus.RECALLED:
                return AckResult(AckStatus.RECALLED, directive, agency)
            result, dropped = await self._record(conn, directive, agency, admin, admin_user_id,
                                                 "phone")
        self.after(result, dropped)
        return result

    async def phone_subject(self, admin_user_id: int, directive_id: int,
                            agency_id: int) -> tuple[Directive, Agency] | None:
        """The directive and the agency it was addressed to; None (audited) if not so."""
        async with self.db.transaction() as conn:
            directive, agency = await self._phone_subject(conn, admin_user_id, directive_id,
                                                          agency_id)
        return (directive, agency) if directive is not None and agency is not None else None

    async def _phone_subject(self, conn: aiosqlite.Connection, admin_user_id: int,
                             directive_id: int, agency_id: int
                             ) -> tuple[Directive | None, Agency | None]:
        repo = DirectiveRepository(conn)
        if agency_id in await repo.agency_ids(directive_id):
            return await repo.get(directive_id), await AgencyRepository(conn).get(agency_id)
        await AuditRepository(conn).add(
            to_epoch(self.clock.now()), admin_user_id, "ack.phone_refused",
            f"ph:{directive_id}:{agency_id}", {})
        return None, None

    async def _record(self, conn: aiosqlite.Connection, directive: Directive, agency: Agency,
                      person: Person, user_id: int, via: str, *,
                      report_id: int | None = None) -> tuple[AckResult, Cancelled]:
        """The agency's acknowledgement, exactly once; with its edits, audit and escalation stop.

        `via` "report": stored as such (migration 0012), the audit entry names the report,
        and the copies say it came with the report."""
        now = self.clock.now()
        repo = DirectiveRepository(conn)
        late = now > directive.ack_deadline_at
        recorded = await repo.acknowledge(directive.id, agency.id, person.id, to_epoch(now),
                                          late, via)
        ack = await repo.ack_of(directive.id, agency.id)
        assert ack is not None
        acker = person if recorded else await PeopleRepository(conn).get(ack.person_id)
        dropped: Cancelled = ()
        if recorded:
            details: dict[str, object] = {"directive_id": directive.id, "agency": agency.code,
                                          "late": late, "via": via}
            if report_id is not None:
                details["report_id"] = report_id
            await AuditRepository(conn).add(
                to_epoch(now), user_id, "ack.recorded", directive.number, details)
            await self._queue_edits(conn, directive, agency.id, acker, ack)
            await self.escalation.stop(conn, SubjectKind.DIRECTIVE_ACK, directive.id, agency.id,
                                       "acknowledged", to_epoch(now))
            dropped = await self.notifier.cancel(conn, REMINDER_KINDS, directive.id,
                                                 "acknowledged", to_epoch(now),
                                                 agency_id=agency.id)
            # The reminders already sent say who confirmed; the digests strike the agency.
            note = "esc_reminder_acked_phone" if via == "phone" else "esc_reminder_acked"
            await rewrite_reminders(
                conn, self.notifier, directive, REMINDER_KINDS,
                (note, {"time": ack.acked_at, "name": acker.full_name}),
                lambda dl: copy_actions(directive, dl.id, acked=True), to_epoch(now),
                agency_id=agency.id)
            await self.escalation.refresh(conn, SubjectKind.DIRECTIVE_ACK, directive.id,
                                          to_epoch(now), touching={agency.id})
        return AckResult(AckStatus.RECORDED if recorded else AckStatus.ALREADY, directive,
                         agency, ack, acker), dropped

    def after(self, result: AckResult, dropped: Cancelled) -> None:
        """Once committed: send the edits, forget the dropped reminders, refresh the status."""
        if result.status is AckStatus.RECORDED:
            assert result.directive is not None
            self.notifier.flush(dropped)
            self.board.touch(result.directive.id)

    async def _queue_edits(self, conn: aiosqlite.Connection, d: Directive, agency_id: int, acker: Person,
                           ack: Acknowledgement) -> None:
        """Every copy in the agency's chats shows who acknowledged, and when."""
        now = to_epoch(self.clock.now())
        for dl in await DirectiveRepository(conn).deliveries(d.id, agency_id):
            if dl.status not in (DeliveryStatus.SENT, DeliveryStatus.QUEUED):
                continue
            await self.notifier.edit_copy(conn, dl, Notice(
                "directive_acked", About(Topic.DIRECTIVE, d.id, agency_id, dl.person_id),
                {"directive": d, "acker": acker.full_name, "ack": ack},
                copy_actions(d, dl.id, acked=True)), now)
