"""/duty_swap (issue 10, item 5): each shift once; an override outside the rotation can be
swapped (the override itself changes hands); no dead end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import to_epoch
from bot.domain.roster import Rotation, on_duty
from bot.storage.duty import DutyRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_duty_forgery import nothing_changed, person, press
from tests.e2e.test_escalation import start

A = SUPER_ADMIN
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=VN).astimezone(UTC)


def labels(msg: SentMessage) -> list[str]:
    return [str(b["text"]) for b in msg.buttons]


async def rotation(h: Harness, *user_ids: int, starts: datetime) -> None:
    ids = tuple([(await person(h, u)).id for u in user_ids])
    async with h.services.db.transaction() as conn:
        await DutyRepository(conn).set_rotation(Rotation(ids, timedelta(days=1), starts), 0)


async def test_each_shift_is_listed_once(harness: Harness, tmp_path: Path) -> None:
    h = harness  # 08:00 on 23/11
    await start(h, tmp_path)
    # The rotation begins tomorrow at 07:30 (set up ahead of a holiday).
    await rotation(h, 103, 104, starts=local("24/11/2026 07:30"))
    pick = await h.say(A, "/duty_swap", has("Chọn thành viên"))
    shifts = await tap(h, pick, "Hùng", "Chọn ca trực của Hùng")
    assert shifts is not None
    times = [label for label in labels(shifts) if "→" in label]
    assert len(times) == len(set(times)) == 6
    assert times[:2] == ["07:30 24/11 → 07:30 25/11", "07:30 26/11 → 07:30 27/11"]
    assert labels(shifts)[-2:] == ["◀️ Quay lại", "Hủy"]


async def test_each_shift_once_at_the_change_of_shift(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    # Khách's shift starts right now: it is running, and listed once.
    await rotation(h, 103, 104, starts=h.clock.now() - timedelta(days=1))
    pick = await h.say(A, "/duty_swap", has("Chọn thành viên"))
    shifts = await tap(h, pick, "Khách", "Chọn ca trực của Khách")
    assert shifts is not None
    times = [label for label in labels(shifts) if "→" in label]
    assert len(times) == len(set(times))
    assert times[0] == "08:00 23/11 → 08:00 24/11"


async def test_an_override_outside_the_rotation_is_exchanged(harness: Harness,
                                                             tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    p103, p104 = await person(h, 103), await person(h, 104)
    await rotation(h, 103, starts=local("23/11/2026 07:00"))  # Hùng alone in the rotation
    async with h.services.db.transaction() as conn:  # Khách covers one night by an override
        await DutyRepository(conn).add_override(
            p104.id, local("24/11/2026 20:00"), local("25/11/2026 07:00"), None,
            to_epoch(h.clock.now()))
    pick = await h.say(A, "/duty_swap", has("Chọn thành viên"))
    shifts = await tap(h, pick, "Khách", "Chọn ca trực của Khách")
    assert shifts is not None
    assert labels(shifts) == ["20:00 24/11 → 07:00 25/11 (phân công)", "◀️ Quay lại", "Hủy"]
    second = await tap(h, shifts, "20:00 24/11", "Chọn thành viên thứ hai")
    assert second is not None and labels(second) == ["Hùng Nguyễn", "◀️ Quay lại", "Hủy"]
    b_shifts = await tap(h, second, "Hùng", "Chọn ca trực của Hùng")
    assert b_shifts is not None
    # Hùng's shift of tomorrow is partly covered by Khách's night: not offered.
    assert not any(b.startswith("07:00 24/11") for b in labels(b_shifts))
    confirm = await tap(h, b_shifts, "07:00 26/11 →", "Xác nhận đổi ca")
    assert confirm is not None
    await tap(h, confirm, "Xác nhận", "Đã đổi ca trực giữa")
    duty = DutyRepository(h.services.db.reader)
    overrides = await duty.overrides()
    # The night changed hands (the same row), and Khách has Hùng's day: two overrides.
    assert sorted((o.person_id, o.start_at, o.end_at) for o in overrides) == sorted([
        (p103.id, local("24/11/2026 20:00"), local("25/11/2026 07:00")),
        (p104.id, local("26/11/2026 07:00"), local("27/11/2026 07:00")),
    ])
    rota = await duty.rotation()
    night = on_duty(rota, overrides, local("24/11/2026 22:00"))
    assert [s.person_id for s in night] == [p103.id]
    day = on_duty(rota, overrides, local("26/11/2026 12:00"))
    assert [s.person_id for s in day] == [p104.id]
    await h.services.sender.drained()
    # Each is told of the shift they take and of the one they give away, and to whom.
    told = [m.plain_text for m in h.fake.messages_to(103) if "được phân công trực" in
            (m.plain_text or "")]
    assert told == ["🛡 Đổi ca trực với Khách Nguyễn: Anh/Chị được phân công trực từ 20:00 "
                    "ngày 24/11/2026 đến 07:00 ngày 25/11/2026, thay cho ca từ 07:00 ngày "
                    "26/11/2026 đến 07:00 ngày 27/11/2026 (Khách Nguyễn trực ca đó)."]
    told = [m.plain_text for m in h.fake.messages_to(104) if "được phân công trực" in
            (m.plain_text or "")]
    assert told == ["🛡 Đổi ca trực với Hùng Nguyễn: Anh/Chị được phân công trực từ 07:00 "
                    "ngày 26/11/2026 đến 07:00 ngày 27/11/2026, thay cho ca từ 20:00 ngày "
                    "24/11/2026 đến 07:00 ngày 25/11/2026 (Hùng Nguyễn trực ca đó)."]


async def test_nothing_to_swap_says_why(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await rotation(h, starts=h.clock.now())  # responders, but nobody in the rotation
    reply = await h.say(A, "/duty_swap")
    assert (reply.plain_text or "").startswith("Chưa có ca trực nào sắp tới để đổi")
    assert "/duty_set" in (reply.plain_text or "")
    await nothing_changed(h)


async def test_no_dead_end_back_and_cancel_on_every_screen(harness: Harness,
                                                           tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await rotation(h, 103, starts=local("23/11/2026 07:00"))  # only Hùng has shifts
    pick = await h.say(A, "/duty_swap", has("Chọn thành viên"))
    # Only those with a shift to swap are offered.
    assert labels(pick) == ["Hùng Nguyễn", "Hủy"]
    shifts = await tap(h, pick, "Hùng", "Chọn ca trực của Hùng")
    assert shifts is not None
    # «Quay lại» on the shift list: back to the people.
    back = await press(h, A, shifts, shifts.button_data("Quay lại"))
    assert "Chọn thành viên" in (back.plain_text or "") and "Hủy" in labels(back)
    shifts = await tap(h, back, "Hùng", "Chọn ca trực của Hùng")
    assert shifts is not None
    # Nobody else has a shift: said, with a way back and «Hủy».
    empty = await press(h, A, shifts, shifts.button_data("→"))
    assert (empty.plain_text or "").startswith(
        "Không có thành viên nào khác có ca trực sắp tới để đổi với Hùng")
    assert labels(empty) == ["◀️ Quay lại", "Hủy"]
    again = await press(h, A, empty, empty.button_data("Quay lại"))
    assert "Chọn ca trực của Hùng" in (again.plain_text or "")
    # An old «Quay lại» (the first shift list's, a step that is over) changes nothing.
    query = h.fake.press_button(A, back.message_id, "dt:back:q")
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "lần hỏi đã qua" in str((h.fake.callback_answer(query) or {}).get("text", ""))
    assert (await h.services.drafts.get(A, "duty_admin")).step == "shift_a"  # type: ignore[union-attr]
    cancelled = await tap(h, again, "Hủy", "Đã hủy")
    assert cancelled is not None
    await nothing_changed(h)


async def test_putting_someone_not_on_the_bot_on_duty_is_said_before_confirming(
    harness: Harness,
) -> None:
    """The imported rotation's responders are offered before they join: the confirmation
    says that the person will not get the alerts, so the admin is not surprised later."""
    from tests.e2e.test_directives import FAST
    from tests.e2e.test_onboarding import import_province, invite

    h = harness
    await h.start(**FAST)
    await import_province(h)
    token, _ = await invite(h, "person P005")
    await h.say(103, f"/start {token}")  # Kha Hoàng Khoa joins; Lý Ngọc Khoa (P004) has not
    warning = "⚠️ Lý Ngọc Khoa chưa tham gia bot nên không nhận được thông báo qua Telegram"
    pick = await h.say(A, "/duty_set", has("Chọn thành viên"))
    await tap(h, pick, "Lý Ngọc Khoa", "thời điểm bắt đầu trực")
    await h.say(A, "bây giờ", has("thời điểm kết thúc trực"))
    confirm = await h.say(A, "mai 07:30", has("Xác nhận phân công"))
    assert warning in (confirm.plain_text or "")
    await tap(h, confirm, "Hủy", "Đã hủy")
    pick = await h.say(A, "/duty_set", has("Chọn thành viên"))
    await tap(h, pick, "Kha Hoàng Khoa", "thời điểm bắt đầu trực")
    await h.say(A, "bây giờ", has("thời điểm kết thúc trực"))
    confirm = await h.say(A, "mai 07:30", has("Xác nhận phân công"))
    assert "chưa tham gia bot" not in (confirm.plain_text or "")
    await tap(h, confirm, "Hủy", "Đã hủy")

    pick = await h.say(A, "/duty_swap", has("Chọn thành viên"))
    shifts = await tap(h, pick, "Kha Hoàng Khoa", "Chọn ca trực của")
    assert shifts is not None
    second = await tap(h, shifts, labels(shifts)[0], "Chọn thành viên thứ hai")
    assert second is not None
    b_shifts = await tap(h, second, "Lý Ngọc Khoa", "Chọn ca trực của")
    assert b_shifts is not None
    confirm = await tap(h, b_shifts, labels(b_shifts)[0], "Xác nhận đổi ca")
    assert confirm is not None and warning in (confirm.plain_text or "")
