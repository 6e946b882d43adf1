"""/pending: each directive the agency still owes, with its own buttons; a tap there is a tap
on the directive (same service, same audit, the copies edited) and updates the message."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_directives import agency_ids, draft, setup_liaisons

A = SUPER_ADMIN


async def send(h: Harness, number: str, *codes: str, **kw: object):
    d = draft(h, **kw)
    d.number = number
    d.agency_ids = await agency_ids(h, *codes)
    directive, _ = await h.services.broadcast.send(A, d)
    await h.services.sender.drained()
    return directive


async def pending(h: Harness, user_id: int, count: int) -> list[SentMessage]:
    """The `count` replies to /pending: one message per directive owed."""
    before = len(h.fake.messages_to(user_id))
    h.fake.send_text(user_id, "/pending")
    await h.fake.wait_for_message(user_id, after=before + count - 1)
    return h.fake.messages_to(user_id)[before:before + count]


async def press(h: Harness, user_id: int, msg: SentMessage, data: str) -> str:
    query = h.fake.press_button(user_id, msg.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return (h.fake.callback_answer(query) or {}).get("text", "")


def copy_of(number: str):
    return lambda m: number in (m.text or "") and "HỎA TỐC" in (m.plain_text or "")


async def test_pending_lists_each_directive_with_its_buttons_and_a_tap_acknowledges(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    first = await send(h, "1556/UBND-KGVX", "CAT")
    second = await send(h, "1557/UBND-KGVX", "CAT",
                        report_deadline_at=h.clock.now() + timedelta(days=3))
    listed = await pending(h, 101, 2)
    assert len(listed) == 2
    texts = [m.plain_text or "" for m in listed]
    assert "1556/UBND-KGVX" in texts[0] and "(1/2)" in texts[0]
    assert "1557/UBND-KGVX" in texts[1] and "(2/2)" in texts[1]
    assert "Công an tỉnh" in texts[0] and "hạn xác nhận" in texts[0]
    # The same buttons as on the directive itself.
    assert [b["text"] for b in listed[0].buttons] == ["✅ Đã nhận văn bản"]
    assert [b["text"] for b in listed[1].buttons] == ["✅ Đã nhận văn bản", "📝 Báo cáo kết quả"]
    others = await pending(h, 102, 2)  # CAT's backup liaison, before 101 taps

    # 101 taps ✅ on /pending: recorded for CAT, as a tap on the directive would be.
    answer = await press(h, 101, listed[0], listed[0].button_data("Đã nhận"))
    assert "Đã ghi nhận" in answer and "Công an tỉnh" in answer
    repo = DirectiveRepository(h.services.db.reader)
    acks = await repo.acks(first.id)
    assert len(acks) == 1 and await repo.acks(second.id) == {}
    [entry] = await AuditRepository(h.services.db.reader).entries("ack.recorded")
    assert entry.details["via"] == "telegram" and entry.subject == "1556/UBND-KGVX"
    # The /pending message now says so, and its ✅ is gone.
    done = await h.fake.wait_for_message(
        101, lambda m: m.message_id == listed[0].message_id and "Đã xác nhận" in (m.plain_text or ""))
    assert "1556/UBND-KGVX" in (done.plain_text or "") and "Lan Nguyễn" in (done.plain_text or "")
    assert done.buttons == []
    # Both CAT liaisons' copies of the directive show the acknowledgement.
    await h.services.sender.drained()
    for user in (101, 102):
        copy = await h.fake.wait_for_message(user, copy_of("1556/UBND-KGVX"))
        await h.fake.wait_for_message(
            user, lambda m, c=copy: m.message_id == c.message_id
            and "Đã xác nhận — Lan Nguyễn" in (m.plain_text or ""))

    # 102's older /pending: the tap changes nothing, says who confirmed, and updates it.
    answer = await press(h, 102, others[0], others[0].button_data("Đã nhận"))
    assert "đã xác nhận trước đó" in answer and "Lan Nguyễn" in answer
    await h.fake.wait_for_message(
        102, lambda m: m.message_id == others[0].message_id and not m.buttons
        and "Đã xác nhận" in (m.plain_text or ""))
    assert len(await AuditRepository(h.services.db.reader).entries("ack.recorded")) == 1

    # Acknowledged, the second stays owed for its report: ✅ goes, 📝 stays, and 📝 opens
    # the report as it does on the directive.
    answer = await press(h, 102, others[1], others[1].button_data("Đã nhận"))
    assert "Đã ghi nhận" in answer
    kept = await h.fake.wait_for_message(
        102, lambda m: m.message_id == others[1].message_id and "Đã xác nhận" in (m.plain_text or ""))
    assert [b["text"] for b in kept.buttons] == ["📝 Báo cáo kết quả"]
    before = len(h.fake.messages_to(102))
    h.fake.press_button(102, kept.message_id, kept.button_data("Báo cáo"))
    await h.fake.wait_for_message(102, has("Báo cáo kết quả thực hiện"), after=before)
    await h.say(102, "/cancel")

    # What is left: the report of the second one.
    [left] = await pending(h, 101, 1)
    assert "1557/UBND-KGVX" in (left.plain_text or "") and "báo cáo kết quả" in (left.plain_text or "")
    assert [b["text"] for b in left.buttons] == ["📝 Báo cáo kết quả"]


async def test_pending_taps_forged_stale_or_on_a_recalled_directive_change_nothing(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    directive = await send(h, "1556/UBND-KGVX", "CAT")
    [item] = await pending(h, 101, 1)
    data = item.button_data("Đã nhận")
    assert data.startswith("pnd:")
    # Another agency's liaison (TT_CNTT), pressing the same data: refused, nothing recorded.
    theirs = h.fake.last_message_to(103)
    assert theirs is not None
    answer = await press(h, 103, theirs, data)
    assert "không thuộc đơn vị" in answer
    # Forged data: a delivery that does not exist.
    assert "không thuộc đơn vị" in await press(h, 101, item, "pnd:999999")
    assert await DirectiveRepository(h.services.db.reader).acks(directive.id) == {}
    assert len(await AuditRepository(h.services.db.reader).entries("ack.refused")) >= 1
    # Recalled meanwhile: the tap says so, nothing is recorded, the message drops its button.
    await h.services.broadcast.recall(A, directive.id)
    answer = await press(h, 101, item, data)
    assert "thu hồi" in answer
    assert await DirectiveRepository(h.services.db.reader).acks(directive.id) == {}
    await h.fake.wait_for_message(
        101, lambda m: m.message_id == item.message_id and not m.buttons
        and "THU HỒI" in (m.plain_text or "").upper())


async def test_a_long_pending_list_stays_short(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    for n in range(12):
        await send(h, f"{1600 + n}/UBND-KGVX", "CAT")
    listed = await pending(h, 101, 11)
    assert len(listed) == 11  # ten directives, then one line for the rest
    assert "(1/12)" in (listed[0].plain_text or "")
    assert "2 văn bản khác" in (listed[-1].plain_text or "") and listed[-1].buttons == []
