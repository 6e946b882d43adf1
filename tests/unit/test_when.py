"""The one parser of times and dates people type (bot/domain/when.py)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.when import Direction, Moment, OutOfRange, Reading, parse_date, parse_moment

VN = ZoneInfo("Asia/Ho_Chi_Minh")
KEY = "bc_deadline_invalid"  # the caller's key, with its examples, is the one raised

TODAY = date(2026, 11, 30)
NEW_YEAR_EVE = date(2026, 12, 28)


@pytest.mark.parametrize(("text", "today", "expected"), [
    ("30/8/2022", TODAY, date(2022, 8, 30)),
    ("30-8-2022", TODAY, date(2022, 8, 30)),
    ("30.08.2022", TODAY, date(2022, 8, 30)),
    ("ngày 30/8/2022", TODAY, date(2022, 8, 30)),
    ("25/11", TODAY, date(2026, 11, 25)),
    ("05/01", NEW_YEAR_EVE, date(2027, 1, 5)),
    ("27/12", NEW_YEAR_EVE, date(2026, 12, 27)),
    ("31/12", date(2027, 1, 2), date(2026, 12, 31)),
])
def test_parse_date(text: str, today: date, expected: date) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize("text", ["", "hôm qua", "31/02/2026", "13/13", "1/1/22", "abc"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, TODAY)
    assert caught.value.key == "when_date_invalid"


def local(text: str) -> datetime:
    """`30/11/2026 09:00` in Vietnam as the aware UTC instant the bot holds."""
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=VN).astimezone(UTC)


def read(moment: Moment) -> str:
    """`17:00 01/12/2026 +1`: the local time read, and the day shift when a clock rolled."""
    shown = moment.at.astimezone(VN).strftime("%H:%M %d/%m/%Y")
    return f"{shown} {moment.day_shift:+d}" if moment.day_shift else shown


# Each text at three "now"s: 09:00 and 18:30 (after 17:00) on 30/11, and 09:00 on 28/12.
NOWS = (local("30/11/2026 09:00"), local("30/11/2026 18:30"), local("28/12/2026 09:00"))
C, DC, D, DUR = Reading.CLOCK, Reading.DATE_CLOCK, Reading.DATE, Reading.DURATION
FUTURE_ROWS = [
    # A bare hour is a clock time: today, or tomorrow (+1) once it has passed.
    ("17h", C, ("17:00 30/11/2026", "17:00 01/12/2026 +1", "17:00 28/12/2026")),
    ("17g", C, ("17:00 30/11/2026", "17:00 01/12/2026 +1", "17:00 28/12/2026")),
    ("17 giờ", C, ("17:00 30/11/2026", "17:00 01/12/2026 +1", "17:00 28/12/2026")),
    ("17H", C, ("17:00 30/11/2026", "17:00 01/12/2026 +1", "17:00 28/12/2026")),
    ("17h30", C, ("17:30 30/11/2026", "17:30 01/12/2026 +1", "17:30 28/12/2026")),
    ("17g30", C, ("17:30 30/11/2026", "17:30 01/12/2026 +1", "17:30 28/12/2026")),
    ("17 giờ 30", C, ("17:30 30/11/2026", "17:30 01/12/2026 +1", "17:30 28/12/2026")),
    ("17 giờ 30 phút", C, ("17:30 30/11/2026", "17:30 01/12/2026 +1", "17:30 28/12/2026")),
    ("17:00", C, ("17:00 30/11/2026", "17:00 01/12/2026 +1", "17:00 28/12/2026")),
    ("2h", C, ("02:00 01/12/2026 +1", "02:00 01/12/2026 +1", "02:00 29/12/2026 +1")),
    ("09:00", C, ("09:00 01/12/2026 +1", "09:00 01/12/2026 +1", "09:00 29/12/2026 +1")),
    ("7h05", C, ("07:05 01/12/2026 +1", "07:05 01/12/2026 +1", "07:05 29/12/2026 +1")),
    # A date before or after the time; a day without a year is the nearest (New Year).
    ("25/11 17:00", DC, ("17:00 25/11/2026", "17:00 25/11/2026", "17:00 25/11/2026")),
    ("17:00 25/11", DC, ("17:00 25/11/2026", "17:00 25/11/2026", "17:00 25/11/2026")),
    ("17h ngày 25/11", DC, ("17:00 25/11/2026", "17:00 25/11/2026", "17:00 25/11/2026")),
    ("17h00 ngày 25/11/2026", DC, ("17:00 25/11/2026", "17:00 25/11/2026", "17:00 25/11/2026")),
    ("17:00 ngày 25/11/2026", DC, ("17:00 25/11/2026", "17:00 25/11/2026", "17:00 25/11/2026")),
    ("25/11/2026 17h30", DC, ("17:30 25/11/2026", "17:30 25/11/2026", "17:30 25/11/2026")),
    ("ngày 01/12 lúc 8h", DC, ("08:00 01/12/2026", "08:00 01/12/2026", "08:00 01/12/2026")),
    ("17h, 1/12", DC, ("17:00 01/12/2026", "17:00 01/12/2026", "17:00 01/12/2026")),
    ("05/01 08:00", DC, ("08:00 05/01/2027", "08:00 05/01/2027", "08:00 05/01/2027")),
    ("08:00 05/01", DC, ("08:00 05/01/2027", "08:00 05/01/2027", "08:00 05/01/2027")),
    ("05/01/2026 08:00", DC, ("08:00 05/01/2026", "08:00 05/01/2026", "08:00 05/01/2026")),
    ("27/12 17:00", DC, ("17:00 27/12/2026", "17:00 27/12/2026", "17:00 27/12/2026")),
    # A date alone takes the default time (17:00).
    ("25/11", D, ("17:00 25/11/2026", "17:00 25/11/2026", "17:00 25/11/2026")),
    ("ngày 05/01", D, ("17:00 05/01/2027", "17:00 05/01/2027", "17:00 05/01/2027")),
    ("1/12", D, ("17:00 01/12/2026", "17:00 01/12/2026", "17:00 01/12/2026")),
    # A duration says so.
    ("45p", DUR, ("09:45 30/11/2026", "19:15 30/11/2026", "09:45 28/12/2026")),
    ("45 phút", DUR, ("09:45 30/11/2026", "19:15 30/11/2026", "09:45 28/12/2026")),
    ("45 phut", DUR, ("09:45 30/11/2026", "19:15 30/11/2026", "09:45 28/12/2026")),
    ("+45p", DUR, ("09:45 30/11/2026", "19:15 30/11/2026", "09:45 28/12/2026")),
    ("2 tiếng", DUR, ("11:00 30/11/2026", "20:30 30/11/2026", "11:00 28/12/2026")),
    ("+2h", DUR, ("11:00 30/11/2026", "20:30 30/11/2026", "11:00 28/12/2026")),
    ("+ 2 tiếng", DUR, ("11:00 30/11/2026", "20:30 30/11/2026", "11:00 28/12/2026")),
    ("2 giờ nữa", DUR, ("11:00 30/11/2026", "20:30 30/11/2026", "11:00 28/12/2026")),
    ("sau 2 tiếng", DUR, ("11:00 30/11/2026", "20:30 30/11/2026", "11:00 28/12/2026")),
    ("1 tiếng 30 phút", DUR, ("10:30 30/11/2026", "20:00 30/11/2026", "10:30 28/12/2026")),
    ("+1h30", DUR, ("10:30 30/11/2026", "20:00 30/11/2026", "10:30 28/12/2026")),
    ("+16h", DUR, ("01:00 01/12/2026", "10:30 01/12/2026", "01:00 29/12/2026")),
]


@pytest.mark.parametrize(("text", "reading", "expected"), FUTURE_ROWS)
def test_parse_moment_future(text: str, reading: Reading, expected: tuple[str, ...]) -> None:
    for now, want in zip(NOWS, expected, strict=True):
        moment = parse_moment(text, now, VN, key=KEY)
        assert (read(moment), moment.reading) == (want, reading), (text, now)
        assert moment.at.tzinfo is UTC


@pytest.mark.parametrize(("now", "text", "expected"), [
    (local("31/12/2026 23:30"), "17h", "17:00 01/01/2027 +1"),
    (local("31/12/2026 23:30"), "+45p", "00:15 01/01/2027"),
    (local("31/12/2026 23:30"), "01/01 08:00", "08:00 01/01/2027"),
    (local("02/01/2027 09:00"), "31/12 20:00", "20:00 31/12/2026"),
    (local("30/11/2026 17:00"), "17h", "17:00 01/12/2026 +1"),  # "now" is already past
    (local("30/11/2026 16:59"), "17h", "17:00 30/11/2026"),
    # Between 00:00 and 07:00 local it is still yesterday in UTC: the local day counts.
    (local("30/11/2026 00:30"), "17h", "17:00 30/11/2026"),
])
def test_parse_moment_at_day_and_year_ends(now: datetime, text: str, expected: str) -> None:
    assert read(parse_moment(text, now, VN, key=KEY)) == expected


@pytest.mark.parametrize("text", ["\uff11\uff17\uff48", "17h\u200b", "\ufeff17h", "17\u2060h"])
def test_full_width_and_invisible_characters_read_as_they_show(text: str) -> None:
    assert read(parse_moment(text, NOWS[0], VN, key=KEY)) == read(
        parse_moment("17h", NOWS[0], VN, key=KEY))


def test_decomposed_diacritics_and_default_time() -> None:
    nfd = unicodedata.normalize("NFD", "17 giờ ngày 1/12")
    assert read(parse_moment(nfd, NOWS[0], VN, key=KEY)) == "17:00 01/12/2026"
    assert read(parse_moment("1/12", NOWS[0], VN, key=KEY,
                             default_time=time(7, 30))) == "07:30 01/12/2026"


PAST_ROWS = [
    # now 30/11/2026 09:00 unless said: a bare clock still to come is yesterday's (-1).
    (NOWS[0], "22h", "22:00 29/11/2026 -1", C),
    (NOWS[0], "08:00", "08:00 30/11/2026", C),
    (NOWS[0], "9h", "09:00 30/11/2026", C),
    (NOWS[1], "17h", "17:00 30/11/2026", C),
    (NOWS[1], "22:00", "22:00 29/11/2026 -1", C),
    (local("01/01/2027 01:00"), "22:00", "22:00 31/12/2026 -1", C),
    (local("01/01/2027 01:00"), "31/12 22:00", "22:00 31/12/2026", DC),
    (NOWS[0], "22h ngày 29/11", "22:00 29/11/2026", DC),
    (NOWS[0], "29/11", "17:00 29/11/2026", D),
    # Durations only with "trước" (ago), the way it is said.
    (NOWS[0], "2 tiếng trước", "07:00 30/11/2026", DUR),
    (NOWS[0], "45 phút trước", "08:15 30/11/2026", DUR),
    (NOWS[0], "45p trước", "08:15 30/11/2026", DUR),
]


@pytest.mark.parametrize(("now", "text", "expected", "reading"), PAST_ROWS)
def test_parse_moment_past(now: datetime, text: str, expected: str, reading: Reading) -> None:
    moment = parse_moment(text, now, VN, key=KEY, direction=Direction.PAST)
    assert (read(moment), moment.reading) == (expected, reading)


# Days named by a word ("hôm nay", "mai", "ngày mai", "hôm qua") and "bây giờ": the day is
# the one it is said on, and a named day never rolls over (17:00 hôm nay at 18:30 is past).
NOW_ = Reading.NOW
DAY_ROWS = [
    ("mai 07:30", DC, ("07:30 01/12/2026 +1", "07:30 01/12/2026 +1", "07:30 29/12/2026 +1")),
    ("07:30 mai", DC, ("07:30 01/12/2026 +1", "07:30 01/12/2026 +1", "07:30 29/12/2026 +1")),
    ("ngày mai 07:30", DC, ("07:30 01/12/2026 +1", "07:30 01/12/2026 +1", "07:30 29/12/2026 +1")),
    ("07:30 ngày mai", DC, ("07:30 01/12/2026 +1", "07:30 01/12/2026 +1", "07:30 29/12/2026 +1")),
    ("Ngày mai, 7h30", DC, ("07:30 01/12/2026 +1", "07:30 01/12/2026 +1", "07:30 29/12/2026 +1")),
    ("ngay mai 7h30", DC, ("07:30 01/12/2026 +1", "07:30 01/12/2026 +1", "07:30 29/12/2026 +1")),
    ("mai lúc 8 giờ", DC, ("08:00 01/12/2026 +1", "08:00 01/12/2026 +1", "08:00 29/12/2026 +1")),
    ("mai 8 giờ", DC, ("08:00 01/12/2026 +1", "08:00 01/12/2026 +1", "08:00 29/12/2026 +1")),
    ("lúc 20h ngày mai", DC, ("20:00 01/12/2026 +1", "20:00 01/12/2026 +1", "20:00 29/12/2026 +1")),
    ("17:00 hôm nay", DC, ("17:00 30/11/2026", "17:00 30/11/2026", "17:00 28/12/2026")),
    ("hôm nay 17h", DC, ("17:00 30/11/2026", "17:00 30/11/2026", "17:00 28/12/2026")),
    ("hom nay 17h", DC, ("17:00 30/11/2026", "17:00 30/11/2026", "17:00 28/12/2026")),
    ("hôm qua 22:00", DC, ("22:00 29/11/2026 -1", "22:00 29/11/2026 -1", "22:00 27/12/2026 -1")),
    ("ngày mai", D, ("17:00 01/12/2026 +1", "17:00 01/12/2026 +1", "17:00 29/12/2026 +1")),
    ("mai", D, ("17:00 01/12/2026 +1", "17:00 01/12/2026 +1", "17:00 29/12/2026 +1")),
    ("hôm nay", D, ("17:00 30/11/2026", "17:00 30/11/2026", "17:00 28/12/2026")),
    ("bây giờ", NOW_, ("09:00 30/11/2026", "18:30 30/11/2026", "09:00 28/12/2026")),
    ("Bây giờ", NOW_, ("09:00 30/11/2026", "18:30 30/11/2026", "09:00 28/12/2026")),
    ("ngay bây giờ", NOW_, ("09:00 30/11/2026", "18:30 30/11/2026", "09:00 28/12/2026")),
    ("bay gio", NOW_, ("09:00 30/11/2026", "18:30 30/11/2026", "09:00 28/12/2026")),
]


@pytest.mark.parametrize(("text", "reading", "expected"), DAY_ROWS)
def test_days_named_by_a_word(text: str, reading: Reading, expected: tuple[str, ...]) -> None:
    for direction in Direction:  # a named day means the same looking ahead or back
        for now, want in zip(NOWS, expected, strict=True):
            moment = parse_moment(text, now, VN, key=KEY, direction=direction)
            assert (read(moment), moment.reading) == (want, reading), (text, now)
            assert moment.at.tzinfo is UTC


@pytest.mark.parametrize(("now", "text", "expected"), [
    (local("31/12/2026 23:30"), "mai 07:30", "07:30 01/01/2027 +1"),
    (local("30/11/2026 00:30"), "07:30 mai", "07:30 01/12/2026 +1"),  # the local day counts
    (local("30/11/2026 23:59"), "hôm nay 17h", "17:00 30/11/2026"),
])
def test_named_days_at_day_and_year_ends(now: datetime, text: str, expected: str) -> None:
    assert read(parse_moment(text, now, VN, key=KEY)) == expected


def test_named_days_and_now_are_read_from_the_moment_of_speaking() -> None:
    """A period's end is read from its start (`now`), but "mai" from the day it is typed."""
    start, typed = local("03/12/2026 20:00"), NOWS[0]  # typed at 09:00 on 30/11
    assert read(parse_moment("mai 07:30", start, VN, key=KEY, speaking=typed)) == \
        "07:30 01/12/2026 +1"
    assert parse_moment("bây giờ", start, VN, key=KEY, speaking=typed).at == typed
    assert read(parse_moment("7h", start, VN, key=KEY, speaking=typed)) == "07:00 04/12/2026 +1"
    assert read(parse_moment("+2h", start, VN, key=KEY, speaking=typed)) == "22:00 03/12/2026"


GARBAGE = ["", "   ", "abc", "25:00", "24:00", "17h61", "17:60", "32/1", "32/1 17:00",
           "31/02 10:00", "13/13", "0p", "+0h", "0 phút", "17", "+2", "17 25/11", "1/1/22",
           "mai mốt", "tuần sau", "hôm kia", "mai 25:00", "mai 17", "mai 25/11 17h",
           "bây giờ 17h", "17h mai 18h", "nay 17h", "17h25/11 mai",
           "17h 25/11 18h", "-2h", "2h trước nữa", "+2h trước", "99999999p"]


@pytest.mark.parametrize("text", GARBAGE)
def test_parse_moment_refuses_garbage_with_the_callers_key(text: str) -> None:
    for direction in Direction:
        with pytest.raises(InvalidInput) as caught:
            parse_moment(text, NOWS[0], VN, key=KEY, direction=direction)
        assert caught.value.key == KEY
        assert caught.value.params["text"] == text[:40]


@pytest.mark.parametrize(("text", "direction"), [
    ("2 tiếng trước", Direction.FUTURE),  # a deadline is not "ago"
    ("45p", Direction.PAST),              # bare or forward durations have no past meaning
    ("+2h", Direction.PAST),
    ("2 giờ nữa", Direction.PAST),
])
def test_durations_pointing_the_wrong_way_are_refused(text: str, direction: Direction) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_moment(text, NOWS[0], VN, key=KEY, direction=direction)
    assert caught.value.key == KEY


def test_a_moment_no_datetime_can_hold_is_out_of_range_not_a_traceback() -> None:
    with pytest.raises(OutOfRange) as caught:
        parse_moment("01/01/0001 00:00", NOWS[0], VN, key=KEY)
    assert caught.value.key == KEY and caught.value.before


@pytest.mark.parametrize(("text", "direction", "echo"), [
    ("17h", Direction.FUTURE, "17:00 ngày 30/11/2026"),
    ("2h", Direction.FUTURE, "02:00 ngày mai, 01/12/2026"),
    ("17:00 1/12", Direction.FUTURE, "17:00 ngày 01/12/2026"),  # a date typed: no "ngày mai"
    ("22h", Direction.PAST, "22:00 hôm qua, 29/11/2026"),
    ("07:30 mai", Direction.FUTURE, "07:30 ngày mai, 01/12/2026"),  # "mai" typed: said back
    ("17:00 hôm nay", Direction.FUTURE, "17:00 ngày 30/11/2026"),
    ("hôm qua 22h", Direction.PAST, "22:00 hôm qua, 29/11/2026"),
])
def test_the_echo_says_when_a_clock_time_rolled(text: str, direction: Direction,
                                                 echo: str) -> None:
    from bot.telegram.render import typed_time

    moment = parse_moment(text, NOWS[0], VN, key=KEY, direction=direction)
    assert typed_time(moment, VN) == echo


@pytest.mark.parametrize(("choice", "at_0900", "at_1830"), [
    ("now", "09:00 30/11/2026", "18:30 30/11/2026"),
    ("h1", "10:00 30/11/2026", "19:30 30/11/2026"),
    ("h2", "11:00 30/11/2026", "20:30 30/11/2026"),
    ("t17", "17:00 30/11/2026", "17:00 30/11/2026"),  # past at 18:30: the caller refuses it
    ("m0730", "07:30 01/12/2026 +1", "07:30 01/12/2026 +1"),
])
def test_each_quick_choice_means_its_label_typed(choice: str, at_0900: str, at_1830: str) -> None:
    """A quick button («+1 giờ», «17:00 hôm nay» ...) is read as its label typed."""
    from bot.telegram.quick_view import STARTS, text

    assert choice in STARTS
    for now, want in ((NOWS[0], at_0900), (NOWS[1], at_1830)):
        assert read(parse_moment(text(choice), now, VN, key=KEY)) == want  # type: ignore[arg-type]
