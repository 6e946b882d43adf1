"""Results: a liaison reports what their agency did about a directive (a result report)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import aiosqlite

from bot.clock import Clock, from_epoch, to_epoch
from bot.domain.directives import Directive, DirectiveStatus
from bot.domain.errors import InvalidInput
from bot.domain.escalation import SubjectKind
from bot.domain.models import Agency, Person, Role
from bot.domain.notices import About, Account, Notice, Topic
from bot.services.access import RefusalLog
from bot.services.acks import AckResult, AckService, AckStatus
from bot.services.broadcast import StatusBoard
from bot.services.directive_escalations import rewrite_reminders
from bot.services.escalation import EscalationService
from bot.services.ports import Cancelled, InCommit, Notifier
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.storage.people import PeopleRepository

MAX_TEXT = 3000
MAX_FILES = 10


@dataclass
class ResultDraft:
    delivery_id: int
    text: str = ""
    files: list[dict[str, str]] = field(default_factory=list)  # {"file_id", "kind", "name"}


@dataclass(frozen=True)
class ResultTarget:
    directive: Directive
    agency: Agency
    person: Person
    earlier: int = 0  # the agency's reports stored before: more than none makes a supplement
    acknowledged: bool = False  # the report also acknowledged the agency's receipt


class ResultService:
    def __init__(self, db: Database, clock: Clock, notifier: Notifier,
                 escalation: EscalationService, refusals: RefusalLog | None = None, *,
                 super_admins: frozenset[int] = frozenset(),
                 board: StatusBoard | None = None,
                 acks: AckService | None = None) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.escalation = escalation
        self.refusals = refusals or RefusalLog(db, clock)
        self.super_admins = super_admins
        self.board = board
        self.acks = acks  # a report implies receipt: it acknowledges an agency that had not

    async def target(self, user_id: int, delivery_id: int) -> ResultTarget:
        """Who may report on this copy: a liaison of its agency, while the directive stands."""
        conn = self.db.reader
        repo = DirectiveRepository(conn)
        person = await PeopleRepository(conn).by_telegram_id(user_id)
        delivery = await repo.addressed_to(delivery_id, person)
        if delivery is None or person is None:
            await self.refusals.add(user_id, "report.refused", f"rep:{delivery_id}",
                                    per_subject=False)
            ended = person is not None and not person.active
            raise InvalidInput("access_ended_tap" if ended else "res_refused")
        directive = await repo.get(delivery.directive_id)
        if directive.status is DirectiveStatus.RECALLED:
            raise InvalidInput("res_recalled", directive=directive)
        if directive.report_deadline_at is None:
            raise InvalidInput("res_not_due", directive=directive)
        agency = await AgencyRepository(conn).get(delivery.agency_id)
        earlier = await repo.result_report_count(directive.id, agency.id)
        return ResultTarget(directive, agency, person, earlier)

    async def submit(self, user_id: int, draft: ResultDraft, *,
                     also: InCommit | None = None) -> ResultTarget:
        """Store the report and queue the notice (and its files) to every admin; a second
        report of the same agency is a supplement ("Báo cáo bổ sung"), and says so."""
        target = await self.target(user_id, draft.delivery_id)
        if not draft.text.strip() and not draft.files:
            raise InvalidInput("res_empty")
        d, now, acks = target.directive, self.clock.now(), self.acks
        async with self.db.transaction() as conn:
            repo = DirectiveRepository(conn)
            # Counted again inside the transaction: two reports sent at once are told apart.
            earlier = await repo.result_report_count(d.id, target.agency.id)
            target = replace(target, earlier=earlier)
            # A supplement is never "late": the agency reported already.
            late = not earlier and d.report_deadline_at is not None and now > d.report_deadline_at
            report_id = await repo.add_result_report(
                d.id, target.agency.id, target.person.id, draft.text or None, draft.files,
                to_epoch(now))
            if also is not None:
                await also(conn)
            implied: tuple[AckResult, Cancelled] | None = None
            if acks is not None:
                implied = await acks.acknowledge_with_report(
                    conn, d, target.agency, target.person, user_id, report_id)
            notice = Notice(
                "result_report", About(Topic.RESULT, report_id, target.agency.id),
                {"agency": target.agency.name, "name": target.person.full_name,
                 "directive": d, "number": d.number, "late": late, "text": draft.text or None,
                 "files": draft.files, "supplement": earlier})
            for admin in await self._admins(conn, d):
                await self.notifier.send(conn, admin, notice, to_epoch(now))
            await self.escalation.stop(conn, SubjectKind.DIRECTIVE_RESULT, d.id,
                                       target.agency.id, "reported", to_epoch(now))
            # Result reminders already sent say it was reported (the first report is the
            # one they name); the digests strike the agency.
            first = min((r for r in await DirectiveRepository(conn).result_reports(d.id)
                         if r["agency_id"] == target.agency.id), key=lambda r: r["id"])
            reporter = await PeopleRepository(conn).get(first["person_id"])
            await rewrite_reminders(
                conn, self.notifier, d, (SubjectKind.DIRECTIVE_RESULT,),
                ("esc_reminder_reported", {"time": from_epoch(first["created_at"]),
                                           "name": reporter.full_name}),
                lambda dl: (), to_epoch(now), agency_id=target.agency.id)
            await self.escalation.refresh(conn, SubjectKind.DIRECTIVE_RESULT, d.id,
                                          to_epoch(now), touching={target.agency.id})
            await AuditRepository(conn).add(
                to_epoch(now), user_id, "report.submitted", d.number,
                {"directive_id": d.id, "agency": target.agency.code, "files": len(draft.files),
                 "late": late, "supplement": earlier})
        self.notifier.flush()
        if self.board is not None:
            self.board.touch(d.id)  # the sender's status message counts the report
        if acks is not None and implied is not None and implied[0].status is AckStatus.RECORDED:
            acks.after(*implied)
            return replace(target, acknowledged=True)
        return target

    async def _admins(self, conn: aiosqlite.Connection, d: Directive) -> list[Person | Account]:
        """Every admin the report can reach: the active admins on the bot, and the
        super-admins of the settings (by account when they have no record). Nobody left
        (no admin reachable): the sender, as before, so a report is never told to no one."""
        people = await PeopleRepository(conn).all()
        by_account = {p.telegram_user_id: p for p in people if p.telegram_user_id is not None}
        out: dict[int, Person | Account] = {}
        for p in people:
            if (p.active and p.has(Role.ADMIN) and p.telegram_user_id is not None
                    and self.notifier.reachable(p)):
                out[p.telegram_user_id] = p
        for user_id in sorted(self.super_admins - set(out)):
            known = by_account.get(user_id)
            if known is None:
                out[user_id] = Account(user_id)
            elif self.notifier.reachable(known):
                out[user_id] = known
        return list(out.values()) or [Account(d.created_by)]
