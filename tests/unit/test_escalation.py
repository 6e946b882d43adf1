"""Table-driven tests of the escalation decision function, to the second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.escalation import Decision, Step, Target, decide

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # the deadline
M = timedelta(minutes=1)

# The shipped default for Hỏa tốc: remind at -15m, on duty at 0, lead and admins at +30m,
# repeating every 30 min up to 3 times.
HOA_TOC = (
    Step(-15 * M, (Target.AGENCY_LIAISONS,)),
    Step(0 * M, (Target.ON_DUTY,)),
    Step(30 * M, (Target.TEAM_LEAD, Target.ADMINS), repeat_every=30 * M, max_repeats=3),
)


def run(done: tuple[int, ...], now: datetime) -> Decision:
    return decide(HOA_TOC, T0, done, now)


@pytest.mark.parametrize(
    ("now", "done", "fired", "after", "next_due"),
    [
        # nothing yet
        (T0 - 20 * M, (0, 0, 0), [], (0, 0, 0), T0 - 15 * M),
        # each step at its time, to the second
        (T0 - 15 * M, (0, 0, 0), [(0, 0, 0)], (1, 0, 0), T0),
        (T0 - 15 * M + timedelta(seconds=1), (1, 0, 0), [], (1, 0, 0), T0),
        (T0, (1, 0, 0), [(1, 0, 0)], (1, 1, 0), T0 + 30 * M),
        (T0 + 30 * M, (1, 1, 0), [(2, 0, 0)], (1, 1, 1), T0 + 60 * M),
        # repeats, then max_repeats stops them
        (T0 + 60 * M, (1, 1, 1), [(2, 1, 0)], (1, 1, 2), T0 + 90 * M),
        (T0 + 90 * M, (1, 1, 2), [(2, 2, 0)], (1, 1, 3), T0 + 120 * M),
        (T0 + 120 * M, (1, 1, 3), [(2, 3, 0)], (1, 1, 4), None),
        (T0 + 600 * M, (1, 1, 4), [], (1, 1, 4), None),
        # the bot was down across several steps: each step fires once, repeats collapse
        (T0 + 95 * M, (0, 0, 0), [(0, 0, 0), (1, 0, 0), (2, 2, 2)], (1, 1, 3), T0 + 120 * M),
        # a wake-up that came late still fires its step
        (T0 + 3 * M, (1, 0, 0), [(1, 0, 0)], (1, 1, 0), T0 + 30 * M),
    ],
)
def test_decide(now, done, fired, after, next_due) -> None:
    decision = run(done, now)
    assert [(f.step, f.occurrence, f.collapsed) for f in decision.fire] == fired
    assert decision.done == after
    assert decision.next_due_at == next_due


def test_lateness_is_reported_against_the_due_time() -> None:
    decision = run((1, 1, 0), T0 + 95 * M)
    [fired] = decision.fire
    assert fired.due_at == T0 + 90 * M and fired.late_by == 5 * M and fired.collapsed == 2


def test_running_twice_is_harmless() -> None:
    first = run((0, 0, 0), T0)
    second = run(first.done, T0)
    assert len(first.fire) == 2 and second.fire == ()


def test_deadline_moved_moves_the_steps() -> None:
    later = decide(HOA_TOC, T0 + 60 * M, (0, 0, 0), T0)
    assert later.fire == () and later.next_due_at == T0 + 45 * M


def test_counters_must_match_steps() -> None:
    with pytest.raises(ValueError):
        decide(HOA_TOC, T0, (0,), T0)


def test_level_reached() -> None:
    from bot.domain.escalation import level

    assert level(HOA_TOC, (0, 0, 0)) is None
    assert level(HOA_TOC, (1, 0, 0)) == (1, HOA_TOC[0])
    assert level(HOA_TOC, (1, 1, 2)) == (3, HOA_TOC[2])



@pytest.mark.parametrize(
    ("done", "expected"),
    [
        # Đôn đốc counts the occurrences of steps that tell someone beyond the agency's own
        # liaisons (those are "Nhắc hạn"): on duty once, then lead and admins 1 + 3 times.
        ((0, 0, 0), (0, 5)),
        ((1, 0, 0), (0, 5)),  # only the reminder so far
        ((1, 1, 0), (1, 5)),
        ((1, 1, 1), (2, 5)),
        ((1, 1, 4), (5, 5)),
        ((0, 1, 0), (1, 5)),  # the reminder was skipped (the deadline was short)
    ],
)
def test_rounds_of_urging(done: tuple[int, ...], expected: tuple[int, int]) -> None:
    from bot.domain.escalation import rounds

    assert rounds(HOA_TOC, done) == expected


def test_rounds_of_a_policy_that_only_reminds() -> None:
    from bot.domain.escalation import rounds

    reminders = (Step(-M, (Target.AGENCY_LIAISONS,)), Step(0 * M, (Target.AGENCY_LIAISONS,)))
    assert rounds(reminders, (1, 1)) == (0, 0)
    both = (Step(0 * M, (Target.AGENCY_LIAISONS, Target.ON_DUTY)),)
    assert rounds(both, (1,)) == (1, 1)
