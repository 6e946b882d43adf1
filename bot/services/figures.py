"""Response-time figures over a period (for /status) and one directive's chart (/chart)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.errors import InvalidInput, PermissionDenied
from bot.domain.figures import (
    AckFigures,
    IncidentFigures,
    agency_ack_figures,
    incident_figures,
    overall_ack_figures,
)
from bot.domain.models import Agency, Role
from bot.domain.summaries import OLDEST_YEAR
from bot.domain.when import as_shown
from bot.exports.chart import ChartData, ChartRow
from bot.services.access import AccessService
from bot.services.broadcast import BroadcastService
from bot.storage import figures as records
from bot.storage.agencies import AgencyRepository
from bot.storage.db import Database

# The overview's figures look back this far: long enough to hold a few directives and
# incidents, short enough to say how agencies respond now rather than last year.
PERIOD_DAYS = 30
# The agencies named as the slowest (the ones to call).
SLOWEST_SHOWN = 3
CHART_ALLOWED = frozenset({Role.RESPONDER, Role.ADMIN})
# A whole date as typed for a period: 01/06/2026 (also with - or .).
_FULL_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$")


@dataclass(frozen=True)
class PeriodFigures:
    """Real directives only (drills never mix in), sent in [since, until)."""

    since: datetime
    until: datetime
    directives: int
    overall: AckFigures
    slowest: list[tuple[Agency, AckFigures]]
    incidents: IncidentFigures


def slowness(fig: AckFigures) -> tuple[float, float]:
    """Sort key, slowest first: the smallest share of directives confirmed, then the longest
    median. An agency that does not confirm at all is the first one to call, however quickly
    it confirms the few it does."""
    share = fig.acknowledged / fig.agencies if fig.agencies else 1.0
    return share, -(fig.median.total_seconds() if fig.median is not None else float("inf"))


def is_period(args: list[str]) -> bool:
    """`/status 01/06/2026 30/06/2026`: two whole dates (a directive number has letters)."""
    return len(args) == 2 and all(_FULL_DATE.match(as_shown(a)) for a in args)


class FiguresService:
    def __init__(self, db: Database, clock: Clock, access: AccessService,
                 broadcast: BroadcastService, tz: ZoneInfo) -> None:
        self.db = db
        self.clock = clock
        self.access = access
        self.broadcast = broadcast
        self.tz = tz

    async def recent(self) -> PeriodFigures:
        """The last PERIOD_DAYS days, up to now."""
        now = self.clock.now()
        return await self.period(now - timedelta(days=PERIOD_DAYS), now)

    def parse_period(self, args: list[str]) -> tuple[datetime, datetime]:
        """Two local dates, both days included -> [start of the first, start of the day after
        the second) in UTC; InvalidInput when unreadable or reversed."""
        days: list[date] = []
        for text in args:
            try:
                days.append(date(*reversed([int(p) for p in re.split(r"[/.-]", as_shown(text))])))
            except ValueError:
                raise InvalidInput("fig_bad_date", text=text[:40]) from None
        first, last = days
        # A slip of the keyboard (31/12/9999, 0001): refused as /export refuses it; 9999 ran
        # past the calendar's end (OverflowError).
        latest = self.clock.now().astimezone(self.tz).year + 1
        if not all(OLDEST_YEAR <= d.year <= latest for d in days):
            raise InvalidInput("fig_bad_year", oldest=OLDEST_YEAR, latest=latest)
        if first > last:
            raise InvalidInput("fig_reversed", since=args[0][:20], until=args[1][:20])
        return (datetime.combine(first, time(), self.tz),
                datetime.combine(last + timedelta(days=1), time(), self.tz))

    async def period(self, since: datetime, until: datetime) -> PeriodFigures:
        conn = self.db.reader
        acks = await records.ack_records(conn, since, until)
        per_agency = agency_ack_figures(acks)
        agencies = await AgencyRepository(conn).by_ids(list(per_agency))
        slowest = sorted(per_agency.items(), key=lambda kv: (slowness(kv[1]),
                                                             agencies[kv[0]].name))
        return PeriodFigures(
            since, until, len({r.directive_id for r in acks}), overall_ack_figures(acks),
            [(agencies[a], fig) for a, fig in slowest[:SLOWEST_SHOWN]],
            incident_figures(await records.incident_times(conn, since, until)))

    async def chart_access(self, user_id: int) -> None:
        """Responders and admins only; others refused (audited)."""
        person = await self.access.member(user_id, "/chart")
        if not self.access.effective_roles(user_id, person) & CHART_ALLOWED:
            await self.access.refusals.add(user_id, "access.denied", "/chart",
                                           {"needed": "responder|admin"})
            raise PermissionDenied("chart_refused")

    async def chart(self, user_id: int, number: str) -> ChartData:
        """One directive's times to confirm, per recipient agency (responders and admins;
        others refused, audited); InvalidInput for an unknown number."""
        await self.chart_access(user_id)
        d = await self.broadcast.find(number)
        if d is None:
            raise InvalidInput("chart_not_found", number=number[:60])
        rows = await self.broadcast.agency_rows(d.id)
        return ChartData(d.number, d.summary, d.drill, d.created_at, d.ack_deadline_at,
                         self.clock.now(),
                         [ChartRow(r.agency.name, r.ack.acked_at if r.ack else None)
                          for r in rows])
