from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.durations import humanize
from bot.telegram.escalation_view import deadline_state

DEADLINE = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("delta", "said"), [
    (timedelta(0), "1 giây"), (timedelta(milliseconds=300), "1 giây"),
    (timedelta(seconds=10), "10 giây"), (timedelta(seconds=59.5), "59 giây"),
    (timedelta(minutes=1), "1 phút"), (timedelta(hours=1, minutes=20), "1 giờ 20 phút"),
    (timedelta(days=2, hours=3, minutes=5), "2 ngày 3 giờ"),
])
def test_humanize_never_says_zero(delta: timedelta, said: str) -> None:
    assert humanize(delta) == said


@pytest.mark.parametrize(("offset", "said"), [
    (timedelta(seconds=-10), "còn 10 giây"), (timedelta(0), "vừa quá hạn"),
    (timedelta(seconds=59), "vừa quá hạn"), (timedelta(minutes=1), "quá hạn 1 phút"),
    (timedelta(minutes=4, seconds=30), "quá hạn 4 phút"),
])
def test_deadline_state_reads_sensibly(offset: timedelta, said: str) -> None:
    assert deadline_state(DEADLINE, DEADLINE + offset) == said
