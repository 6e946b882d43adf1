"""The quick choices of /duty_set read against a clock that moves, as the real one does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import InvalidInput
from bot.services.duty import DutyService
from bot.storage.db import Database
from bot.telegram import quick_view
from config.settings import Settings
from tests.services.test_escalation_engine import RecordingNotifier


class TickingClock:
    """Every reading a little later than the one before, like `SystemClock`."""

    def __init__(self) -> None:
        self._now = datetime(2026, 12, 31, 16, 59, 59, tzinfo=UTC)  # 23:59:59 in Vietnam

    def now(self) -> datetime:
        self._now += timedelta(microseconds=250)
        return self._now


def test_bay_gio_is_offered_and_taken_with_a_moving_clock(db: Database) -> None:
    clock = TickingClock()
    duty = DutyService(db, clock, Settings(), RecordingNotifier())
    start = duty.quick_start(quick_view.text("now"))  # «Bây giờ»: not "already past"
    assert abs(start - clock.now()) < timedelta(seconds=1)
    # On New Year's Eve, a second before midnight: «07:30 ngày mai» is 1 January next year.
    assert duty.quick_start(quick_view.text("m0730")) == datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        duty.quick_start(quick_view.text("t17"))  # 17:00 today is past
