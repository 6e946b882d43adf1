"""Steps already due when an escalation starts are skipped, not fired with it (issue 10, item 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.escalation import Step, Target, decide, level, rounds, skip

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # the deadline
M = timedelta(minutes=1)
S = timedelta(seconds=1)

HOA_TOC = (
    Step(-15 * M, (Target.AGENCY_LIAISONS,)),
    Step(0 * M, (Target.ON_DUTY,)),
    Step(30 * M, (Target.TEAM_LEAD, Target.ADMINS), repeat_every=30 * M, max_repeats=3),
)


@pytest.mark.parametrize(
    ("until", "skipped"),
    [
        (T0 - 20 * M, (0, 0, 0)),            # a comfortable deadline: nothing skipped
        (T0 - 15 * M - S, (0, 0, 0)),        # one second before the reminder is due
        (T0 - 15 * M, (1, 0, 0)),            # due exactly at the limit: skipped
        (T0 - 5 * M, (1, 0, 0)),             # the reminder's time has passed
        (T0, (1, 1, 0)),                     # the deadline itself is within the limit
        (T0 + 65 * M, (1, 1, 2)),            # occurrences of a repeating step, one by one
        (T0 + 10 * 60 * M, (1, 1, 4)),       # never more than the step has
    ],
)
def test_skip_counts_the_occurrences_due_at_or_before_the_limit(
    until: datetime, skipped: tuple[int, ...]
) -> None:
    assert skip(HOA_TOC, T0, until) == skipped


def test_skipped_occurrences_never_fire_and_the_next_one_is_due() -> None:
    skipped = skip(HOA_TOC, T0, T0 - 10 * M + M)  # sent 10 minutes before the deadline
    started = decide(HOA_TOC, T0, skipped, T0 - 10 * M)
    assert started.fire == () and started.next_due_at == T0
    at_deadline = decide(HOA_TOC, T0, skipped, T0)
    assert [(f.step, f.occurrence) for f in at_deadline.fire] == [(1, 0)]


def test_a_skipped_step_is_not_a_level_reached_nor_a_round() -> None:
    skipped = (1, 1, 0)  # reminder and on-duty skipped: the deadline was a minute away
    assert level(HOA_TOC, skipped, skipped) is None
    assert rounds(HOA_TOC, skipped, skipped) == (0, 4)  # "Đôn đốc (lần n/4)": 4 left
    assert rounds(HOA_TOC, (1, 1, 1), skipped) == (1, 4)
    assert level(HOA_TOC, (1, 1, 1), skipped) == (3, HOA_TOC[2])
    # Without skips, as before.
    assert rounds(HOA_TOC, (1, 1, 1)) == (2, 5)
    assert level(HOA_TOC, (1, 0, 0)) == (1, HOA_TOC[0])
