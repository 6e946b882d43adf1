"""Times and dates as officials type them: one parser for deadlines, the roster, incidents.

Hand-written on purpose. `dateparser` 1.5 (languages=["vi"], checked for issue 9) reads neither
`17h`, `17g`, `17h30`, `17h ngày 25/11`, `45p`, `2 tiếng` nor `+2h`; it reads `17 giờ` as
seventeen hours from now (the very mistake this module exists to end) and, told to prefer the
future, puts `25/11 17:00` typed on 30/11 a year ahead. The forms officials type are few, so a
small table of regular expressions reads them exactly, and its tests are a table too.

The rules (`parse_moment`):
- a bare hour is a clock time: `17h`, `17g`, `17 giờ`, `17h30`, `17 giờ 30`, `17:00` is today's;
  looking ahead (FUTURE: deadlines, shifts) one already past (or now) is tomorrow's, looking
  back (PAST: when an incident was detected) one still to come is yesterday's;
- a date may stand before or after the time (`25/11 17:00`, `17:00 25/11`, `17h ngày 25/11`,
  `ngày 25/11 lúc 17h`); alone (`25/11`) it takes the caller's default time; without a year it
  is the nearest such day (`year_of`), so 05/01 typed on 28/12 is next January;
- a day may be named instead of dated: "hôm nay", "mai" / "ngày mai", "hôm qua", before or
  after the time (`mai 07:30`, `07:30 ngày mai`, `17:00 hôm nay`); alone it takes the default
  time. The day is the one where the words are said (`speaking`: the period's end typed after
  a start next week still reads "mai" from today). Such a time never rolls over: `17:00 hôm
  nay` typed at 18:00 is past, and the caller says so;
- "bây giờ" is the moment of speaking;
- a duration says so: minutes (`45p`, `45 phút`), hours in "tiếng" (`2 tiếng`), or any amount
  with `+`, "sau" or "nữa" (`+2h`, `sau 2 tiếng`, `2 giờ nữa`). Looking back, only "… trước"
  (`2 tiếng trước`: ago) is a duration; a bare `45p` answering "when was it detected?" is
  more likely a slip than "45 minutes ago", so it is refused and the example shown instead.

The parser says how it read the text; whether the moment may be past or too far ahead is the
caller's rule (and the caller's text key, with its examples).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput

# What a paste from a PDF, a Word file or a web page brings along: invisible characters (zero-
# width space and joiners, word joiner, byte-order mark) dropped, typographic dashes (hyphen,
# non-breaking hyphen, figure dash, en and em dash, horizontal bar, minus sign) read as "-".
_AS_SHOWN = {**dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff")),
             **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")}


def as_shown(text: str | None) -> str:
    """Typed text as it shows: composed accents (NFKC, which also makes full-width digits and
    letters plain), no invisible characters, "-" for every dash. Every typed field goes
    through it before its pattern."""
    return unicodedata.normalize("NFKC", text or "").translate(_AS_SHOWN)


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
    value = re.sub(r"\s+", " ", as_shown(text).strip().lower())
    if match := _DATE.match(value):
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else year_of(day, month, today)
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise InvalidInput(key, text=(text or "")[:40])


class Direction(enum.Enum):
    """Which way a bare clock time (and a duration) points from now."""

    FUTURE = "future"  # deadlines, duty shifts
    PAST = "past"      # when something happened (incident detection)


class Reading(enum.StrEnum):
    """How a text was read, so an echo can say what was taken."""

    CLOCK = "clock"            # 17h: today, or the next (previous) day
    DATE_CLOCK = "date_clock"  # 17:00 25/11
    DATE = "date"              # 25/11, at the default time
    DURATION = "duration"      # 45p, +2h, 2 tiếng: from now
    NOW = "now"                # bây giờ


@dataclass(frozen=True, slots=True)
class Moment:
    at: datetime  # aware, in the zone of the `now` it was read against (UTC in the bot)
    reading: Reading
    # +1: a bare clock time taken as tomorrow's, or "mai" typed; -1: yesterday's ("hôm qua",
    # or a bare clock time looking back). The echo names the day when it is not today.
    day_shift: int = 0


class OutOfRange(InvalidInput):
    """A well-formed moment no datetime can hold (`01/01/0001 00:00` local is before UTC's
    first instant); `before` says on which side, so a caller can call it past or too far."""

    def __init__(self, key: str, *, before: bool, **params: object) -> None:
        super().__init__(key, **params)
        self.before = before


_HOUR_UNIT = r"(?:h|g|giờ|gio)"
_MINUTE_UNIT = r"(?:p|ph|phút|phut|m|min|')"
# 17:00, 17h, 17h30, 17g30, 17 giờ 30 (phút)
_CLOCK = re.compile(
    rf"^(\d{{1,2}})\s*(?::\s*(\d{{2}})|{_HOUR_UNIT}(?:\s*(\d{{2}})(?:\s*{_MINUTE_UNIT})?)?)$")
_CLOCK_TEXT = rf"\d{{1,2}}\s*(?::\s*\d{{2}}|{_HOUR_UNIT}(?:\s*\d{{2}}(?:\s*{_MINUTE_UNIT})?)?)"
_DATE_TEXT = r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{4})?"
_SEP = r"(?:\s*,\s*|\s+)"
_ON = r"(?:(?:ngày|ngay)\s*)?"
_AT = r"(?:(?:lúc|luc)\s*)?"

# A day named by a word, and how many days from the day it is said on.
_DAYS: dict[str, int] = {"hôm nay": 0, "hom nay": 0, "mai": 1, "ngày mai": 1, "ngay mai": 1,
                         "hôm qua": -1, "hom qua": -1}
_DAY_TEXT = "|".join(sorted(_DAYS, key=len, reverse=True))
_NOW = re.compile(r"^(?:ngay\s+)?(?:bây giờ|bay gio)$")

# The forms with a clock or a date, tried in order; durations are told apart first.
_FORMS: tuple[tuple[Reading, re.Pattern[str]], ...] = (
    (Reading.CLOCK, re.compile(rf"^(?P<clock>{_CLOCK_TEXT})$")),
    (Reading.DATE_CLOCK,
     re.compile(rf"^{_ON}(?P<date>{_DATE_TEXT}){_SEP}{_AT}(?P<clock>{_CLOCK_TEXT})$")),
    (Reading.DATE_CLOCK,
     re.compile(rf"^{_AT}(?P<clock>{_CLOCK_TEXT}){_SEP}{_ON}(?P<date>{_DATE_TEXT})$")),
    (Reading.DATE, re.compile(rf"^{_ON}(?P<date>{_DATE_TEXT})$")),
    (Reading.DATE_CLOCK,
     re.compile(rf"^(?P<day>{_DAY_TEXT}){_SEP}{_AT}(?P<clock>{_CLOCK_TEXT})$")),
    (Reading.DATE_CLOCK,
     re.compile(rf"^{_AT}(?P<clock>{_CLOCK_TEXT}){_SEP}(?P<day>{_DAY_TEXT})$")),
    (Reading.DATE, re.compile(rf"^(?P<day>{_DAY_TEXT})$")),
)

_DURATION = re.compile(
    r"^(?:(?P<ahead>\+|sau)\s*)?"
    r"(?:(?P<hours>\d{1,4})\s*(?P<hour_unit>h|g|giờ|gio|tiếng|tieng)\s*)?"
    rf"(?:(?P<minutes>\d{{1,5}})\s*(?P<minute_unit>{_MINUTE_UNIT})?)?"
    r"(?:\s*(?P<tail>nữa|nua|trước|truoc))?$"
)


def parse_moment(text: str, now: datetime, tz: ZoneInfo, *, key: str,
                 direction: Direction = Direction.FUTURE,
                 default_time: time = time(17, 0), speaking: datetime | None = None) -> Moment:
    """A moment as typed (rules in the module docstring), read against `now` in `tz`.

    `speaking` (default: `now`) is when the text is typed: "hôm nay", "mai" and "bây giờ"
    are read from it, while bare clock times and durations are read from `now`.
    Raises InvalidInput(key, text=...) for anything else, OutOfRange (an InvalidInput) for a
    moment no datetime can hold. Past or future is not judged here.
    """
    value = re.sub(r"\s+", " ", as_shown(text).strip().lower())
    refused = InvalidInput(key, text=(text or "")[:40])
    said = speaking if speaking is not None else now
    if _NOW.match(value):
        return Moment(said, Reading.NOW)
    duration = _DURATION.match(value)
    if duration and _is_duration(duration):
        return _after(duration, now, direction, refused)
    found = next(((reading, m) for reading, pattern in _FORMS if (m := pattern.match(value))),
                 None)
    if found is None:
        raise refused
    reading, match = found
    local_now = now.astimezone(tz)
    groups = match.groupdict()
    clock = _clock(groups["clock"]) if groups.get("clock") else default_time
    if clock is None:
        raise refused
    day = local_now.date()
    shift = 0
    if groups.get("day"):
        shift = _DAYS[groups["day"]]
        day = said.astimezone(tz).date() + timedelta(days=shift)
    if groups.get("date"):
        try:
            day = parse_date(groups["date"], day, key=key)
        except InvalidInput:
            raise refused from None
    if reading is Reading.CLOCK:
        today = datetime.combine(day, clock, tzinfo=tz)
        if direction is Direction.FUTURE and today <= local_now:
            shift = 1
        elif direction is Direction.PAST and today > local_now:
            shift = -1
        day += timedelta(days=shift)
    try:
        at = datetime.combine(day, clock, tzinfo=tz).astimezone(now.tzinfo)
    except OverflowError:  # year 1 before UTC's first instant, 31/12/9999 west of UTC
        raise OutOfRange(key, before=day < local_now.date(), text=(text or "")[:40]) from None
    return Moment(at, reading, shift)


def _is_duration(match: re.Match[str]) -> bool:
    """Whether the amount says it is one: `+`, "sau", "nữa", "trước", "tiếng", or minutes."""
    hours, minutes = match["hours"], match["minutes"]
    if hours is None and minutes is None:
        return False
    if minutes is not None and match["minute_unit"] is None and hours is None:
        return False  # "+2": two what?
    return bool(match["ahead"] or match["tail"]
                or match["hour_unit"] in ("tiếng", "tieng")
                or (hours is None and match["minute_unit"]))


def _after(match: re.Match[str], now: datetime, direction: Direction,
           refused: InvalidInput) -> Moment:
    ago = match["tail"] in ("trước", "truoc")
    if (match["ahead"] and ago) or ago != (direction is Direction.PAST):
        raise refused
    amount = timedelta(hours=int(match["hours"] or 0), minutes=int(match["minutes"] or 0))
    if not amount:
        raise refused
    return Moment(now - amount if ago else now + amount, Reading.DURATION)


def _clock(text: str) -> time | None:
    """`17h30` -> 17:30; None for an hour or minute that does not exist (`25:00`, `17h61`)."""
    match = _CLOCK.match(text)
    assert match is not None  # the form matched it already
    hour, minute = int(match[1]), int(match[2] or match[3] or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None
