"""Sending is done once: a failed reply after the commit never leads to a second send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.storage.directives import DirectiveRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import count_directives, has, pick_to_preview, tap
from tests.e2e.test_directives import (
    FAST,
    join,
)
from tests.e2e.test_onboarding import import_province
from tests.e2e.test_result_reports import open_report

A = SUPER_ADMIN


def error_said(h: Harness, user_id: int) -> bool:
    return any("Có lỗi" in (m.plain_text or "") for m in h.fake.messages_to(user_id))


async def tap_and_wait(h: Harness, user_id: int, message_id: int, data: str) -> str:
    """Press a button and wait until the bot has answered the tap."""
    query = h.fake.press_button(user_id, message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return query


async def test_report_saved_once_when_the_keyboard_edit_fails(harness: Harness) -> None:
    h = harness
    directive, _ = await open_report(h)
    got = await h.say(103, "Đã bố trí trực 24/7.", has("Đã ghi nhận ("))

    # The report is committed, then Telegram fails the edit that drops the keyboard.
    h.fake.fail_next("editMessageReplyMarkup", 502)
    before = len(h.fake.messages_to(103))
    await tap_and_wait(h, 103, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(103, has("Đã lưu báo cáo"), after=before)
    assert not error_said(h, 103)

    # The liaison taps «Gửi báo cáo» again on the same message: nothing more is stored.
    await tap_and_wait(h, 103, got.message_id, got.button_data("Gửi báo cáo"))
    await h.services.sender.drained()
    reports = await DirectiveRepository(h.services.db.reader).result_reports(directive.id)
    assert len(reports) == 1 and reports[0]["text"] == "Đã bố trí trực 24/7."
    notices = [m for m in h.fake.messages_to(A) if "Đã bố trí trực 24/7" in (m.plain_text or "")]
    assert len(notices) == 1
    assert not error_said(h, 103)
    assert sum("Đã lưu báo cáo" in (m.plain_text or "") for m in h.fake.messages_to(103)) == 1


async def preview_for_centre(h: Harness, **settings: object) -> SentMessage:
    """The IT&C centre's liaison (102) has joined; /broadcast is at its preview."""
    await h.start(**FAST, **settings)
    await import_province(h)
    await join(h, 102, "liaison TT_CNTT")
    return await pick_to_preview(h, "Trung tâm Công nghệ")


def offers_send(m: SentMessage) -> bool:
    return any("Gửi" in str(b.get("text", "")) for b in m.buttons)


async def count_copies(h: Harness, user_id: int) -> int:
    await h.services.sender.drained()
    return sum("576/UBND-VHXH" in (m.text or "") and bool(m.buttons)
               for m in h.fake.messages_to(user_id))


@pytest.mark.parametrize("failing", ["sendMessage", "editMessageReplyMarkup"])
async def test_directive_sent_once_when_the_reply_after_send_fails(
    harness: Harness, failing: str
) -> None:
    """The confirmation (or the preview's keyboard edit) fails after «Gửi»: no "Có lỗi"."""
    h = harness
    summary = await preview_for_centre(h)
    # Only the conversation's own replies may meet the fault: the outbox waits.
    await h.services.sender.stop()
    h.fake.fail_next(failing, 502)
    before = len(h.fake.messages_to(A))
    send = summary.button_data("Gửi")
    await tap_and_wait(h, A, summary.message_id, send)
    await h.fake.wait_for_message(A, has("Tình hình văn bản"), after=before)
    assert await count_directives(h) == 1
    assert not error_said(h, A)

    # The admin taps the old preview's «Gửi» again: refused, nothing stored, no new offer.
    after_send = len(h.fake.messages_to(A))
    query = await tap_and_wait(h, A, summary.message_id, send)
    assert "không còn hiệu lực" in (h.fake.callback_answer(query) or {}).get("text", "")
    await h.say(A, "/cancel")  # a round trip: the tap has been handled
    assert await count_directives(h) == 1
    assert not any(offers_send(m) for m in h.fake.messages_to(A)[after_send:])
    assert not error_said(h, A)
    await h.services.sender.start()
    h.services.sender.wake()
    assert await count_copies(h, 102) == 1


async def set_report_deadline(h: Harness, summary: SentMessage, text: str) -> SentMessage:
    """From the preview, «Sửa» → «Thời hạn báo cáo», type `text`; returns the new summary."""
    await tap_and_wait(h, A, summary.message_id, summary.button_data("Sửa"))
    menu = await h.fake.wait_for_message(
        A, lambda m: m.message_id == summary.message_id and "Thời hạn báo cáo" in str(m.reply_markup))
    await tap(h, menu, "Thời hạn báo cáo", "báo cáo kết quả")
    return await h.say(A, text, has("Tóm tắt trước khi gửi"))


@pytest.mark.parametrize(("report", "later", "refusal"), [
    ("+5h", timedelta(hours=6), "đã qua"),  # the report deadline passed during the preview
    # Still ahead, but the default acknowledgement deadline (4 h from «Gửi») is now later.
    ("270p", timedelta(hours=1), "sớm hơn thời hạn xác nhận"),
])
async def test_report_deadline_checked_again_at_send(
    harness: Harness, report: str, later: timedelta, refusal: str
) -> None:
    h = harness
    # «Khẩn»: acknowledgement within 4 hours. The admin leaves the preview for hours, so
    # the draft must outlive them (drafts time out on the bot's clock since issue 8).
    summary = await preview_for_centre(h, conversation_timeout_minutes=12 * 60)
    summary = await set_report_deadline(h, summary, report)
    h.clock.advance(later)
    before = len(h.fake.messages_to(A))
    await tap_and_wait(h, A, summary.message_id, summary.button_data("Gửi"))
    refused = await h.fake.wait_for_message(A, has(refusal), after=before)
    await h.fake.wait_for_message(A, has("Có yêu cầu báo cáo kết quả thực hiện"), after=before)
    assert "hạn báo cáo kết quả" in (refused.plain_text or "").lower()
    assert await count_directives(h) == 0
    # Asked again, the admin's answer is checked at once; the rest of the draft is kept.
    early = await h.say(A, "+1h")
    assert "sớm hơn thời hạn xác nhận" in (early.plain_text or "")
    new_summary = await h.say(A, "25/11 17:00", has("Tóm tắt trước khi gửi"))
    await tap(h, new_summary, "Gửi", "Đang gửi văn bản số")
    [d] = await DirectiveRepository(h.services.db.reader).recent(10)
    assert d.number == "576/UBND-VHXH"
    assert d.report_deadline_at == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 17:00 local
    assert d.report_deadline_at > d.ack_deadline_at


async def preview_as(h: Harness, user: int) -> SentMessage:
    """`user` runs /broadcast to the preview, for the IT&C centre, with the defaults."""

    async def step(msg: SentMessage, label: str, expect: str) -> SentMessage:
        before = len(h.fake.messages_to(user))
        await tap_and_wait(h, user, msg.message_id, msg.button_data(label))
        return await h.fake.wait_for_message(user, has(expect), after=before)

    ask = await h.say(user, "/broadcast", has("độ khẩn"))
    secrecy = await step(ask, "Khẩn", "độ mật")
    await step(secrecy, "Không mật", "số, ký hiệu")
    await h.say(user, "576/UBND-VHXH", has("ngày ban hành"))
    await h.say(user, "10/5/2016", has("cơ quan ban hành"))
    await h.say(user, "UBND tỉnh", has("trích yếu"))
    await h.say(user, "bảo đảm an toàn thông tin mạng dịp bầu cử", has("nội dung"))
    body = await h.say(user, "Trực 24/7.", has("Đã nhận nội dung"))
    picker = await step(body, "Tiếp tục", "nơi nhận")
    await tap_and_wait(h, user, picker.message_id, picker.button_data("Trung tâm Công nghệ"))
    picker = await h.fake.wait_for_message(
        user, lambda m: m.message_id == picker.message_id and "✅ Trung tâm" in str(m.reply_markup))
    deadline = await step(picker, "Xong", "hạn xác nhận")
    report = await step(deadline, "Mặc định", "báo cáo kết quả")
    return await step(report, "Không yêu cầu", "Tóm tắt trước khi gửi")


async def test_admin_who_lost_the_role_is_refused_at_send(harness: Harness) -> None:
    from bot.domain.invites import InviteSpec
    from bot.domain.models import Role
    from bot.services.onboarding import TelegramIdentity
    from bot.storage.people import PeopleRepository

    h = harness
    B = 9002  # a second admin, by invitation
    await h.start(**FAST)
    await import_province(h)
    await join(h, 102, "liaison TT_CNTT")
    created = await h.services.onboarding.create_invite(A, InviteSpec(Role.ADMIN))
    await h.services.onboarding.redeem(TelegramIdentity(B, B, "Phó"), created.token)
    summary = await preview_as(h, B)
    # While B looks at the preview, the role is taken away (a re-import, say).
    async with h.services.db.transaction() as conn:
        people = PeopleRepository(conn)
        person = await people.by_telegram_id(B)
        assert person is not None
        await people.set_roles(person.id, set())
    before = len(h.fake.messages_to(B))
    await tap_and_wait(h, B, summary.message_id, summary.button_data("Gửi"))
    refused = await h.fake.wait_for_message(B, after=before)
    assert "chỉ dành cho quản trị" in (refused.plain_text or "")
    assert await count_directives(h) == 0
    await h.services.sender.drained()
    assert not any("576/UBND-VHXH" in (m.text or "") for m in h.fake.messages_to(102))


async def test_ack_deadline_passed_on_the_preview_is_asked_again(harness: Harness) -> None:
    h = harness
    summary = await preview_for_centre(h)
    await tap_and_wait(h, A, summary.message_id, summary.button_data("Sửa"))
    menu = await h.fake.wait_for_message(
        A, lambda m: m.message_id == summary.message_id and "Thời hạn xác nhận" in str(m.reply_markup))
    await tap(h, menu, "Thời hạn xác nhận", "hạn xác nhận")
    summary = await h.say(A, "45p", has("Tóm tắt trước khi gửi"))
    h.clock.advance(hours=1)  # the admin looked at the preview for an hour
    before = len(h.fake.messages_to(A))
    await tap_and_wait(h, A, summary.message_id, summary.button_data("Gửi"))
    await h.fake.wait_for_message(A, has("đã qua"), after=before)
    await h.fake.wait_for_message(A, has("Nhập thời hạn xác nhận"), after=before)
    assert await count_directives(h) == 0
    new_summary = await h.say(A, "+2h", has("Tóm tắt trước khi gửi"))
    await tap(h, new_summary, "Gửi", "Đang gửi văn bản số")
    [d] = await DirectiveRepository(h.services.db.reader).recent(10)
    assert d.number == "576/UBND-VHXH"  # the draft was kept
    assert d.ack_deadline_at == h.clock.now() + timedelta(hours=2)
