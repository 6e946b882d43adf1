"""Forged or stale taps in /duty_set and /duty_swap: every tap is re-checked against the database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import to_epoch
from bot.domain.models import Person
from bot.domain.roster import Rotation
from bot.storage.audit import AuditRepository
from bot.storage.duty import DutyRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_escalation import start
from tests.e2e.test_onboarding import invite

NOT_RESPONDER = "không phải là thành viên Đội ứng cứu sự cố đang hoạt động"
NOT_THEIR_SHIFT = "không phải là ca trực sắp tới của"


async def person(h: Harness, user_id: int) -> Person:
    found = await PeopleRepository(h.services.db.reader).by_telegram_id(user_id)
    assert found is not None
    return found


async def roster(h: Harness) -> tuple[Person, Person]:
    """103 (Hùng) and 104 (Khách) take one-day shifts in turn, starting an hour ago."""
    p103, p104 = await person(h, 103), await person(h, 104)
    async with h.services.db.transaction() as conn:
        await DutyRepository(conn).set_rotation(
            Rotation((p103.id, p104.id), timedelta(days=1), h.clock.now() - timedelta(hours=1)), 0)
    return p103, p104


async def press(h: Harness, user_id: int, msg: SentMessage, data: str) -> SentMessage:
    """`user_id` presses `data` (real or forged) on `msg`; the bot's next message to them."""
    before = len(h.fake.messages_to(user_id))
    query = h.fake.press_button(user_id, msg.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return await h.fake.wait_for_message(user_id, after=before)


async def refusals(h: Harness) -> list[str]:
    return [e.subject for e in await AuditRepository(h.services.db.reader).entries("duty.refused")]


async def nothing_changed(h: Harness, user_id: int = SUPER_ADMIN) -> None:
    """No override was written, nobody was told, and the conversation is over."""
    assert await DutyRepository(h.services.db.reader).overrides() == []
    await h.services.sender.drained()
    for other in (101, 102, 103, 104):
        assert not [m for m in h.fake.messages_to(other) if "trực từ" in (m.plain_text or "")]
    after = await h.say(user_id, "23/11 09:00")
    assert "thời điểm bắt đầu trực" not in (after.plain_text or "")
    assert "thời điểm kết thúc trực" not in (after.plain_text or "")


async def test_forged_person_id_of_a_liaison_is_refused(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await roster(h)
    liaison = await person(h, 101)
    pick = await h.say(SUPER_ADMIN, "/duty_set", has("Chọn thành viên"))
    reply = await press(h, SUPER_ADMIN, pick, f"dt:p:{liaison.id}")
    assert NOT_RESPONDER in (reply.plain_text or "")
    assert "Lịch trực không thay đổi" in (reply.plain_text or "")
    assert await refusals(h) == [str(liaison.id)]
    await nothing_changed(h)


async def test_forged_person_id_that_does_not_exist_is_refused(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await roster(h)
    pick = await h.say(SUPER_ADMIN, "/duty_swap", has("Chọn thành viên"))
    reply = await press(h, SUPER_ADMIN, pick, "dt:p:999999")
    assert NOT_RESPONDER in (reply.plain_text or "")
    assert await refusals(h) == ["999999"]
    await nothing_changed(h)


async def test_a_person_deactivated_after_the_list_was_shown_is_refused(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    _, p104 = await roster(h)
    pick = await h.say(SUPER_ADMIN, "/duty_set", has("Chọn thành viên"))
    async with h.services.db.transaction() as conn:
        await PeopleRepository(conn).update(p104.id, {"active": False}, to_epoch(h.clock.now()))
    reply = await press(h, SUPER_ADMIN, pick, pick.button_data("Khách"))
    assert NOT_RESPONDER in (reply.plain_text or "")
    assert await refusals(h) == [str(p104.id)]
    await nothing_changed(h)


async def test_a_person_deactivated_before_the_confirmation_is_not_put_on_duty(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    _, p104 = await roster(h)
    pick = await h.say(SUPER_ADMIN, "/duty_set", has("Chọn thành viên"))
    await press(h, SUPER_ADMIN, pick, pick.button_data("Khách"))
    await h.say(SUPER_ADMIN, "23/11 09:00", has("thời điểm kết thúc trực"))
    confirm = await h.say(SUPER_ADMIN, "23/11 11:00", has("Xác nhận phân công"))
    async with h.services.db.transaction() as conn:
        await PeopleRepository(conn).set_roles(p104.id, [])  # no longer a responder
    reply = await press(h, SUPER_ADMIN, confirm, confirm.button_data("Xác nhận"))
    assert NOT_RESPONDER in (reply.plain_text or "")
    assert await refusals(h) == [str(p104.id)]
    await nothing_changed(h)


async def test_forged_shift_of_someone_else_is_refused(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await roster(h)
    pick = await h.say(SUPER_ADMIN, "/duty_swap", has("Chọn thành viên"))
    shifts = await press(h, SUPER_ADMIN, pick, pick.button_data("Hùng"))
    assert "Chọn ca trực của Hùng" in (shifts.plain_text or "")
    # Khách's shift (today 07:00 + 1 day), passed off as one of Hùng's.
    khach = await h.services.duty.upcoming_shifts((await person(h, 104)).id)
    forged = f"dt:sa:{to_epoch(khach[0].start_at)}:{to_epoch(khach[0].end_at)}"
    reply = await press(h, SUPER_ADMIN, shifts, forged)
    assert NOT_THEIR_SHIFT in (reply.plain_text or "") and "Hùng" in (reply.plain_text or "")
    assert "Lịch trực không thay đổi" in (reply.plain_text or "")
    assert len(await refusals(h)) == 1
    await nothing_changed(h)


async def test_forged_second_person_and_second_shift_are_refused(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    p103, _ = await roster(h)
    liaison = await person(h, 102)

    async def at_second_step() -> SentMessage:
        pick = await h.say(SUPER_ADMIN, "/duty_swap", has("Chọn thành viên"))
        shifts = await press(h, SUPER_ADMIN, pick, pick.button_data("Hùng"))
        return await press(h, SUPER_ADMIN, shifts, shifts.button_data("→"))

    second = await at_second_step()
    for forged in (f"dt:q:{liaison.id}", f"dt:q:{p103.id}"):  # a liaison; Hùng with himself
        reply = await press(h, SUPER_ADMIN, second, forged)
        assert NOT_RESPONDER in (reply.plain_text or "") or "phải khác" in (reply.plain_text or "")
        assert "Lịch trực không thay đổi" in (reply.plain_text or "")
        await nothing_changed(h)
        second = await at_second_step()
    # Khách is real, but the shift sent as his is Hùng's.
    b_shifts = await press(h, SUPER_ADMIN, second, second.button_data("Khách"))
    hung = await h.services.duty.upcoming_shifts(p103.id)
    forged = f"dt:sb:{to_epoch(hung[1].start_at)}:{to_epoch(hung[1].end_at)}"
    reply = await press(h, SUPER_ADMIN, b_shifts, forged)
    assert NOT_THEIR_SHIFT in (reply.plain_text or "") and "Khách" in (reply.plain_text or "")
    assert len(await refusals(h)) == 3
    await nothing_changed(h)


async def test_an_admin_whose_role_was_revoked_mid_way_is_refused(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await roster(h)
    token, _ = await invite(h, "admin")
    await h.say(9002, f"/start {token}")
    deputy = await person(h, 9002)
    pick = await h.say(9002, "/duty_set", has("Chọn thành viên"))
    async with h.services.db.transaction() as conn:
        await PeopleRepository(conn).set_roles(deputy.id, [])
    reply = await press(h, 9002, pick, pick.button_data("Khách"))
    assert "chỉ dành cho quản trị" in (reply.plain_text or "")
    denied = await AuditRepository(h.services.db.reader).entries("access.denied")
    assert [e.subject for e in denied] == ["/duty_set"]
    await nothing_changed(h, 9002)
