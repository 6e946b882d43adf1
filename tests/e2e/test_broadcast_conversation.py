"""The /broadcast conversation end to end, bad answers included."""

from __future__ import annotations

import itertools

import pytest

from bot.storage.directives import DirectiveRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import is_directive, setup_liaisons

A = SUPER_ADMIN


def has(fragment: str):
    return lambda m: fragment in (m.plain_text or m.text or "")


async def tap(h: Harness, msg: SentMessage, label: str, expect: str | None = None) -> SentMessage | None:
    """Press the button labelled `label` on `msg`; return the next message containing `expect`."""
    before = len(h.fake.messages_to(A))
    query = h.fake.press_button(A, msg.message_id, msg.button_data(label))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    if expect is None:
        return None
    return await h.fake.wait_for_message(A, has(expect), after=before)


async def count_directives(h: Harness) -> int:
    return len(await DirectiveRepository(h.services.db.reader).recent(100))


async def test_full_conversation_with_bad_answers_then_send(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    ask = await h.say(A, "/broadcast", has("độ khẩn"))
    wrong = await h.say(A, "Hỏa tốc")  # typed where a button is expected
    assert "chọn bằng các nút" in (wrong.plain_text or "")
    secrecy = await tap(h, ask, "Hỏa tốc", "độ mật")
    assert secrecy is not None
    number = await tap(h, secrecy, "Không mật", "số, ký hiệu")
    assert number is not None
    bad = await h.say(A, "công văn khẩn")
    assert "không đúng dạng số, ký hiệu" in (bad.plain_text or "")
    before = len(h.fake.messages_to(A))
    h.fake.send_sticker(A)
    sticker = await h.fake.wait_for_message(A, after=before)
    assert "trả lời bằng chữ" in (sticker.plain_text or "")
    await h.say(A, "33/CĐ-TTg", has("ngày ban hành"))
    await h.say(A, "30/8/2022", has("cơ quan ban hành"))
    await h.say(A, "UBND tỉnh An Giang", has("trích yếu"))
    await h.say(A, "V/v tăng cường bảo đảm an toàn thông tin mạng", has("nội dung"))
    body = await h.say(A, "Các cơ quan trực 24/7 & báo cáo <ngay>.", has("Đã nhận nội dung"))
    picker = await tap(h, body, "Tiếp tục", "nơi nhận")
    assert picker is not None
    # «Xong» with nothing chosen is refused.
    refused = await tap(h, picker, "Xong", "Chưa chọn nơi nhận")
    assert refused is not None
    # Filter by typing part of a name, without diacritics, then pick the centre.
    filtered = await h.say(A, "cong nghe thong tin", has("Đang lọc"))
    await tap(h, filtered, "Trung tâm Công nghệ")
    group_picker = await h.say(A, "cong an tinh", has("Đang lọc"))
    await tap(h, group_picker, "Công an tỉnh")
    latest = await h.fake.wait_for_message(
        A, lambda m: m.message_id == group_picker.message_id and "<b>2</b> đơn vị" in (m.text or ""))
    assert "<b>3</b> người nhận" in (latest.text or "")
    deadline = await tap(h, latest, "Xong", "hạn xác nhận")
    assert deadline is not None
    past = await h.say(A, "01/01/2020 08:00")
    assert "đã qua" in (past.plain_text or "")
    ancient = await h.say(A, "01/01/0001 00:00")
    assert "đã qua" in (ancient.plain_text or "")
    far = await h.say(A, "31/12/9999 17:00")
    assert "quá xa: tối đa 60 ngày" in (far.plain_text or "")
    nonsense = await h.say(A, "tuần sau")
    assert "không phải thời hạn hợp lệ" in (nonsense.plain_text or "")
    report = await h.say(A, "45p", has("báo cáo kết quả"))
    summary = await tap(h, report, "Không yêu cầu", "Tóm tắt trước khi gửi")
    assert summary is not None and "2</b> đơn vị" in (summary.text or "")
    preview = next(m for m in h.fake.messages_to(A) if "33/CĐ-TTg" in (m.text or "") and m.buttons)
    assert "&amp;" in (preview.text or "") and "&lt;ngay&gt;" in (preview.text or "")
    assert await count_directives(h) == 0  # nothing saved before «Gửi»

    await tap(h, summary, "Gửi", "Đang gửi văn bản số")
    for user in (101, 102, 103):
        copy = await h.fake.wait_for_message(
            user, lambda m: "33/CĐ-TTg" in (m.text or "") and bool(m.buttons))
        assert "HỎA TỐC" in (copy.plain_text or "")
        assert "Số: 33/CĐ-TTg, ngày 30/8/2022\n" in (copy.plain_text or "")
    assert await count_directives(h) == 1
    status = await h.fake.wait_for_message(A, has("Tình hình văn bản"))
    # The status message ends with the true tallies once everything is sent.
    await h.fake.wait_for_message(
        A, lambda m: m.message_id == status.message_id and "đã gửi 3/3" in (m.plain_text or ""),
        timeout=10)


@pytest.mark.parametrize("mark", ["Mật", "Tối mật", "Tuyệt mật"])
async def test_secret_directive_is_refused_and_nothing_saved(harness: Harness, mark: str) -> None:
    h = harness
    await setup_liaisons(h)
    ask = await h.say(A, "/broadcast", has("độ khẩn"))
    secrecy = await tap(h, ask, "Khẩn", "độ mật")
    assert secrecy is not None
    refused = await tap(h, secrecy, mark, "không được gửi qua Telegram")
    assert refused is not None
    assert await count_directives(h) == 0
    after = await h.say(A, "1556/UBND-KGVX")  # the conversation is over
    assert "ban hành" not in (after.plain_text or "")


async def test_cancel_at_any_step_and_liaison_refused(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    ask = await h.say(A, "/broadcast", has("độ khẩn"))
    await tap(h, ask, "Thường", "độ mật")
    cancelled = await h.say(A, "/cancel")
    assert "Đã hủy" in (cancelled.plain_text or "")
    nothing = await h.say(A, "/cancel")
    assert "Không có thao tác" in (nothing.plain_text or "")
    refused = await h.say(101, "/broadcast")
    assert "chỉ dành cho quản trị" in (refused.plain_text or "")


async def test_ack_tap_reaches_its_handler_during_a_conversation(harness: Harness) -> None:
    """A liaison in the middle of a conversation taps «Đã nhận văn bản»: it is recorded."""
    h = harness
    await setup_liaisons(h)
    # Make 101 an admin too, so they can be inside /broadcast while a directive arrives.
    from bot.domain.invites import InviteSpec
    from bot.domain.models import Role
    from bot.services.onboarding import TelegramIdentity
    from tests.e2e.test_directives import agency_ids, draft

    created = await h.services.onboarding.create_invite(A, InviteSpec(Role.ADMIN))
    await h.services.onboarding.redeem(TelegramIdentity(101, 101, "Lan"), created.token)
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT")
    directive, _ = await h.services.broadcast.send(A, d)
    copy = await h.fake.wait_for_message(101, is_directive)
    before = len(h.fake.messages_to(101))
    h.fake.send_text(101, "/broadcast")
    await h.fake.wait_for_message(101, has("độ khẩn"), after=before)
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "Đã ghi nhận" in (h.fake.callback_answer(query) or {}).get("text", "")
    assert len(await DirectiveRepository(h.services.db.reader).acks(directive.id)) == 1


async def pick_to_preview(h: Harness, *group_labels: str, command: str = "/broadcast"
                          ) -> SentMessage:
    """Run /broadcast up to the preview, choosing the given groups; returns the summary."""
    ask = await h.say(A, command, has("độ khẩn"))
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
    for label in group_labels:
        await tap(h, picker, label)
        picker = await h.fake.wait_for_message(
            A, lambda m, p=picker.message_id, lab=label: m.message_id == p
            and f"✅ {lab}" in str(m.reply_markup))
    deadline = await tap(h, picker, "Xong", "hạn xác nhận")
    assert deadline is not None
    report = await tap(h, deadline, "Mặc định", "báo cáo kết quả")
    assert report is not None
    summary = await tap(h, report, "Không yêu cầu", "Tóm tắt trước khi gửi")
    assert summary is not None
    return summary


async def test_two_groups_reach_exactly_their_reachable_liaisons_once(harness: Harness) -> None:
    h = harness
    from tests.e2e.test_directives import FAST, join
    from tests.e2e.test_onboarding import import_province

    await h.start(**FAST)
    await import_province(h)
    await join(h, 101, "liaison VNPT_AG")
    await join(h, 102, "liaison TT_CNTT")
    await join(h, 103, "liaison SNV")  # in neither group
    summary = await pick_to_preview(h, "Các doanh nghiệp viễn thông", "Trung tâm Công nghệ")
    text = summary.plain_text or ""
    assert "6 đơn vị, 2 người nhận" in text
    assert "4 đơn vị chưa có cán bộ đầu mối liên lạc được" in text and "Viettel" in text
    await tap(h, summary, "Gửi", "Đang gửi văn bản số")
    for user in (101, 102):
        copy = await h.fake.wait_for_message(user, lambda m: "576/UBND-VHXH" in (m.text or "")
                                             and bool(m.buttons))
        assert [b["text"] for b in copy.buttons] == ["✅ Đã nhận văn bản"]
    status = await h.fake.wait_for_message(A, has("Tình hình văn bản"))
    final = await h.fake.wait_for_message(
        A, lambda m: m.message_id == status.message_id and "đã gửi 2/2" in (m.plain_text or ""),
        timeout=10)
    assert "đã xác nhận 0/6" in (final.plain_text or "")
    assert "không liên lạc được 4" in (final.plain_text or "")
    await h.services.sender.drained()
    for user in (101, 102):
        assert sum("576/UBND-VHXH" in (m.text or "") for m in h.fake.messages_to(user)) == 1
    assert not any("576/UBND-VHXH" in (m.text or "") for m in h.fake.messages_to(103))
    # The live status is edited, never more often than every 3 seconds.
    times = [e.time for e in final.edits]
    assert all(b - a >= 2.9 for a, b in itertools.pairwise(times))


async def test_edit_from_the_preview_changes_one_field(harness: Harness) -> None:
    h = harness
    from tests.e2e.test_directives import FAST, join
    from tests.e2e.test_onboarding import import_province

    await h.start(**FAST)
    await import_province(h)
    await join(h, 102, "liaison TT_CNTT")
    summary = await pick_to_preview(h, "Trung tâm Công nghệ")
    menu_before = len(h.fake.messages_to(A))
    query = h.fake.press_button(A, summary.message_id, summary.button_data("Sửa"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    menu = await h.fake.wait_for_message(
        A, lambda m: m.message_id == summary.message_id and "Số, ký hiệu" in str(m.reply_markup))
    await tap(h, menu, "Số, ký hiệu", "số, ký hiệu")
    new_summary = await h.say(A, "577/UBND-VHXH", has("Tóm tắt trước khi gửi"))
    preview = [m for m in h.fake.messages_to(A)[menu_before:] if "577/UBND-VHXH" in (m.text or "")]
    assert preview and "Trực 24/7." in (preview[-1].plain_text or "")  # the rest is kept
    await tap(h, new_summary, "Gửi", "Đang gửi văn bản số")
    copy = await h.fake.wait_for_message(102, lambda m: "577/UBND-VHXH" in (m.text or ""))
    assert "KHẨN" in (copy.plain_text or "")
