"""The summary reminder (issue 13, item 4): a week before 20 June and 15 December, at 08:00
local time, once to each admin, even across restarts; late if the bot was down, never after
the due date."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import FAST, join
from tests.e2e.test_incident_taking import LIAISON, report
from tests.e2e.test_onboarding import import_province

ADMIN, NO_RECORD = 102, 9002
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TITLE = "Nhắc việc: báo cáo tổng hợp sự cố"


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A Hà Nội wall time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=HANOI).astimezone(UTC)


def reminders(h: Harness, user_id: int) -> list[str]:
    return [m.plain_text or "" for m in h.fake.messages_to(user_id)
            if TITLE in (m.plain_text or "")]


async def sweep(h: Harness) -> None:
    """The bot's own 30-second sweep, run now (the clock is fake)."""
    assert h.app is not None and h.app.job_queue is not None
    (job,) = h.app.job_queue.get_jobs_by_name("escalation-sweep")
    await job.run(h.app)
    await h.services.sender.drained()


async def test_once_a_week_before_each_due_date_to_every_admin_across_restarts(
        harness: Harness, tmp_path: Path) -> None:
    h = harness
    admins = {"admin_ids": (SUPER_ADMIN, NO_RECORD), **FAST}
    h.clock.set(local(2026, 6, 12, 9, 0))
    await h.start(**admins)
    await import_province(h)
    await h.say(SUPER_ADMIN, "/start")       # a super-admin with a record and a chat
    await join(h, ADMIN, "admin")
    await join(h, LIAISON, "liaison CAT")
    await report(h)                          # one incident in 2026 so far
    everyone = (SUPER_ADMIN, ADMIN, LIAISON, NO_RECORD)

    h.clock.set(local(2026, 6, 13, 7, 59))
    await sweep(h)
    assert all(reminders(h, u) == [] for u in everyone)  # 12 June and 13 June before 08:00

    h.clock.set(local(2026, 6, 13, 8, 0))
    await sweep(h)
    await sweep(h)
    for user in (SUPER_ADMIN, ADMIN):
        (text,) = reminders(h, user)
        assert "6 tháng đầu năm 2026" in text and "từ ngày 01/01/2026 đến ngày 30/06/2026" in text
        assert "trước ngày 20/06/2026" in text and "(tính đến 08:00 ngày 13/06/2026): 1" in text, text
        # It names the command that makes this summary (it exists now: tests/e2e/test_summary.py).
        assert "đề nghị gửi lệnh /summary 2026H1:" in text and "đề nghị liên hệ" in text
    assert reminders(h, LIAISON) == [] and reminders(h, NO_RECORD) == []

    await h.stop()                           # a restart later that week: not again
    h.clock.set(local(2026, 6, 15, 10, 0))
    await h.start(**admins)
    await sweep(h)
    assert [len(reminders(h, u)) for u in everyone] == [1, 1, 0, 0]

    await h.stop()                           # down at 08:00 on 8 December: sent on return
    h.clock.set(local(2026, 12, 10, 14, 0))
    await h.start(**admins)
    await h.services.sender.drained()        # the start-up catch-up, no sweep tick needed
    for user in (SUPER_ADMIN, ADMIN):
        annual = reminders(h, user)[-1]
        assert "sự cố năm 2026" in annual and "trước ngày 15/12/2026" in annual, annual
        assert "từ ngày 01/01/2026 đến ngày 31/12/2026" in annual
        assert "đề nghị gửi lệnh /summary 2026:" in annual  # the calendar year, not a half
    await sweep(h)
    assert [len(reminders(h, u)) for u in everyone] == [2, 2, 0, 0]

    await h.stop()                           # down all week before 20 June 2027: too late
    h.clock.set(local(2027, 6, 20, 8, 0))
    await h.start(**admins)
    await sweep(h)
    assert [len(reminders(h, u)) for u in everyone] == [2, 2, 0, 0]
