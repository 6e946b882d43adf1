"""Times typed the way officials write them (issue 9), through /broadcast and /duty_set."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.storage.directives import DirectiveRepository
from bot.storage.duty import DutyRepository
from bot.storage.people import PeopleRepository
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_directives import setup_liaisons

A = SUPER_ADMIN
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=VN).astimezone(UTC)


@pytest.mark.parametrize(("now", "echo", "deadline"), [
    # At 09:00 "17h" is five o'clock this afternoon, never seventeen hours from now.
    ("23/11/2026 09:00", "Thời hạn xác nhận: 17:00 ngày 23/11/2026.", "23/11/2026 17:00"),
    # At 18:30 it has passed: tomorrow's, and the echo says so.
    ("23/11/2026 18:30", "Thời hạn xác nhận: 17:00 ngày mai, 24/11/2026.", "24/11/2026 17:00"),
])
async def test_17h_is_a_clock_time(harness: Harness, now: str, echo: str, deadline: str) -> None:
    h = harness
    h.clock.set(local(now))
    await setup_liaisons(h)
    ask = await h.say(A, "/broadcast", has("độ khẩn"))
    secrecy = await tap(h, ask, "Khẩn", "độ mật")
    assert secrecy is not None
    await tap(h, secrecy, "Không mật", "số, ký hiệu")
    await h.say(A, "576/UBND-VHXH", has("ngày ban hành"))
    await h.say(A, "10/5/2016", has("cơ quan ban hành"))
    await h.say(A, "UBND tỉnh", has("trích yếu"))
    await h.say(A, "bảo đảm an toàn thông tin mạng dịp bầu cử", has("nội dung"))
    body = await h.say(A, "Trực 24/7.", has("Đã nhận nội dung"))
    picker = await tap(h, body, "Tiếp tục", "nơi nhận")
    assert picker is not None
    await tap(h, picker, "Trung tâm Công nghệ")
    picker = await h.fake.wait_for_message(
        A, lambda m: m.message_id == picker.message_id and "✅ Trung tâm" in str(m.reply_markup))
    asked = await tap(h, picker, "Xong", "thời hạn xác nhận")
    assert asked is not None and "17h" in (asked.plain_text or "")  # the examples
    before = len(h.fake.messages_to(A))
    said = await h.say(A, "17h")
    assert (said.plain_text or "").startswith(f"⏰ {echo}")
    report = await h.fake.wait_for_message(A, has("Có yêu cầu báo cáo"), after=before)
    summary = await tap(h, report, "Không yêu cầu", "Tóm tắt trước khi gửi")
    assert summary is not None
    await tap(h, summary, "Gửi", "Đang gửi văn bản số")
    [d] = await DirectiveRepository(h.services.db.reader).recent(10)
    assert d.ack_deadline_at == local(deadline)


async def test_duty_set_with_the_time_first(harness: Harness, tmp_path: Path) -> None:
    from tests.e2e.test_escalation import start

    h = harness  # 08:00 on 23/11 in Vietnam
    await start(h, tmp_path)
    pick = await h.say(SUPER_ADMIN, "/duty_set", has("Chọn thành viên"))
    asked = await tap(h, pick, "Khách", "thời điểm bắt đầu trực")
    assert asked is not None and "07:30" in (asked.plain_text or "")
    await h.say(SUPER_ADMIN, "20h ngày 24/11", has("thời điểm kết thúc trực"))
    # The end is read from the start: "7h" is the next 07:00 after 20:00, the next morning.
    confirm = await h.say(SUPER_ADMIN, "7h", has("Xác nhận phân công"))
    assert "từ 20:00 ngày 24/11/2026 đến 07:00 ngày 25/11/2026" in (confirm.plain_text or "")
    await tap(h, confirm, "Xác nhận", "Đã phân công")
    p104 = await PeopleRepository(h.services.db.reader).by_telegram_id(104)
    [o] = await DutyRepository(h.services.db.reader).overrides()
    assert p104 is not None and o.person_id == p104.id
    assert (o.start_at, o.end_at) == (local("24/11/2026 20:00"), local("25/11/2026 07:00"))
