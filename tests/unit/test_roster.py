from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.roster import Override, Rotation, next_shift, on_duty, shifts_of

H = timedelta(hours=1)
START = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 07:30 in Vietnam: the handover
ROT = Rotation((11, 12, 13), timedelta(days=1), START)


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
