"""/export: which directives and incidents, gathered in one snapshot, built off the event loop,
audited; one export at a time per admin."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from bot.clock import Clock, to_epoch
from bot.domain.directives import Directive
from bot.domain.errors import InvalidInput
from bot.domain.summaries import OLDEST_YEAR
from bot.exports.oversight import (
    DRILL_DIRECTIVES,
    INCIDENTS,
    REAL_DIRECTIVES,
    TIMELINE,
    Built,
)
from bot.exports.worker import Job, in_worker_process
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.texts import t
from config.settings import Settings

DEFAULT_DAYS = 30
_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class ExportRequest:
    csv: bool
    number: str | None = None  # one directive, the latest with this number
    start: date | None = None  # a period of local days, both inclusive
    end: date | None = None


def _day(token: str) -> date | None:
    m = _DAY.fullmatch(token)
    if m is None:
        return None
    try:
        return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None


def parse_args(args: list[str], today: date) -> ExportRequest:
    """`/export [csv]`, `/export [csv] <số văn bản>`, `/export [csv] dd/mm/yyyy dd/mm/yyyy`;
    InvalidInput (with the usage) otherwise."""
    csv = any(a.lower() == "csv" for a in args)
    rest = [a for a in args if a.lower() != "csv"]
    if not rest:
        return ExportRequest(csv, start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)
    days = [_day(a) for a in rest]
    if len(rest) == 2 and all(days):
        start, end = days
        assert start is not None and end is not None
        if start > end:
            raise InvalidInput("exp_bad_period", usage=t("exp_usage"))
        # 31/12/9999 is a slip, and the day after it cannot even be computed.
        if not all(OLDEST_YEAR <= d.year <= today.year + 1 for d in (start, end)):
            raise InvalidInput("exp_bad_year", oldest=OLDEST_YEAR, latest=today.year + 1,
                               usage=t("exp_usage"))
        return ExportRequest(csv, start=start, end=end)
    # Anything shaped like a date is not a directive number: a lone or a third date, or an
    # impossible one (31/02/2026), is a mistyped period.
    if any(_DAY.fullmatch(a) for a in rest):
        raise InvalidInput("exp_usage")
    return ExportRequest(csv, number=" ".join(rest))


@dataclass(frozen=True)
class ExportPlan:
    request: ExportRequest
    directive: Directive | None  # the one directive asked for by number


@dataclass(frozen=True)
class ExportResult:
    file: Built
    filename: str
    caption: str


class ExportService:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 categories: dict[str, str] | None = None) -> None:
        self.db, self.clock, self.settings = db, clock, settings
        self.categories = categories or {}  # the incident form's category labels by key
        self._running: set[int] = set()
        # How the file is made (tests put a thread in its place to hold or break it).
        self.runner: Callable[[Job], Awaitable[Built]] = in_worker_process

    def request(self, args: list[str]) -> ExportRequest:
        """The command's arguments read against today's date in the province (InvalidInput)."""
        return parse_args(args, self.clock.now().astimezone(self.settings.tz).date())

    @contextmanager
    def slot(self, user_id: int) -> Iterator[bool]:
        """True while this admin's export is the only one running (False: one already is)."""
        if user_id in self._running:
            yield False
            return
        self._running.add(user_id)
        try:
            yield True
        finally:
            self._running.discard(user_id)

    def what(self, request: ExportRequest) -> str:
        if request.number is not None:
            return str(t("exp_what_directive", number=request.number))
        assert request.start is not None and request.end is not None
        return str(t("exp_what_period", start=request.start.strftime("%d/%m/%Y"),
                     end=request.end.strftime("%d/%m/%Y")))

    async def plan(self, request: ExportRequest) -> ExportPlan:
        """The directive asked for (the latest with that number, as /status finds it), before
        anything is announced or built; InvalidInput when there is none."""
        if request.number is None:
            return ExportPlan(request, None)
        directive = await DirectiveRepository(self.db.reader).latest_by_number(request.number)
        if directive is None:
            raise InvalidInput("exp_not_found", number=request.number[:60])
        return ExportPlan(request, directive)

    async def export(self, user_id: int, plan: ExportPlan) -> ExportResult:
        """Gather (one read snapshot) and build in a worker process, audit; callers check the
        role."""
        tz, request, directive = self.settings.tz, plan.request, plan.directive
        job = Job(self.db.path, tz.key, request.csv, categories=self.categories,
                  at=self.clock.now())
        if directive is not None:
            job = replace(job, directive_id=directive.id)
            stem = re.sub(r"[^0-9A-Za-z]+", "-", directive.number).strip("-") or str(directive.id)
            subject = directive.number
        else:
            assert request.start is not None and request.end is not None
            start = datetime.combine(request.start, time(), tz)
            end = datetime.combine(request.end + timedelta(days=1), time(), tz)
            job = replace(job, start=start, end=end)
            stem = f"{request.start:%Y%m%d}-{request.end:%Y%m%d}"
            subject = f"{request.start:%d/%m/%Y}–{request.end:%d/%m/%Y}"
        built = await self.runner(job)
        counts = built.counts
        caption = str(t("exp_caption", what=self.what(request),
                        directives=counts[REAL_DIRECTIVES], incidents=counts[INCIDENTS],
                        events=counts[TIMELINE], drills=counts[DRILL_DIRECTIVES]))
        async with self.db.transaction() as conn:
            await AuditRepository(conn).add(
                to_epoch(self.clock.now()), user_id, "export.made", subject,
                {"format": "csv" if request.csv else "xlsx", "rows": sum(counts.values())})
        filename = f"hoatoc-{stem}.{'zip' if request.csv else 'xlsx'}"
        return ExportResult(built, filename, caption)
