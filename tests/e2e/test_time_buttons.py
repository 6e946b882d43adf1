"""Quick choices beside typed times (issue 10, item 4): «+1 giờ» «+2 giờ» «17:00 hôm nay»
«07:30 ngày mai» and the default, in /broadcast, «Gia hạn» and /duty_set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.directives import Urgency
from bot.storage.directives import DirectiveRepository
from bot.storage.drafts import Drafts
from bot.storage.duty import DutyRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_after_sending import open_status, sent
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_directives import agency_ids, draft, setup_liaisons

A = SUPER_ADMIN
VN = ZoneInfo("Asia/Ho_Chi_Minh")
QUICK = ["+1 giờ", "+2 giờ", "17:00 hôm nay", "07:30 ngày mai"]


def local(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=VN).astimezone(UTC)


def labels(msg: SentMessage) -> list[str]:
    return [str(b["text"]) for b in msg.buttons]


async def press(h: Harness, msg: SentMessage, label: str, data: str | None = None) -> str:
    """Press `label` on `msg` (or `data`, kept from before its buttons went); what the bot
    answered the tap (the alert's text, or "")."""
    query = h.fake.press_button(A, msg.message_id, data or msg.button_data(label))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return str((h.fake.callback_answer(query) or {}).get("text", ""))


async def to_deadline(h: Harness, urgency: str = "Khẩn") -> SentMessage:
    """/broadcast up to the acknowledgement deadline's question; that question."""
    await setup_liaisons(h)
    ask = await h.say(A, "/broadcast", has("độ khẩn"))
    secrecy = await tap(h, ask, urgency, "độ mật")
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
    assert asked is not None
    return asked


async def draft_answers(h: Harness) -> dict[str, object]:
    drafts: Drafts = h.services.drafts
    stored = await drafts.get(A, "broadcast")
    assert stored is not None
    return stored.answers


async def test_deadline_and_report_deadline_by_buttons(harness: Harness) -> None:
    h = harness  # 08:00 on 23/11/2026 in Vietnam; Khẩn: 4 hours by default
    asked = await to_deadline(h)
    assert labels(asked) == [*QUICK, "Mặc định: 12:00 23/11", "Hủy"]
    assert "mặc định cho Khẩn: 12:00 ngày 23/11/2026" in (asked.plain_text or "")
    before = len(h.fake.messages_to(A))
    assert await press(h, asked, "+2 giờ") == ""
    echo = await h.fake.wait_for_message(A, has("Thời hạn xác nhận:"), after=before)
    assert (echo.plain_text or "") == "⏰ Thời hạn xác nhận: 10:00 ngày 23/11/2026."
    report = await h.fake.wait_for_message(A, has("Có yêu cầu báo cáo"), after=before)
    # +1 giờ (09:00) would come before the acknowledgement deadline (10:00): not offered.
    assert labels(report) == ["+2 giờ", "17:00 hôm nay", "07:30 ngày mai",
                              "Không yêu cầu báo cáo", "Hủy"]
    # The answered question loses its buttons.
    await h.fake.wait_for_message(A, lambda m: m.message_id == asked.message_id and not m.buttons)
    before = len(h.fake.messages_to(A))
    await press(h, report, "07:30 ngày mai")
    echo = await h.fake.wait_for_message(A, has("Thời hạn báo cáo kết quả"), after=before)
    assert "07:30 ngày mai, 24/11/2026" in (echo.plain_text or "")
    summary = await h.fake.wait_for_message(A, has("Tóm tắt trước khi gửi"), after=before)
    await tap(h, summary, "Gửi", "Đang gửi văn bản số")
    [d] = await DirectiveRepository(h.services.db.reader).recent(10)
    assert (d.ack_deadline_at, d.report_deadline_at) == (local("23/11/2026 10:00"),
                                                         local("24/11/2026 07:30"))


async def test_a_choice_past_at_the_tap_is_refused_and_not_offered_again(
    harness: Harness
) -> None:
    h = harness
    h.clock.set(local("23/11/2026 16:30"))
    asked = await to_deadline(h, "Hỏa tốc")
    assert labels(asked) == [*QUICK, "Mặc định: 17:00 23/11", "Hủy"]
    h.clock.set(local("23/11/2026 17:05"))  # the admin looked away
    before = len(h.fake.messages_to(A))
    await press(h, asked, "17:00 hôm nay")
    refused = await h.fake.wait_for_message(A, after=before)
    assert (refused.plain_text or "").startswith("❌ Thời hạn “17:00 hôm nay” đã qua.")
    assert (await draft_answers(h))["ack_deadline_at"] is None  # nothing was taken
    # Still at the same question: another button works, and the report's question no
    # longer offers 17:00 today nor +1 giờ (18:05 is before the 19:05 deadline).
    before = len(h.fake.messages_to(A))
    await press(h, asked, "+2 giờ")
    report = await h.fake.wait_for_message(A, has("Có yêu cầu báo cáo"), after=before)
    assert labels(report) == ["+2 giờ", "07:30 ngày mai", "Không yêu cầu báo cáo", "Hủy"]
    assert (await draft_answers(h))["ack_deadline_at"] == int(local("23/11/2026 19:05").timestamp())


async def test_after_17h_today_is_not_offered(harness: Harness) -> None:
    h = harness
    h.clock.set(local("23/11/2026 17:00"))
    asked = await to_deadline(h)
    assert labels(asked) == ["+1 giờ", "+2 giờ", "07:30 ngày mai", "Mặc định: 21:00 23/11", "Hủy"]


async def test_stale_and_forged_quick_taps_change_nothing(harness: Harness) -> None:
    h = harness
    asked = await to_deadline(h)
    old = asked.button_data("+1 giờ")
    await press(h, asked, "Mặc định")
    report = await h.fake.wait_for_message(A, has("Có yêu cầu báo cáo"))
    # The deadline question's «+1 giờ», tapped at the report's question: stale.
    answer = await press(h, asked, "+1 giờ", old)
    assert answer == "Nút này thuộc một lần hỏi đã qua; không có gì thay đổi."
    # A report button with a forged nonce: stale too.
    real = report.button_data("17:00 hôm nay")
    forged = real[:-8] + "00000000"
    query = h.fake.press_button(A, report.message_id, forged)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "lần hỏi đã qua" in str((h.fake.callback_answer(query) or {}).get("text", ""))
    answers = await draft_answers(h)
    assert answers["ack_deadline_at"] is None and answers["report_deadline_at"] is None
    assert (await h.services.drafts.get(A, "broadcast")).step == "report"  # type: ignore[union-attr]
    # The real one still works.
    before = len(h.fake.messages_to(A))
    await press(h, report, "17:00 hôm nay")
    await h.fake.wait_for_message(A, has("Tóm tắt trước khi gửi"), after=before)


async def test_extension_by_buttons(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    directive = await sent(h, "TT_CNTT")  # Hỏa tốc, due 08:30: its default is not later
    status = await open_status(h)
    ask = await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")
    assert ask is not None
    assert "thời hạn hiện tại: 08:30 ngày 23/11/2026" in (ask.plain_text or "")
    assert labels(ask) == [*QUICK, "Hủy"]
    before = len(h.fake.messages_to(A))
    old = ask.button_data("+2 giờ")
    await press(h, ask, "+1 giờ")
    confirm = await h.fake.wait_for_message(A, has("Đồng ý gia hạn"), after=before)
    assert "đến 09:00 ngày 23/11/2026" in (confirm.plain_text or "")
    await tap(h, confirm, "Xác nhận", "Đã gia hạn")
    d = await h.services.broadcast.get(directive.id)
    assert d.ack_deadline_at == local("23/11/2026 09:00")
    # Its buttons are stale now (the conversation is over): nothing changes.
    assert "không còn hiệu lực" in await press(h, ask, "+2 giờ", old)
    assert (await h.services.broadcast.get(directive.id)).ack_deadline_at == local(
        "23/11/2026 09:00")


async def test_extension_default_and_cancel(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    d = draft(h, urgency=Urgency.THUONG, ack_deadline_at=local("23/11/2026 08:30"))
    d.agency_ids = await agency_ids(h, "TT_CNTT")
    directive, _ = await h.services.broadcast.send(A, d)
    status = await open_status(h)
    ask = await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")
    assert ask is not None
    assert labels(ask) == [*QUICK, "Mặc định: 16:00 23/11", "Hủy"]  # Thường: 8 hours
    h.clock.advance(timedelta(minutes=10))
    before = len(h.fake.messages_to(A))
    await press(h, ask, "Mặc định")
    confirm = await h.fake.wait_for_message(A, has("Đồng ý gia hạn"), after=before)
    assert "đến 16:10 ngày 23/11/2026" in (confirm.plain_text or "")  # from the tap
    await tap(h, confirm, "Hủy", "Đã hủy")
    assert (await h.services.broadcast.get(directive.id)).ack_deadline_at == local(
        "23/11/2026 08:30")
    # «Hủy» on the question itself.
    ask = await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")
    assert ask is not None
    await tap(h, ask, "Hủy", "Đã hủy")


async def test_duty_set_now_until_tomorrow_morning(harness: Harness, tmp_path: Path) -> None:
    from tests.e2e.test_escalation import start

    h = harness  # 08:00 on 23/11
    await start(h, tmp_path)
    pick = await h.say(A, "/duty_set", has("Chọn thành viên"))
    asked = await tap(h, pick, "Khách", "thời điểm bắt đầu trực")
    assert asked is not None
    assert labels(asked) == ["Bây giờ", *QUICK, "◀️ Quay lại", "Hủy"]
    before = len(h.fake.messages_to(A))
    await press(h, asked, "Bây giờ")
    end = await h.fake.wait_for_message(A, has("thời điểm kết thúc trực"), after=before)
    assert "bắt đầu 08:00 ngày 23/11/2026" in (end.plain_text or "")
    assert labels(end) == [*QUICK, "◀️ Quay lại", "Hủy"]
    confirm = await h.say(A, "mai 07:30", has("Xác nhận phân công"))
    assert "từ 08:00 ngày 23/11/2026 đến 07:30 ngày 24/11/2026" in (confirm.plain_text or "")
    await tap(h, confirm, "Xác nhận", "Đã phân công")
    p104 = await PeopleRepository(h.services.db.reader).by_telegram_id(104)
    [o] = await DutyRepository(h.services.db.reader).overrides()
    assert p104 is not None and o.person_id == p104.id
    assert (o.start_at, o.end_at) == (local("23/11/2026 08:00"), local("24/11/2026 07:30"))


async def test_duty_set_typed_now_and_buttons_for_the_end(harness: Harness,
                                                          tmp_path: Path) -> None:
    from tests.e2e.test_escalation import start

    h = harness
    await start(h, tmp_path)
    pick = await h.say(A, "/duty_set", has("Chọn thành viên"))
    await tap(h, pick, "Khách", "thời điểm bắt đầu trực")
    start_at = await h.say(A, "07:30 ngày mai", has("thời điểm kết thúc trực"))
    # From 07:30 tomorrow: +1/+2 giờ count from the start; 17:00 today is before it.
    assert labels(start_at) == ["+1 giờ", "+2 giờ", "◀️ Quay lại", "Hủy"]
    # «Quay lại» goes back to the start, which is asked again.
    before = len(h.fake.messages_to(A))
    await press(h, start_at, "Quay lại")
    again = await h.fake.wait_for_message(A, has("thời điểm bắt đầu trực"), after=before)
    old = again.button_data("+1 giờ")
    end = await h.say(A, "bây giờ", has("thời điểm kết thúc trực"))
    assert "◀️ Quay lại" in labels(end) and "+2 giờ" in labels(end)
    before = len(h.fake.messages_to(A))
    await press(h, end, "+2 giờ")
    confirm = await h.fake.wait_for_message(A, has("Xác nhận phân công"), after=before)
    assert "từ 08:00 ngày 23/11/2026 đến 10:00 ngày 23/11/2026" in (confirm.plain_text or "")
    # The start question shown again earlier is stale now.
    assert "lần hỏi đã qua" in await press(h, again, "+1 giờ", old)
    await tap(h, confirm, "Xác nhận", "Đã phân công")
    [o] = await DutyRepository(h.services.db.reader).overrides()
    assert (o.start_at, o.end_at) == (local("23/11/2026 08:00"), local("23/11/2026 10:00"))


async def test_duty_start_past_at_the_tap_is_refused(harness: Harness, tmp_path: Path) -> None:
    from tests.e2e.test_escalation import start

    h = harness
    h.clock.set(local("23/11/2026 16:50"))
    await start(h, tmp_path)
    pick = await h.say(A, "/duty_set", has("Chọn thành viên"))
    asked = await tap(h, pick, "Khách", "thời điểm bắt đầu trực")
    assert asked is not None and "17:00 hôm nay" in labels(asked)
    h.clock.set(local("23/11/2026 17:10"))
    before = len(h.fake.messages_to(A))
    await press(h, asked, "17:00 hôm nay")
    refused = await h.fake.wait_for_message(A, after=before)
    assert "“17:00 hôm nay” đã qua" in (refused.plain_text or "")
    assert (await h.services.drafts.get(A, "duty_admin")).step == "from"  # type: ignore[union-attr]
