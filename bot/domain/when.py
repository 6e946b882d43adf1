"""Times and dates as officials type them: one parser for deadlines, the roster, incidents."""

from __future__ import annotations

import re
from datetime import date

from bot.domain.errors import InvalidInput


def year_of(day: int, month: int, today: date) -> int:
    """The year of a day typed without one: the one that puts it nearest to today.

    On 28/12, "05/01" is next January; on 30/11, "29/11" is yesterday (a past deadline, a
    shift that began yesterday), not next November; on 02/01, "31/12" is two days ago.
    """
    best, best_gap = today.year, None
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            gap = abs((date(year, month, day) - today).days)
        except ValueError:  # 29/02 in a common year, 31/04, month 13: judged later
            continue
        if best_gap is None or gap < best_gap:
            best, best_gap = year, gap
    return best


# 30/8/2022, 30-8-2022, 30.8.2022, 30/8 (nearest year), optionally after "ngày".
_DATE = re.compile(r"^(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?$")


def parse_date(text: str, today: date, *, key: str = "when_date_invalid") -> date:
    """A calendar date typed as `30/8/2022`, `30/8` (nearest year) -> date; InvalidInput."""
    value = re.sub(r"\s+", " ", (text or "").strip().lower())
    if match := _DATE.match(value):
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else year_of(day, month, today)
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise InvalidInput(key, text=(text or "")[:40])
