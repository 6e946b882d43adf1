"""The summary reminders' windows: from 08:00 a week before the due date, until that date."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.summaries import reminder_due

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("local", "due"), [
    (datetime(2026, 6, 13, 7, 59, tzinfo=HANOI), None),
    (datetime(2026, 6, 13, 8, 0, tzinfo=HANOI), date(2026, 6, 20)),
    (datetime(2026, 6, 19, 23, 59, tzinfo=HANOI), date(2026, 6, 20)),
    (datetime(2026, 6, 20, 0, 0, tzinfo=HANOI), None),            # the due date itself: too late
    (datetime(2026, 12, 8, 7, 59, tzinfo=HANOI), None),
    (datetime(2026, 12, 8, 8, 0, tzinfo=HANOI), date(2026, 12, 15)),
    (datetime(2026, 12, 15, 8, 0, tzinfo=HANOI), None),
    (datetime(2026, 1, 1, 8, 0, tzinfo=HANOI), None),
])
def test_reminder_window(local: datetime, due: date | None) -> None:
    found = reminder_due(local)
    assert (found.due if found else None) == due
    if found is not None:
        assert found.start == date(2026, 1, 1)
        assert found.end == (date(2026, 6, 30) if found.half_year else date(2026, 12, 31))
