"""Result reports: a liaison reports what their agency did about a directive."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from bot.clock import Clock, to_epoch
from bot.domain.directives import Directive, DirectiveStatus
from bot.domain.errors import InvalidInput
from bot.domain.models import Agency, Person
from bot.services.access import RefusalLog
from bot.services.broadcast import BroadcastService
from bot.services.escalation import REPORT
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.people import PeopleRepository
from bot.texts import t

MAX_TEXT = 3000
MAX_FILES = 10


@dataclass
class ReportDraft:
    delivery_id: int
    text: str = ""
    files: list[dict[str, str]] = field(default_factory=list)  # {"file_id", "kind", "name"}


@dataclass(frozen=True)
class ReportTarget:
    directive: Directive
    agency: Agency
    person: Person


class ReportService:
    def __init__(self, db: Database, clock: Clock, broadcast: BroadcastService,
                 refusals: RefusalLog | None = None) -> None:
        self.db = db
        self.clock = clock
        self.broadcast = broadcast
        self.refusals = refusals or RefusalLog(db, clock)

    async def target(self, user_id: int, delivery_id: int) -> ReportTarget:
        """Who may report on this copy: a liaison of its agency, while the directive stands."""
        conn = self.db.reader
        repo = DirectiveRepository(conn)
        person = await PeopleRepository(conn).by_telegram_id(user_id)
        delivery = await repo.addressed_to(delivery_id, person)
        if delivery is None or person is None:
            await self.refusals.add(user_id, "report.refused", f"rep:{delivery_id}",
                                    per_subject=False)
            ended = person is not None and not person.active
            raise InvalidInput("access_ended_tap" if ended else "rr_refused")
        directive = await repo.get(delivery.directive_id)
        if directive.status is DirectiveStatus.RECALLED:
            raise InvalidInput("rr_recalled", number=directive.number)
        if directive.report_deadline_at is None:
            raise InvalidInput("rr_not_due", number=directive.number)
        agency = await AgencyRepository(conn).get(delivery.agency_id)
        return ReportTarget(directive, agency, person)

    async def submit(self, user_id: int, draft: ReportDraft) -> ReportTarget:
        """Store the report and queue the notice (and its files) to the admin who broadcast."""
        target = await self.target(user_id, draft.delivery_id)
        if not draft.text.strip() and not draft.files:
            raise InvalidInput("rr_empty")
        d, now = target.directive, self.clock.now()
        late = d.report_deadline_at is not None and now > d.report_deadline_at
        async with self.db.transaction() as conn:
            await DirectiveRepository(conn).add_result_report(
                d.id, target.agency.id, target.person.id, draft.text or None, draft.files,
                to_epoch(now))
            outbox = OutboxRepository(conn)
            notice = t("rr_notice", agency=target.agency.name, name=target.person.full_name,
                       number=d.number, late=t("rr_notice_late") if late else "",
                       text=draft.text or t("rr_no_text"))
            await outbox.enqueue(d.created_by, "send_message", {"text": notice}, to_epoch(now))
            for f in draft.files:
                method = "send_photo" if f["kind"] == "photo" else "send_document"
                await outbox.enqueue(d.created_by, method, {
                    "file_id": f["file_id"],
                    "caption": html.escape(f"{target.agency.name} — {d.number}", quote=False)},
                    to_epoch(now))
            await self.broadcast.escalation.stop(conn, REPORT, d.id, target.agency.id,
                                                 "reported", to_epoch(now))
            await AuditRepository(conn).add(
                to_epoch(now), user_id, "report.submitted", d.number,
                {"directive_id": d.id, "agency": target.agency.code, "files": len(draft.files),
                 "late": late})
        self.broadcast.wake_sender()
        return target
