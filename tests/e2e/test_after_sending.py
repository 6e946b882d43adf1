"""After a broadcast: status views, /pending, extend, correct, recall, unreachable recipients."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.domain.errors import InvalidInput
from bot.storage.audit import AuditRepository
from bot.storage.people import PeopleRepository
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_directives import agency_ids, draft, is_directive, setup_liaisons

A = SUPER_ADMIN


async def sent(h: Harness, *codes: str):
    d = draft(h)
    d.agency_ids = await agency_ids(h, *codes)
    directive, _ = await h.services.broadcast.send(A, d)
    await h.services.sender.drained()
    return directive


async def test_status_lists_unacknowledged_agencies_with_phones(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await h.say(101, "/phone 0912 345 678")
    directive = await sent(h, "CAT", "TT_CNTT", "SNV")  # SNV: nobody has joined
    listing = await h.say(A, "/status", has("Văn bản gần đây"))
    assert any("1556/UBND-KGVX" in b["text"] for b in listing.buttons)
    view = await tap(h, listing, "1556/UBND-KGVX", "Chưa xác nhận")
    assert view is not None
    text = view.plain_text or ""
    assert "không liên lạc được 1" in text  # SNV has no reachable liaison
    assert "Công an tỉnh" in text
    # SNV is counted in one line, and named behind «Xem».
    assert "1 đơn vị chưa có đầu mối trên bot" in text and "Sở Nội vụ" not in text
    # Whom to call: each waiting agency's primary liaison, with a phone number.
    assert re.search(r"Công an tỉnh — [^\n(]+ \(0[\d ]{9,}\)", text), text
    assert "Lý Ngọc Khoa" not in text  # imported for CAT, never joined: not a contact
    by_number = await h.say(A, "/status 1556/UBND-KGVX", has("Chưa xác nhận"))
    nobody = await tap(h, by_number, "Xem 1 đơn vị chưa có đầu mối", "Chưa có đầu mối")
    assert nobody is not None and "Sở Nội vụ" in (nobody.plain_text or "")
    # Typed as it shows (spaces, a pasted en dash): the same directive, as /broadcast reads it.
    pasted = await h.say(A, "/status 1556 / UBND–KGVX")
    assert "Tình hình văn bản" in (pasted.plain_text or ""), pasted.plain_text
    missing = await h.say(A, "/status 9/XX-YY")
    assert "Không tìm thấy văn bản số" in (missing.plain_text or "")
    assert directive.id


async def test_pending_for_liaisons(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await sent(h, "CAT")
    waiting = await h.say(101, "/pending")
    assert "1556/UBND-KGVX" in (waiting.plain_text or "")
    copy = await h.fake.wait_for_message(102, is_directive)
    query = h.fake.press_button(102, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    done = await h.say(101, "/pending")
    assert "không còn văn bản nào" in (done.plain_text or "")
    other = await h.say(103, "/pending")
    assert "không còn văn bản nào" in (other.plain_text or "")  # not addressed to TT_CNTT
    admin = await h.say(A, "/pending")
    assert "dành cho cán bộ đầu mối" in (admin.plain_text or "")


async def open_status(h: Harness):
    return await h.say(A, "/status 1556/UBND-KGVX", has("Tình hình văn bản"))


async def test_extend_correct_and_recall_reach_every_recipient(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    directive = await sent(h, "CAT", "TT_CNTT")
    status = await open_status(h)
    ask = await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")
    assert ask is not None
    bad = await h.say(A, "hôm qua")  # read (17:00 yesterday) and refused as past
    assert "Thời hạn “hôm qua” đã qua" in (bad.plain_text or "")
    bad = await h.say(A, "hôm kia")
    assert "không phải thời hạn hợp lệ" in (bad.plain_text or "")
    confirm = await h.say(A, "+2h", has("Đồng ý gia hạn"))
    await tap(h, confirm, "Xác nhận", "Đã gia hạn")
    for user in (101, 102, 103):
        await h.fake.wait_for_message(user, has("Gia hạn"))

    status = await open_status(h)
    await tap(h, status, "Đính chính", "nội dung đính chính")
    confirm = await h.say(A, "Sửa «24/7» thành «24/7 kể cả ngày nghỉ».",
                          has("Đồng ý gửi nội dung đính chính"))
    await tap(h, confirm, "Xác nhận", "Đang gửi nội dung đính chính")
    for user in (101, 102, 103):
        note = await h.fake.wait_for_message(user, has("Đính chính"))
        assert "kể cả ngày nghỉ" in (note.plain_text or "")

    status = await open_status(h)
    confirm_recall = await tap(h, status, "Thu hồi", "Không thể hoàn tác")
    assert confirm_recall is not None
    await tap(h, confirm_recall, "Xác nhận", "Đã thu hồi")
    for user in (101, 102, 103):
        await h.fake.wait_for_message(user, has("Thu hồi văn bản"))
        copy = next(m for m in h.fake.messages_to(user) if "1556/UBND-KGVX" in (m.text or "")
                    and (m.params.get("reply_markup") or {}).get("inline_keyboard"))
        await h.fake.wait_for_message(
            user, lambda m, c=copy.message_id: m.message_id == c and "ĐÃ BỊ THU HỒI" in (m.plain_text or ""))
    # A tap on an old button of a recalled directive records nothing.
    copy = next(m for m in h.fake.messages_to(103) if "1556/UBND-KGVX" in (m.text or "")
                and (m.params.get("reply_markup") or {}).get("inline_keyboard"))
    data = copy.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    query = h.fake.press_button(103, copy.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "đã bị thu hồi" in (h.fake.callback_answer(query) or {}).get("text", "")
    actions = [e.action for e in await AuditRepository(h.services.db.reader).entries()
               if e.action.startswith("directive.")]
    assert actions == ["directive.sent", "directive.extended", "directive.corrected",
                       "directive.recalled"]
    # The /status list says which one was recalled, and what the count is.
    listing = await h.say(A, "/status", has("Văn bản gần đây"))
    assert [b["text"] for b in listing.buttons] == [
        "⛔ Hỏa tốc · 1556/UBND-KGVX · đã thu hồi · xác nhận 0/2"]
    assert directive.id


async def test_blocked_recipient_is_marked_and_the_admin_told(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    h.fake.block(102)
    assert h.app is not None
    status = await h.app.bot.send_message(A, "…")  # the sender's live status, as «Gửi» posts it
    h.fake.hang_next("sendMessage", 0.5, count=3)  # the copies are answered after it is shown
    h.fake.fail_next("sendMessage", 429, retry_after=1)  # and a 429 on the way: delays only
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT")
    directive, _ = await h.services.broadcast.send(A, d)
    await h.fake.wait_for_hangs("sendMessage")
    await h.services.broadcast.attach_status_message(directive.id, A, status.message_id)
    h.services.broadcast.board.touch(directive.id)
    for user in (101, 103):
        await h.fake.wait_for_message(user, is_directive)
    assert not any(is_directive(m) for m in h.fake.messages_to(102))
    # The admin sees it on the live status message, without asking.
    live = await h.fake.wait_for_message(
        A, lambda m: m.message_id == status.message_id
        and "đã gửi 2/3 · không liên lạc được 1" in (m.plain_text or ""), timeout=10)
    assert "Tình hình văn bản số 1556/UBND-KGVX (Hỏa tốc)" in (live.plain_text or "")
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(102)
    assert person is not None and not person.reachable
    _, tally = await h.services.broadcast.tally(directive.id)
    assert (tally.sent, tally.blocked, tally.pending) == (2, 1, 2)
    view = await h.say(A, "/status 1556/UBND-KGVX", has("Tình hình"))
    assert "không liên lạc được 1" in (view.plain_text or "")  # people: 102


async def test_old_confirm_button_cannot_run_a_newer_action(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    directive = await sent(h, "TT_CNTT")
    status = await open_status(h)
    await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")
    extend_confirm = await h.say(A, "+2h", has("Đồng ý gia hạn"))
    stale_data = extend_confirm.button_data("Xác nhận")
    await tap(h, status, "Thu hồi", "Không thể hoàn tác")  # a different action now pending
    query = h.fake.press_button(A, extend_confirm.message_id, stale_data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "thao tác cũ" in (h.fake.callback_answer(query) or {}).get("text", "")
    d = await h.services.broadcast.get(directive.id)
    assert d.status == "active" and d.ack_deadline_at == directive.ack_deadline_at


async def test_one_conversation_at_a_time(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await sent(h, "TT_CNTT")
    status = await open_status(h)
    ask = await h.say(A, "/broadcast", has("độ khẩn"))
    query = h.fake.press_button(A, status.message_id, status.button_data("Gia hạn"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    busy = (h.fake.callback_answer(query) or {}).get("text", "")
    assert "soạn văn bản chỉ đạo (/broadcast) chưa hoàn tất" in busy
    secrecy = await tap(h, ask, "Khẩn", "độ mật")  # the broadcast goes on undisturbed
    assert secrecy is not None
    cancelled = await h.say(A, "/cancel")
    assert "Đã hủy" in (cancelled.plain_text or "")
    await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")  # now it may start


async def test_copy_landing_after_the_recall_is_withdrawn_too(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    h.fake.hang_next("sendMessage", 1.0, count=3)  # every copy is still in flight...
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT")
    directive, _ = await h.services.broadcast.send(A, d)
    await h.fake.wait_for_hangs("sendMessage")
    await h.services.broadcast.recall(A, directive.id)  # ...when the directive is recalled
    for user in (101, 102, 103):
        copy = await h.fake.wait_for_message(user, lambda m: "1556/UBND-KGVX" in (m.text or "")
                                             and bool(m.params.get("reply_markup")))
        # Withdrawn exactly like a copy sent before the recall: edited, and told.
        await h.fake.wait_for_message(
            user, lambda m, c=copy.message_id: m.message_id == c
            and "ĐÃ BỊ THU HỒI" in (m.plain_text or "") and not m.buttons)
        notice = await h.fake.wait_for_message(user, has("Thu hồi văn bản"))
        assert notice.params["reply_parameters"]["message_id"] == copy.message_id
    await h.services.sender.drained()
    async with h.services.db.reader.execute(
            "SELECT chat_id, status, message_id FROM deliveries WHERE directive_id = ?",
            (directive.id,)) as cur:
        rows = {r[0]: (r[1], r[2]) for r in await cur.fetchall()}
    # The copies did reach their recipients: the database says so, with their message ids.
    assert rows == {u: ("sent", h.fake.messages_to(u)[-2].message_id) for u in (101, 102, 103)}


async def test_extension_past_the_report_deadline_is_refused(harness: Harness) -> None:
    """/broadcast refuses a report deadline before the acknowledgement's; an extension may not
    make one either (the copy would read "Thời hạn xác nhận 17:00", "báo cáo 09:00")."""
    h = harness
    await setup_liaisons(h)
    d = draft(h, ack_deadline_at=h.clock.now() + timedelta(hours=1),
              report_deadline_at=h.clock.now() + timedelta(hours=3))
    d.agency_ids = await agency_ids(h, "CAT")
    directive, _ = await h.services.broadcast.send(A, d)
    await h.services.sender.drained()
    status = await open_status(h)
    await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")
    refused = await h.say(A, "+4h")  # 12:00, after the report deadline (11:00)
    text = refused.plain_text or ""
    assert text.startswith("❌") and "thời hạn báo cáo kết quả thực hiện" in text, text
    assert "11:00 ngày 23/11/2026" in text and "Vui lòng" in text, text
    with pytest.raises(InvalidInput):  # the service holds the rule too
        await h.services.broadcast.extend(A, directive.id, h.clock.now() + timedelta(hours=4))
    confirm = await h.say(A, "+3h", has("Đồng ý gia hạn"))  # as late as the report: accepted
    await tap(h, confirm, "Xác nhận", "Đã gia hạn")
    extended = await h.services.broadcast.get(directive.id)
    assert extended.ack_deadline_at == directive.report_deadline_at
