"""Alerts never outlive their reason (issue 10, items 6 and 10).

Reminders ("Nhắc hạn") to an agency's liaisons, and the responders' digests ("Đôn đốc (lần
n/N)"), are edited when the agency acknowledges (by ✅ or by phone), when the directive is
recalled or extended, and when a responder takes an agency on another digest.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.storage.agencies import AgencyRepository
from bot.storage.directives import DirectiveRepository
from bot.storage.escalations import EscalationRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_after_sending import open_status
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_directives import is_directive
from tests.e2e.test_escalation import POLICY, S, broadcast, set_rotation, start, step, texts

A = SUPER_ADMIN
ACK_BUTTON = "✅ Đã nhận văn bản"
CENTRE = "Trung tâm Công nghệ thông tin"


def labels(m: SentMessage) -> list[str]:
    return [b["text"] for b in m.buttons]


async def edited(h: Harness, m: SentMessage, fragment: str) -> SentMessage:
    """The message `m` once an edit put `fragment` in it."""
    return await h.fake.wait_for_message(
        m.chat_id, lambda x: x.message_id == m.message_id and fragment in (x.plain_text or ""))


async def press(h: Harness, user: int, m: SentMessage, label: str, data: str | None = None
                ) -> str:
    """`user` taps `label` on `m` (or, on a button an edit took away, the `data` it had);
    returns the answer the bot gave the tap."""
    query = h.fake.press_button(user, m.message_id, data or m.button_data(label))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    await h.services.sender.drained()
    return str((h.fake.callback_answer(query) or {}).get("text", ""))


async def reminders(h: Harness) -> dict[int, SentMessage]:
    """The scenario's reminder to each of CAT's liaisons, with its ✅ button."""
    await step(h, 50 * S)
    out = {}
    for user in (101, 102):
        [reminder] = texts(h, user, "Nhắc hạn")
        assert ACK_BUTTON in labels(reminder)
        out[user] = reminder
    return out


async def agency_id(h: Harness, code: str) -> int:
    return (await AgencyRepository(h.services.db.reader).by_code(code)).id


async def outbox_edits(h: Harness, chat_id: int, message_id: int) -> list[tuple[str, str]]:
    """(status, error) of the outbox's edits of one message."""
    async with h.services.db.reader.execute(
        "SELECT o.status, coalesce(o.error, '') FROM outbox o WHERE o.chat_id = ?"
        " AND o.method = 'edit_message_text' AND (json_extract(o.payload, '$.message_id') = ?"
        " OR (SELECT message_id FROM outbox t WHERE t.id = json_extract(o.payload, '$.target_op'))"
        " = ?)", (chat_id, message_id, message_id)) as cur:
        return [(r[0], r[1]) for r in await cur.fetchall()]


# --- item 6: reminders -------------------------------------------------------------------------


async def test_reminders_lose_the_button_when_a_liaison_acknowledges(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, "CAT")
    sent = await reminders(h)
    old_ack = sent[101].button_data(ACK_BUTTON)
    copy = await h.fake.wait_for_message(102, is_directive)
    assert "Đã ghi nhận" in await press(h, 102, copy, "Đã nhận")
    for user in (101, 102):
        reminder = await edited(h, sent[user], "Đã xác nhận lúc")
        text = reminder.plain_text or ""
        assert "Đã xác nhận lúc 08:00 ngày 23/11/2026 — Minh Nguyễn" in text
        assert "Nhắc hạn" in text  # what it reminded of stays readable
        assert reminder.buttons == []
        assert await outbox_edits(h, user, reminder.message_id) == [("sent", "")]
    # The old ✅ on the reminder changes nothing and says so.
    answer = await press(h, 101, sent[101], ACK_BUTTON, old_ack)
    assert "đã xác nhận trước đó" in answer


async def test_reminders_say_who_recorded_a_phone_acknowledgement(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, "CAT")
    sent = await reminders(h)
    status = await open_status(h)
    waiting = await tap(h, status, "Đơn vị chưa xác nhận", "Chưa xác nhận (")
    assert waiting is not None
    card = await tap(h, waiting, "Công an tỉnh", "Trạng thái")
    assert card is not None
    confirm = await tap(h, card, "Ghi nhận đã nhận qua điện thoại", "Đồng ý ghi nhận")
    assert confirm is not None
    await tap(h, confirm, "Xác nhận", "Đã ghi nhận")
    await h.services.sender.drained()
    for user in (101, 102):
        reminder = await edited(h, sent[user], "Đã xác nhận lúc")
        text = reminder.plain_text or ""
        assert "qua điện thoại/văn bản giấy" in text and "Quản trị Nguyễn" in text
        assert reminder.buttons == []


async def test_reminders_say_the_directive_was_recalled(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, "CAT")
    sent = await reminders(h)
    old_ack = sent[101].button_data(ACK_BUTTON)
    status = await open_status(h)
    confirm = await tap(h, status, "Thu hồi", "Không thể hoàn tác")
    assert confirm is not None
    await tap(h, confirm, "Xác nhận", "Đã thu hồi")
    await h.services.sender.drained()
    for user in (101, 102):
        reminder = await edited(h, sent[user], "Văn bản đã bị thu hồi")
        assert reminder.buttons == []
    # The old ✅ records nothing.
    assert "thu hồi" in await press(h, 101, sent[101], ACK_BUTTON, old_ack)


async def test_reminders_show_the_new_deadline_and_keep_the_button_after_an_extension(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, "CAT")
    sent = await reminders(h)
    status = await open_status(h)
    await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")
    confirm = await h.say(A, "+2h", has("Đồng ý gia hạn"))
    await tap(h, confirm, "Xác nhận", "Đã gia hạn")
    await h.services.sender.drained()
    for user in (101, 102):
        reminder = await edited(h, sent[user], "Đã gia hạn")
        assert "10:00 ngày 23/11/2026" in (reminder.plain_text or "")  # 08:00:50 + 2 h
        assert labels(reminder) == [ACK_BUTTON]  # confirmation is still due
    # The button still works, and then the reminder says who confirmed.
    assert "Đã ghi nhận" in await press(h, 101, sent[101], ACK_BUTTON)
    for user in (101, 102):
        reminder = await edited(h, sent[user], "Đã xác nhận lúc")
        assert "Lan Nguyễn" in (reminder.plain_text or "") and reminder.buttons == []
        assert "Đã gia hạn" not in (reminder.plain_text or "")


async def test_a_reminder_that_cannot_be_edited_holds_nothing_back(
    harness: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, "CAT")
    sent = await reminders(h)
    # 101 deleted the reminder: Telegram refuses its edit; 102's goes through all the same.
    sent[101].deleted = True
    copy = await h.fake.wait_for_message(102, is_directive)
    with caplog.at_level(logging.WARNING, logger="bot.telegram.sender"):
        assert "Đã ghi nhận" in await press(h, 102, copy, "Đã nhận")
    [(status, error)] = await outbox_edits(h, 101, sent[101].message_id)
    assert status == "failed" and "message to edit not found" in error.lower()
    assert "message to edit not found" in caplog.text.lower()
    assert (await edited(h, sent[102], "Đã xác nhận lúc")).buttons == []
    # The acknowledgement itself and the copies' edits are not held back.
    assert "Đã xác nhận" in ((await edited(h, copy, "Đã xác nhận")).plain_text or "")


async def test_a_reminder_in_flight_when_the_agency_confirms_is_edited_as_it_lands(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, "CAT")
    await h.services.sender.drained()
    h.fake.hang_next("sendMessage", 1.0, count=2)  # both reminders are on their way ...
    assert h.t0 is not None
    h.clock.set(h.t0 + 50 * S)
    await h.services.escalation.run_due()
    await h.fake.wait_for_hangs("sendMessage")
    copy = await h.fake.wait_for_message(102, is_directive)
    assert "Đã ghi nhận" in await press(h, 102, copy, "Đã nhận")  # ... when CAT confirms
    for user in (101, 102):
        reminder = await h.fake.wait_for_message(
            user, lambda m: "Nhắc hạn" in (m.plain_text or "")
            and "Đã xác nhận lúc" in (m.plain_text or "") and not m.buttons)
        assert "Minh Nguyễn" in (reminder.plain_text or "")


REPORTS = POLICY + """
results:
  steps:
    - {at: -10s, notify: [agency_liaisons]}
    - {at: 0, notify: [on_duty]}
"""


async def test_a_result_report_settles_its_reminders_and_digest(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path, REPORTS)
    await set_rotation(h, 103)
    await broadcast(h, "CAT", "TT_CNTT", report_deadline_at=h.clock.now() + 120 * S)
    await step(h, 110 * S)
    sent = {}
    for user in (101, 102):
        [reminder] = texts(h, user, "chưa gửi báo cáo kết quả")
        assert labels(reminder) == ["📝 Báo cáo kết quả"]
        sent[user] = reminder
    await step(h, 120 * S)
    [digest] = texts(h, 103, "báo cáo kết quả thực hiện")
    assert "2 đơn vị chưa báo cáo" in (digest.plain_text or "")
    # 101 reports from the reminder itself.
    before = len(h.fake.messages_to(101))
    h.fake.press_button(101, sent[101].message_id, sent[101].button_data("Báo cáo"))
    await h.fake.wait_for_message(101, has("Báo cáo kết quả thực hiện"), after=before)
    got = await h.say(101, "Đã bố trí trực 24/7.", has("Đã ghi nhận ("))
    before = len(h.fake.messages_to(101))
    h.fake.press_button(101, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(101, has("Đã lưu báo cáo"), after=before)
    await h.services.sender.drained()
    for user in (101, 102):
        reminder = await edited(h, sent[user], "Đã báo cáo kết quả lúc 08:02 ngày 23/11/2026")
        assert "Lan Nguyễn" in (reminder.plain_text or "") and reminder.buttons == []
    done = await edited(h, digest, "1 đơn vị chưa báo cáo")
    assert "<s>Công an tỉnh</s>" in (done.text or "")
    assert "Công an tỉnh — đã báo cáo lúc 08:02 23/11 (Lan Nguyễn)" in (done.plain_text or "")
    assert not any("Công an tỉnh" in x for x in labels(done)) and done.buttons


async def test_a_liaison_who_blocked_the_bot_holds_nothing_back(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, "CAT")
    sent = await reminders(h)
    h.fake.block(101)  # 101 blocked the bot since the reminder: its edits get 403
    copy = await h.fake.wait_for_message(102, is_directive)
    assert "Đã ghi nhận" in await press(h, 102, copy, "Đã nhận")
    assert (await edited(h, sent[102], "Đã xác nhận lúc")).buttons == []
    assert [s for s, _ in await outbox_edits(h, 101, sent[101].message_id)] == ["failed"]
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(101)
    assert person is not None and not person.reachable  # as for any send it refuses
    directive = await h.services.broadcast.find("1556/UBND-KGVX")
    assert directive is not None
    assert len(await DirectiveRepository(h.services.db.reader).acks(directive.id)) == 1


# --- item 10: digests --------------------------------------------------------------------------


async def two_digests(h: Harness, tmp_path: Path) -> tuple[SentMessage, SentMessage]:
    """CAT (two liaisons) and the IT centre (nobody on the bot): the centre is paged to the
    on-duty responder at sending (item 11), both are chased at the deadline; returns the page
    and the digest responder 103 got."""
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT", "TT_CNTT")
    await step(h, 0 * S)
    await step(h, 60 * S)
    [first] = texts(h, 103, "Chưa có đầu mối liên lạc được")
    [second] = texts(h, 103, "Đôn đốc")
    assert CENTRE in (first.plain_text or "") and "Công an tỉnh" not in (first.plain_text or "")
    assert "2 đơn vị chưa xác nhận" in (second.plain_text or "")
    assert "📞 Công an tỉnh" in labels(second)
    return first, second


async def test_a_digest_strikes_the_agency_that_acknowledged(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    first, second = await two_digests(h, tmp_path)
    claim_cat = second.button_data("📞 Công an tỉnh")
    copy = await h.fake.wait_for_message(101, is_directive)
    await press(h, 101, copy, "Đã nhận")
    digest = await edited(h, second, "1 đơn vị chưa xác nhận")
    assert "<s>Công an tỉnh</s>" in (digest.text or "")
    assert "Công an tỉnh — đã xác nhận lúc 08:01 23/11" in (digest.plain_text or "")
    assert "Lan Nguyễn" in (digest.plain_text or "")
    assert "📞 Công an tỉnh" not in labels(digest)
    assert "📞 Tôi sẽ liên hệ tất cả" in labels(digest) and any(CENTRE in x for x in labels(digest))
    # The first digest does not list CAT: it is left alone.
    assert h.fake.messages_to(103)[h.fake.messages_to(103).index(first)].edits == []
    # A stale tap on CAT's claim button changes nothing.
    answer = await press(h, 103, second, "📞 Công an tỉnh", claim_cat)
    assert "không cần liên hệ" in answer
    rows = await EscalationRepository(h.services.db.reader).of_subject(
        "directive_ack", (await h.services.broadcast.find("1556/UBND-KGVX")).id)  # type: ignore[union-attr]
    assert all(r.handled_by is None for r in rows)


async def test_a_digest_whose_agencies_all_acknowledged_says_so_and_loses_its_buttons(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    first, second = await two_digests(h, tmp_path)
    copy = await h.fake.wait_for_message(101, is_directive)
    await press(h, 101, copy, "Đã nhận")
    directive = await h.services.broadcast.find("1556/UBND-KGVX")
    assert directive is not None
    await h.services.acks.acknowledge_by_phone(A, directive.id, await agency_id(h, "TT_CNTT"))
    await h.services.sender.drained()
    for digest in (first, second):
        done = await edited(h, digest, "Tất cả đơn vị đã xác nhận")
        assert done.buttons == []
        assert f"<s>{CENTRE}" in (done.text or "")
    # The digest counts who is still awaited; the page at sending keeps saying what it is.
    assert "0 đơn vị chưa xác nhận" in (second.plain_text or "")
    assert "Chưa có đầu mối liên lạc được, đề nghị gọi điện" in (first.plain_text or "")
    assert "1 đơn vị chưa có cán bộ đầu mối nào nhận được văn bản" in (first.plain_text or "")
    assert "Đôn đốc" not in (first.plain_text or "")


async def test_a_recall_marks_every_digest(harness: Harness, tmp_path: Path) -> None:
    h = harness
    first, second = await two_digests(h, tmp_path)
    claim_all = second.button_data("📞 Tôi sẽ liên hệ tất cả")
    directive = await h.services.broadcast.find("1556/UBND-KGVX")
    assert directive is not None
    await h.services.broadcast.recall(A, directive.id)
    await h.services.sender.drained()
    for digest in (first, second):
        done = await edited(h, digest, "Đã thu hồi")
        assert (done.plain_text or "").startswith("⛔ Đã thu hồi")
        assert done.buttons == []
    answer = await press(h, 103, second, "📞 Tôi sẽ liên hệ tất cả", claim_all)
    assert "không cần liên hệ" in answer


async def test_the_leads_and_the_admins_copies_are_edited_too(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await two_digests(h, tmp_path)
    await step(h, 70 * S)  # +10 s: the lead (a responder: claim buttons) and the admins
    [lead] = texts(h, 104, "Đôn đốc")
    [admin] = texts(h, A, "Đôn đốc")
    assert "📞 Tôi sẽ liên hệ tất cả" in labels(lead) and admin.buttons == []
    admin_claim = lead.button_data("📞 Tôi sẽ liên hệ tất cả")
    copy = await h.fake.wait_for_message(101, is_directive)
    await press(h, 101, copy, "Đã nhận")
    for digest in (lead, admin):
        done = await edited(h, digest, "1 đơn vị chưa xác nhận")
        assert "<s>Công an tỉnh</s>" in (done.text or "")
    assert (await edited(h, admin, "1 đơn vị")).buttons == []  # an admin's copy gets none
    assert "📞 Tôi sẽ liên hệ tất cả" in labels(await edited(h, lead, "1 đơn vị"))
    # The admin's copy is kept, but gives no right to claim.
    answer = await press(h, A, admin, "📞 Tôi sẽ liên hệ tất cả", admin_claim)
    assert "đã nhận thông báo đôn đốc này" in answer
    directive = await h.services.broadcast.find("1556/UBND-KGVX")
    assert directive is not None
    await h.services.broadcast.recall(A, directive.id)
    await h.services.sender.drained()
    for digest in (lead, admin):
        assert (await edited(h, digest, "Đã thu hồi")).buttons == []


async def test_an_extension_marks_the_digests_and_their_claims_go_stale(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    first, second = await two_digests(h, tmp_path)
    claim_all = second.button_data("📞 Tôi sẽ liên hệ tất cả")
    status = await open_status(h)
    await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")
    confirm = await h.say(A, "+2h", has("Đồng ý gia hạn"))
    await tap(h, confirm, "Xác nhận", "Đã gia hạn")
    await h.services.sender.drained()
    done = await edited(h, second, "Đã gia hạn xác nhận đến 10:01 ngày 23/11/2026")
    assert done.buttons == []
    # The page at sending stands: nobody became reachable; it shows the new deadline.
    page = await edited(h, first, "Thời hạn xác nhận: 10:01 ngày 23/11/2026")
    assert "chưa cần liên hệ" not in (page.plain_text or "")
    assert any(CENTRE[:20] in x for x in labels(page))
    answer = await press(h, 103, second, "📞 Tôi sẽ liên hệ tất cả", claim_all)
    assert "gia hạn" in answer
    rows = await EscalationRepository(h.services.db.reader).of_subject(
        "directive_ack", (await h.services.broadcast.find("1556/UBND-KGVX")).id)  # type: ignore[union-attr]
    assert all(r.handled_by is None for r in rows)


async def test_a_claim_on_one_digest_shows_on_the_other(harness: Harness, tmp_path: Path) -> None:
    h = harness
    first, second = await two_digests(h, tmp_path)
    centre = next(x for x in labels(second) if CENTRE in x)
    assert "Đã ghi nhận" in await press(h, 103, second, centre)
    for digest in (first, second):
        taken = await edited(h, digest, "Hùng Nguyễn sẽ liên hệ")
        assert not any(CENTRE in x for x in labels(taken))
    assert (await edited(h, first, "sẽ liên hệ")).buttons == []  # its only agency is taken
    assert "📞 Công an tỉnh" in labels(await edited(h, second, "sẽ liên hệ"))


async def test_every_part_of_a_long_digest_is_edited(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    communes = sorted((a for a in (await h.services.broadcast.catalog())[1]
                       if a.kind == "committee"), key=lambda a: a.name)[:60]
    directive = await broadcast(h, *[a.code for a in communes])
    await step(h, 60 * S)
    # The digest at the deadline (the communes were also paged at sending: nobody on the bot).
    parts = [m for m in h.fake.messages_to(103) if "• " in (m.plain_text or "")][-2:]
    assert len(parts) == 2, [len(m.plain_text or "") for m in parts]
    head, tail = parts
    assert "60 đơn vị chưa xác nhận" in (head.plain_text or "") and tail.buttons
    # The last commune (listed in the second part) confirms by phone.
    last = max(communes, key=lambda a: (a.name, a.id))
    assert last.name in (tail.plain_text or "") and last.name not in (head.plain_text or "")
    await h.services.acks.acknowledge_by_phone(A, directive.id, last.id)
    await h.services.sender.drained()
    head = await edited(h, head, "59 đơn vị chưa xác nhận")
    tail = await edited(h, tail, "đã xác nhận lúc")
    assert f"<s>{last.name}</s>" in (tail.text or "")
    assert not any(last.name in x for x in labels(tail)) and tail.buttons
    assert (head.plain_text or "").count("• ") + (tail.plain_text or "").count("• ") == 60
    # Then every one: both parts say so, and the buttons go.
    for a in communes:
        if a is not last:
            await h.services.acks.acknowledge_by_phone(A, directive.id, a.id)
    await h.services.sender.drained()
    await edited(h, head, "Tất cả đơn vị đã xác nhận")
    tail = await h.fake.wait_for_message(
        103, lambda m: m.message_id == tail.message_id and not m.buttons)
    assert f"<s>{communes[0].name}</s>" in (head.text or "") + (tail.text or "")


async def test_a_digest_kept_before_0010_still_shows_claims_on_its_last_part(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    first, second = await two_digests(h, tmp_path)
    async with h.services.db.transaction() as conn:  # as copies were kept before 0010
        await conn.execute("UPDATE escalation_notice_copies SET parts = NULL, snapshot = NULL")
    assert "Đã ghi nhận" in await press(h, 103, second, "📞 Tôi sẽ liên hệ tất cả")
    taken = await edited(h, second, "Hùng Nguyễn sẽ liên hệ")
    assert taken.buttons == [] and "2 đơn vị chưa xác nhận" in (taken.plain_text or "")
    # Nothing to draw it again from: an acknowledgement leaves it as it is.
    copy = await h.fake.wait_for_message(101, is_directive)
    await press(h, 101, copy, "Đã nhận")
    assert "<s>" not in (second.text or "") and first.edits == []
