"""An admin records an acknowledgement received by phone or on paper, from /status."""

from __future__ import annotations

from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from bot.storage.escalations import EscalationRepository
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_after_sending import open_status, sent
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_directives import is_directive, setup_liaisons

A = SUPER_ADMIN
LABEL = "Ghi nhận đã nhận qua điện thoại"
POLICE = "Công an tỉnh"


async def agency_card(h: Harness, agency: str):
    status = await open_status(h)
    # The agencies still to confirm are a list behind the status message's button.
    waiting = await tap(h, status, "Đơn vị chưa xác nhận", "Chưa xác nhận")
    assert waiting is not None
    card = await tap(h, waiting, agency, "Trạng thái")
    assert card is not None
    return card


async def test_admin_records_a_phone_acknowledgement(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    directive = await sent(h, "CAT", "TT_CNTT")
    copies = {u: await h.fake.wait_for_message(u, is_directive) for u in (101, 102, 103)}
    ack_data = copies[101].button_data("Đã nhận")
    card = await agency_card(h, POLICE)
    assert POLICE in (card.plain_text or "") and "chưa xác nhận" in (card.plain_text or "")
    assert [b["text"] for b in card.buttons] == [LABEL]
    confirm = await tap(h, card, LABEL, "Đồng ý ghi nhận")
    assert confirm is not None
    assert [b["text"] for b in confirm.buttons] == ["✅ Xác nhận", "Hủy"]
    # Nothing is applied before «Xác nhận».
    police = await AgencyRepository(h.services.db.reader).by_code("CAT")
    repo = DirectiveRepository(h.services.db.reader)
    assert await repo.ack_of(directive.id, police.id) is None
    done = await tap(h, confirm, "Xác nhận", "Đã ghi nhận")
    assert done is not None and "qua điện thoại" in (done.plain_text or "")
    ack = await repo.ack_of(directive.id, police.id)
    assert ack is not None and ack.via == "phone" and not ack.late
    # Both of the agency's copies now say how it was received; the centre's copy is untouched.
    for user in (101, 102):
        target = copies[user].message_id
        edited = await h.fake.wait_for_message(
            user, lambda m, t=target: m.message_id == t and "qua điện thoại" in (m.plain_text or ""))
        assert "Quản trị Nguyễn" in (edited.plain_text or "") and not edited.buttons
    assert copies[103].edits == []
    # The status says how, and the escalation for that agency stopped as with a tap.
    view = await open_status(h)
    assert "đã xác nhận (qua điện thoại/văn bản giấy, do Quản trị Nguyễn ghi nhận)" in (view.plain_text or "")
    rows = await EscalationRepository(h.services.db.reader).of_subject("directive_ack", directive.id)
    by_agency = {r.agency_id: r for r in rows}
    assert by_agency[police.id].status == "stopped"
    assert [r.status for a, r in by_agency.items() if a != police.id] == ["active"]
    entries = [e for e in await AuditRepository(h.services.db.reader).entries()
               if e.action == "ack.recorded"]
    assert len(entries) == 1 and entries[0].details.get("via") == "phone"
    assert entries[0].actor_user_id == A
    # A liaison's later tap is told it was already acknowledged, and how.
    query = h.fake.press_button(101, copies[101].message_id, ack_data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    answer = (h.fake.callback_answer(query) or {}).get("text", "")
    assert "đã xác nhận trước đó" in answer and "qua điện thoại" in answer


async def test_cancel_records_nothing(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    directive = await sent(h, "TT_CNTT")
    card = await agency_card(h, "Trung tâm")
    confirm = await tap(h, card, LABEL, "Đồng ý ghi nhận")
    assert confirm is not None
    cancelled = await tap(h, confirm, "Hủy", "Đã hủy")
    assert cancelled is not None
    assert await DirectiveRepository(h.services.db.reader).acks(directive.id) == {}


async def test_agency_that_already_acknowledged_says_so(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    directive = await sent(h, "TT_CNTT")
    card = await agency_card(h, "Trung tâm")
    confirm = await tap(h, card, LABEL, "Đồng ý ghi nhận")
    assert confirm is not None
    copy = await h.fake.wait_for_message(103, is_directive)  # meanwhile the liaison taps ✅
    query = h.fake.press_button(103, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    already = await tap(h, confirm, "Xác nhận", "đã xác nhận trước đó")
    assert already is not None and "Hùng Nguyễn" in (already.plain_text or "")
    ack = next(iter((await DirectiveRepository(h.services.db.reader).acks(directive.id)).values()))
    assert ack.via == "telegram"
    # Its card says so too, and offers no button.
    again = await tap(h, card, LABEL, "đã xác nhận trước đó")
    assert again is not None


async def test_only_admins_and_forged_data_is_refused_and_audited(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    directive = await sent(h, "CAT")
    card = await agency_card(h, POLICE)
    confirm = await tap(h, card, LABEL, "Đồng ý ghi nhận")
    assert confirm is not None
    data = confirm.button_data("Xác nhận")
    # A liaison replays the admin's callback data on a message of their own.
    own = await h.fake.wait_for_message(101, is_directive)
    before = len(h.fake.messages_to(101))
    query = h.fake.press_button(101, own.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    refusal = await h.fake.wait_for_message(101, has("quản trị"), after=before)
    assert refusal is not None
    # The admin with data for an agency the directive was not addressed to.
    snv = await AgencyRepository(h.services.db.reader).by_code("SNV")
    forged = f"{data.rsplit(':', 1)[0]}:{snv.id}"
    before = len(h.fake.messages_to(A))
    query = h.fake.press_button(A, confirm.message_id, forged)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    await h.fake.wait_for_message(A, has("không hợp lệ"), after=before)
    assert await DirectiveRepository(h.services.db.reader).acks(directive.id) == {}
    actions = [(e.actor_user_id, e.action) for e in await AuditRepository(h.services.db.reader).entries()]
    assert (101, "access.denied") in actions and (A, "ack.phone_refused") in actions


async def test_recorded_phone_ack_is_not_reported_as_an_error_when_telegram_fails(
    harness: Harness,
) -> None:
    """Recorded first, then the keyboard edit and the reply are best-effort: Telegram failing
    on both (502) neither loses the acknowledgement nor tells the admin to try again."""
    h = harness
    await setup_liaisons(h)
    directive = await sent(h, "CAT")
    card = await agency_card(h, POLICE)
    confirm = await tap(h, card, LABEL, "Đồng ý ghi nhận")
    assert confirm is not None
    h.fake.fail_next("editMessageReplyMarkup", 502)
    h.fake.fail_next("sendMessage", 502)
    before = len(h.fake.messages_to(A))
    h.fake.press_button(A, confirm.message_id, confirm.button_data("Xác nhận"))
    # The admin's updates run in order: once /status is answered, the tap was handled.
    await h.say(A, "/status", has("Văn bản gần đây"))
    police = await AgencyRepository(h.services.db.reader).by_code("CAT")
    ack = await DirectiveRepository(h.services.db.reader).ack_of(directive.id, police.id)
    assert ack is not None and ack.via == "phone"
    after = [m.plain_text or "" for m in h.fake.messages_to(A)[before:]]
    assert not any("Có lỗi" in x for x in after), after
