"""The half-year and annual incident summaries: their periods, due dates and reminders.

The summaries (Mẫu 05) are due before 20 June (1 January–30 June) and before 15 December
(the calendar year). Admins are reminded a week before, at 08:00 local time; a reminder the
bot could not send then (it was down) still goes out later, but never on or after the due
date: by then it would only be noise.

`/summary` names its period (`parse_period`) and counts incidents (`count_incidents`) here.
The due dates come before the periods' ends, so a summary made for them is provisional.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput

REMIND_BEFORE = timedelta(days=7)
REMIND_AT = time(8, 0)


@dataclass(frozen=True, slots=True)
class SummaryPeriod:
    """One summary: the period it covers (both days included) and the day it is due before."""

    start: date
    end: date
    due: date
    half_year: bool  # 1/1–30/6; otherwise the calendar year

    @property
    def remind_on(self) -> date:
        return self.due - REMIND_BEFORE


def periods_of(year: int) -> tuple[SummaryPeriod, SummaryPeriod]:
    return (SummaryPeriod(date(year, 1, 1), date(year, 6, 30), date(year, 6, 20), True),
            SummaryPeriod(date(year, 1, 1), date(year, 12, 31), date(year, 12, 15), False))


def reminder_due(local_now: datetime) -> SummaryPeriod | None:
    """The summary whose reminder is due at `local_now` (in the deployment's time zone: only
    its wall time counts), if any."""
    day, at = local_now.date(), local_now.time()
    for period in periods_of(day.year):
        if (period.remind_on, REMIND_AT) <= (day, at) and day < period.due:
            return period
    return None


# --- /summary: the period asked for, and the counts -----------------------------------------

OLDEST_YEAR = 2000  # no incident of this bot can be older; an earlier year is a slip


@dataclass(frozen=True, slots=True)
class Span:
    """The period of a summary, both days included, in local dates; `name` goes into the
    file name (`2026H1`, `2026`, `01012026-15062026`)."""

    start: date
    end: date
    name: str

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[since, until): local midnight of the first day to local midnight after the last."""
        return (datetime.combine(self.start, time(0), tz),
                datetime.combine(self.end + timedelta(days=1), time(0), tz))

    def provisional(self, now: datetime, tz: ZoneInfo) -> bool:
        """Made before the period ended: its figures may still change."""
        return now < self.bounds(tz)[1]


class PeriodError(InvalidInput):
    """`/summary`'s argument is not a period it can summarise; the key says why."""


_HALF = re.compile(r"^(\d{4})[-/]?H([12])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def half_of(day: date) -> Span:
    """The half-year that contains `day`."""
    if day.month <= 6:
        return Span(date(day.year, 1, 1), date(day.year, 6, 30), f"{day.year}H1")
    return Span(date(day.year, 7, 1), date(day.year, 12, 31), f"{day.year}H2")


def _year(text: str, today: date) -> int:
    year = int(text)
    if not OLDEST_YEAR <= year <= today.year:
        raise PeriodError("sum_bad_year", oldest=OLDEST_YEAR, latest=today.year)
    return year


def _day(text: str, today: date) -> date:
    m = _DAY.match(text)
    if m is None:
        raise PeriodError("sum_usage")
    year = _year(m[3], today)
    try:
        return date(year, int(m[2]), int(m[1]))
    except ValueError:
        raise PeriodError("sum_bad_date", text=text) from None


def parse_period(args: list[str], today: date) -> Span:
    """`/summary [2026H1 | 2026H2 | 2026 | dd/mm/yyyy dd/mm/yyyy]` read on local day `today`;
    no argument: the current half-year. Raises PeriodError (its key says why)."""
    if not args:
        return half_of(today)
    if len(args) == 1:
        text = args[0].strip()
        if m := _HALF.match(text):
            year = _year(m[1], today)
            span = (Span(date(year, 1, 1), date(year, 6, 30), f"{year}H1") if m[2] == "1"
                    else Span(date(year, 7, 1), date(year, 12, 31), f"{year}H2"))
        elif m := _YEAR.match(text):
            year = _year(m[1], today)
            span = Span(date(year, 1, 1), date(year, 12, 31), str(year))
        else:
            raise PeriodError("sum_usage")
    elif len(args) == 2:
        start, end = _day(args[0], today), _day(args[1], today)
        if end < start:
            raise PeriodError("sum_bad_reversed", start=start.strftime("%d/%m/%Y"),
                              end=end.strftime("%d/%m/%Y"))
        span = Span(start, end, f"{start:%d%m%Y}-{end:%d%m%Y}")
    else:
        raise PeriodError("sum_usage")
    if span.start > today:
        raise PeriodError("sum_not_started", start=span.start.strftime("%d/%m/%Y"))
    return span


@dataclass(frozen=True, slots=True)
class Counted:
    """What the summary needs of one incident."""

    agency_id: int
    category: str | None
    handled: bool  # resolved or closed when the summary is made
    false_alarm: bool


@dataclass(frozen=True, slots=True)
class Tally:
    total: int = 0
    handled: int = 0

    @property
    def unhandled(self) -> int:
        return self.total - self.handled

    def add(self, handled: bool) -> Tally:
        return Tally(self.total + 1, self.handled + int(handled))


@dataclass(frozen=True, slots=True)
class SummaryCounts:
    """Counts by category (the form's keys in its order, then any key it no longer lists,
    under OTHER_KEY), by agency × category, and the false alarms left out."""

    categories: tuple[str, ...]
    by_category: dict[str, Tally]
    by_agency: dict[int, dict[str, int]]
    total: Tally
    false_alarms: int


UNLISTED = ""  # the column of incidents whose category the form no longer lists (or none)


def count_incidents(incidents: Iterable[Counted], categories: Sequence[str]) -> SummaryCounts:
    """False alarms are not incidents: counted apart, in no table. A category the form does not
    list (renamed since, or missing) is counted under UNLISTED, which appears only if used."""
    known = set(categories)
    by_category: dict[str, Tally] = {key: Tally() for key in categories}
    by_agency: dict[int, dict[str, int]] = {}
    total, false_alarms = Tally(), 0
    for i in incidents:
        if i.false_alarm:
            false_alarms += 1
            continue
        key = i.category if i.category in known and i.category is not None else UNLISTED
        by_category[key] = by_category.get(key, Tally()).add(i.handled)
        row = by_agency.setdefault(i.agency_id, {})
        row[key] = row.get(key, 0) + 1
        total = total.add(i.handled)
    keys = tuple(categories) + ((UNLISTED,) if UNLISTED in by_category else ())
    return SummaryCounts(keys, by_category, by_agency, total, false_alarms)
