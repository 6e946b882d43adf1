"""/summary: the half-year / annual incident summary (Mẫu 05) as an `.xlsx`, for admins.

Counts incidents reported within the period (local days, both included) by the form's
categories and by agency; confidential ones count (a count reveals no content); false alarms
are left out and said so. The workbook is built off the event loop, so taps are still
answered while it is written.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock, to_epoch
from bot.domain.errors import DomainError
from bot.domain.incidents import IncidentStatus
from bot.domain.summaries import Counted, Span, SummaryCounts, count_incidents, parse_period
from bot.exports.sheets import Sheet, write_xlsx
from bot.exports.summary import summary_sheets
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.incidents import IncidentRepository
from config.incident_form import IncidentForm
from config.settings import Settings

log = logging.getLogger(__name__)
HANDLED = frozenset({IncidentStatus.RESOLVED, IncidentStatus.CLOSED})


@dataclass(frozen=True, slots=True)
class SummaryFile:
    span: Span
    counts: SummaryCounts
    made_at: datetime
    provisional: bool
    file_name: str
    content: bytes


class SummaryService:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 form: IncidentForm) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.form = form

    async def make(self, user_id: int, args: list[str]) -> SummaryFile:
        """The summary of the period `args` name (callers check the role first); raises
        PeriodError for a bad period, DomainError("sum_failed") if the file cannot be built."""
        tz, now = self.settings.tz, self.clock.now()
        span = parse_period(args, now.astimezone(tz).date())
        since, until = span.bounds(tz)
        conn = self.db.reader
        incidents = await IncidentRepository(conn).between(since, until)
        agencies = await AgencyRepository(conn).by_ids(sorted({i.agency_id for i in incidents}))
        labels = self.form.option_labels("category")  # the form's validation requires it
        counts = count_incidents(
            (Counted(i.agency_id, i.category, i.status in HANDLED and not i.false_alarm,
                     i.false_alarm) for i in incidents), list(labels))
        sheets = summary_sheets(span, counts, labels, {a: g.name for a, g in agencies.items()},
                                now, tz, self.settings.team_name)
        try:
            content = await asyncio.to_thread(self._write, sheets)
        except Exception as exc:  # a failed file must be said, not swallowed
            log.exception("summary %s could not be written", span.name)
            raise DomainError("sum_failed") from exc
        provisional = span.provisional(now, tz)
        async with self.db.transaction() as conn2:
            await AuditRepository(conn2).add(
                to_epoch(now), user_id, "summary.made",
                f"{span.start:%d/%m/%Y}–{span.end:%d/%m/%Y}",  # as /audit shows an export's
                {"start": span.start.isoformat(), "end": span.end.isoformat(),
                 "incidents": counts.total.total, "false_alarms": counts.false_alarms,
                 "provisional": provisional})
        return SummaryFile(span, counts, now, provisional,
                           f"bao-cao-tong-hop-su-co-{span.name}.xlsx", content)

    def _write(self, sheets: list[Sheet]) -> bytes:
        out = io.BytesIO()
        write_xlsx(sheets, out, self.settings.tz)
        return out.getvalue()
