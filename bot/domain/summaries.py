"""The half-year and annual incident summaries: their periods, due dates and reminders.

The summaries (Mẫu 05) are due before 20 June (1 January–30 June) and before 15 December
(the calendar year). Admins are reminded a week before, at 08:00 local time; a reminder the
bot could not send then (it was down) still goes out later, but never on or after the due
date: by then it would only be noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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
