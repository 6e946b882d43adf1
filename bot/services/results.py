"""Results: a liaison reports what their agency did about a directive (a result report)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock, from_epoch, to_epoch
from bot.domain.directives import Directive, DirectiveStatus
from bot.domain.errors import InvalidInput
from bot.domain.escalation import SubjectKind
from bot.domain.models import Agency, Person
from bot.domain.notices import About, Account, Notice, Topic
from bot.services.access import RefusalLog
from bot.services.directive_escalations import rewrite_reminders
from bot.services.escalation import EscalationService
from bot.services.ports import InCommit, Notifier
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


class ResultService:
    def __init__(self, db: Database, clock: Clock, notifier: Notifier,
                 escalation: EscalationService, refusals: RefusalLog | None = None) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.escalation = escalation
        self.refusals = refusals or RefusalLog(db, clock)

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
        return ResultTarget(directive, agency, person)

    async def submit(self, user_id: int, draft: ResultDraft, *,
                     also: InCommit | None = None) -> ResultTarget:
        """Store the report and queue the notice (and its files) to the admin who broadcast."""
        target = await self.target(user_id, draft.delivery_id)
        if not draft.text.strip() and not draft.files:
            raise InvalidInput("res_empty")
        d, now = target.directive, self.clock.now()
        late = d.report_deadline_at is not None and now > d.report_deadline_at
        async with self.db.transaction() as conn:
            report_id = await DirectiveRepository(conn).add_result_report(
                d.id, target.agency.id, target.person.id, draft.text or None, draft.files,
                to_epoch(now))
            if also is not None:
                await also(conn)
            # To the admin who broadcast, known by their account (they may have no record).
            await self.notifier.send(conn, Account(d.created_by), Notice(
                "result_report", About(Topic.RESULT, report_id, target.agency.id),
                {"agency": target.agency.name, "name": target.person.full_name,
                 "directive": d, "number": d.number, "late": late, "text": draft.text or None,
                 "files": draft.files}), to_epoch(now))
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
                 "late": late})
        self.notifier.flush()
        return target
