from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.roster import (
    Override,
    Rotation,
    Shift,
    coming_shifts,
    next_shift,
    on_duty,
    on_duty_since,
    on_duty_until,
    parse_when,
    shifts_of,
)

H = timedelta(hours=1)
START = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 07:30 in Vietnam: the handover
ROT = Rotation((11, 12, 13), timedelta(days=1), START)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def who(at: datetime, overrides: list[Override] | None = None) -> list[int]:
    return [s.person_id for s in on_duty(ROT, overrides or [], at)]


def test_rotation_across_handover() -> None:
    assert who(START - H) == []  # before the rotation starts
    assert who(START) == [11]
    assert who(START + 23 * H) == [11]
    assert who(START + 24 * H - timedelta(seconds=1)) == [11]
    assert who(START + 24 * H) == [12]  # handover, to the second
    assert who(START + 72 * H) == [11]  # wraps around


def test_override_wins_for_its_period() -> None:
    override = Override(1, 99, START + 2 * H, START + 5 * H)
    assert who(START + H, [override]) == [11]
    assert who(START + 2 * H, [override]) == [99]
    assert who(START + 5 * H, [override]) == [11]


def test_empty_roster() -> None:
    assert on_duty(None, [], START) == []
    assert on_duty(Rotation((), timedelta(days=1), START), [], START) == []
    assert next_shift(None, [], START) is None


def test_next_shift() -> None:
    nxt = next_shift(ROT, [], START + H)
    assert nxt is not None and nxt.person_id == 12 and nxt.start_at == START + 24 * H
    override = Override(1, 99, START + 2 * H, START + 5 * H)
    nxt = next_shift(ROT, [override], START + H)
    assert nxt is not None and nxt.person_id == 99 and nxt.start_at == START + 2 * H
    nxt = next_shift(ROT, [override], START + 3 * H)  # back to the rotation at its end
    assert nxt is not None and nxt.person_id == 11 and nxt.start_at == START + 5 * H


def test_shifts_of_a_person() -> None:
    shifts = shifts_of(ROT, 13, START, 2)
    assert [s.start_at for s in shifts] == [START + 48 * H, START + 120 * H]
    assert shifts_of(ROT, 77, START, 2) == []


# With no year typed, the day is taken in the year that puts it nearest to today (local
# dates): 01/01 typed in late December is next year's, a shift that began yesterday is not.
@pytest.mark.parametrize(
    ("now_local", "text", "expected_local"),
    [("28/12/2026 09:00", "31/12 20:00", "20:00 31/12/2026"),
     ("28/12/2026 09:00", "01/01 08:00", "08:00 01/01/2027"),
     ("31/12/2026 21:00", "01/01 08:00", "08:00 01/01/2027"),
     ("28/12/2026 09:00", "28/12 07:00", "07:00 28/12/2026"),
     ("28/12/2026 09:00", "01/01/2026 08:00", "08:00 01/01/2026"),
     ("30/11/2026 09:00", "29/11 07:00", "07:00 29/11/2026"),
     ("02/01/2027 09:00", "31/12 20:00", "20:00 31/12/2026")],
)
def test_duty_times_across_new_year(now_local: str, text: str, expected_local: str) -> None:
    now = datetime.strptime(now_local, "%d/%m/%Y %H:%M").replace(tzinfo=VN).astimezone(UTC)
    result = parse_when(text, now, VN)
    assert result.astimezone(VN).strftime("%H:%M %d/%m/%Y") == expected_local


def test_duty_period_across_new_year_is_a_valid_period() -> None:
    now = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)
    start, end = parse_when("31/12 20:00", now, VN), parse_when("01/01 08:00", now, VN)
    assert end - start == timedelta(hours=12)


# The same forms as deadlines: a bare clock time is the next one, the date before or after.
@pytest.mark.parametrize(
    ("now_local", "text", "expected_local"),
    [("30/11/2026 09:00", "07:30", "07:30 01/12/2026"),
     ("30/11/2026 06:00", "07:30", "07:30 30/11/2026"),
     ("30/11/2026 09:00", "19h", "19:00 30/11/2026"),
     ("30/11/2026 09:00", "07:30 01/12", "07:30 01/12/2026"),
     ("30/11/2026 09:00", "7h30 ngày 1/12", "07:30 01/12/2026"),
     ("30/11/2026 09:00", "+2h", "11:00 30/11/2026"),
     ("28/12/2026 09:00", "08:00 01/01", "08:00 01/01/2027"),
     ("30/11/2026 09:00", "bây giờ", "09:00 30/11/2026"),
     ("30/11/2026 09:00", "mai 07:30", "07:30 01/12/2026"),
     ("30/11/2026 09:00", "07:30 mai", "07:30 01/12/2026"),
     ("30/11/2026 09:00", "ngày mai 07:30", "07:30 01/12/2026"),
     ("30/11/2026 09:00", "mai 8 giờ", "08:00 01/12/2026")],
)
def test_duty_times_in_every_form(now_local: str, text: str, expected_local: str) -> None:
    now = datetime.strptime(now_local, "%d/%m/%Y %H:%M").replace(tzinfo=VN).astimezone(UTC)
    assert parse_when(text, now, VN).astimezone(VN).strftime("%H:%M %d/%m/%Y") == expected_local


@pytest.mark.parametrize("text", ["24/11", "mai", "ngày mai", "25:00", "abc", "2 tiếng trước"])
def test_duty_time_needs_a_time_of_day(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_when(text, START, VN)
    assert info.value.key == "duty_when_invalid"


def test_duty_time_out_of_range_is_refused_not_a_traceback() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_when("01/01/0001 00:00", START, VN)
    assert info.value.key == "duty_when_invalid"


def starts(shifts: list[Shift]) -> list[tuple[int, bool]]:
    """Each shift as (hours after START, is it an override)."""
    return [(int((s.start_at - START) / H), s.override) for s in shifts]


@pytest.mark.parametrize(("now", "expected"), [
    # Before the rotation begins: its first shift once, not twice.
    (START - 30 * H, [(24, False), (96, False), (168, False)]),
    # At the very second the person's shift begins: running, once.
    (START + 24 * H, [(24, False), (96, False), (168, False)]),
    # Inside it; and just after it ended.
    (START + 30 * H, [(24, False), (96, False), (168, False)]),
    (START + 48 * H, [(96, False), (168, False), (240, False)]),
])
def test_coming_shifts_each_once(now: datetime, expected: list[tuple[int, bool]]) -> None:
    assert starts(coming_shifts(ROT, [], 12, now, 3)) == expected


def test_coming_shifts_with_overrides() -> None:
    mine = Override(1, 99, START + 30 * H, START + 40 * H)  # 99 is not in the rotation
    theirs = Override(2, 11, START + 100 * H, START + 101 * H)  # covers part of 12's shift
    again = Override(3, 12, START + 168 * H, START + 192 * H)  # 12's own shift, as an override
    overrides = [mine, theirs, again]
    assert starts(coming_shifts(ROT, overrides, 99, START, 6)) == [(30, True)]
    assert starts(coming_shifts(None, overrides, 99, START, 6)) == [(30, True)]
    assert starts(coming_shifts(ROT, overrides, 99, START + 40 * H, 6)) == []  # ended
    # 12's shifts at 24 h and 96 h are partly covered by 99's and 11's overrides; the one at
    # 168 h is listed once, as the override it now is.
    assert starts(coming_shifts(ROT, overrides, 12, START, 3)) == [
        (168, True), (240, False), (312, False)]


def test_next_shift_is_someone_coming_on_duty_not_someone_already_on() -> None:
    """Two overrides overlap now; one ends: that is no one's new shift. The next shift is
    the rotation's, when the second override ends."""
    b = Override(1, 98, START + H, START + 4 * H)
    a = Override(2, 99, START + 2 * H, START + 6 * H)
    at = START + 3 * H
    assert sorted(who(at, [b, a])) == [98, 99]
    nxt = next_shift(ROT, [b, a], at)
    assert nxt is not None and (nxt.person_id, nxt.start_at) == (11, START + 6 * H)
    assert nxt.end_at == START + 24 * H


def test_a_shift_ends_when_its_person_goes_off_duty() -> None:
    """A shift relieved by an override for an hour ends at the relief, and the override
    that relieves it is the next shift, from its start to its end."""
    relief = Override(1, 99, START + 10 * H, START + 11 * H)
    assert on_duty_until(ROT, [relief], 11, START + H) == START + 10 * H
    assert on_duty_until(ROT, [], 11, START + H) == START + 24 * H
    nxt = next_shift(ROT, [relief], START + H)
    assert nxt is not None and (nxt.person_id, nxt.start_at, nxt.end_at) == (
        99, START + 10 * H, START + 11 * H)
    # Then 11 is back until the handover: a shift of its own.
    nxt = next_shift(ROT, [relief], START + 10 * H + timedelta(minutes=30))
    assert nxt is not None and (nxt.person_id, nxt.start_at, nxt.end_at) == (
        11, START + 11 * H, START + 24 * H)


def test_a_duty_runs_continuously_across_rotation_and_overrides() -> None:
    own = Override(1, 11, START + 20 * H, START + 30 * H)  # 11 stays six hours longer
    assert on_duty_since(ROT, [own], 11, START + 22 * H) == START
    assert on_duty_since(ROT, [own], 11, START + 29 * H) == START
    assert on_duty_until(ROT, [own], 11, START + H) == START + 30 * H
    relief = Override(2, 99, START + 2 * H, START + 3 * H)
    assert on_duty_since(ROT, [relief], 11, START + 5 * H) == START + 3 * H
    assert on_duty_since(ROT, [relief], 11, START + H) == START
    # A rotation of one: each shift is a duty of its own (not one since the horizon).
    alone = Rotation((11,), timedelta(days=1), START)
    assert on_duty_since(alone, [], 11, START + 50 * H) == START + 48 * H


@pytest.mark.parametrize("seed", range(40))
def test_next_shift_starts_after_now_and_ends_after_it_starts(seed: int) -> None:
    """Whatever the rotation and overrides: "Ca tiếp theo" starts after now, ends after it
    starts, and its person was not on duty just before it."""
    rng = random.Random(seed)
    for _ in range(200):
        rotation = Rotation(tuple(rng.sample([1, 2, 3], rng.randint(1, 3))),
                            timedelta(hours=rng.choice([8, 12, 24])),
                            START + rng.randint(-30, 30) * H)
        overrides = sorted(
            (Override(i, rng.randint(1, 4), s, s + rng.randint(1, 20) * H)
             for i, s in enumerate(START + rng.randint(-10, 40) * H
                                   for _ in range(rng.randint(0, 4)))),
            key=lambda o: (o.start_at, o.id))
        now = START + rng.randint(-5, 30) * H + rng.choice([0, 30]) * timedelta(minutes=1)
        nxt = next_shift(rotation, [o for o in overrides if o.end_at > now], now)
        if nxt is None:
            continue
        assert now < nxt.start_at < nxt.end_at
        just_before = nxt.start_at - timedelta(seconds=1)
        assert nxt.person_id not in {s.person_id for s in on_duty(rotation, overrides,
                                                                  just_before)}
        assert nxt.person_id in {s.person_id for s in on_duty(rotation, overrides,
                                                              nxt.start_at)}
