"""For responders: /alerts (open escalations, who calls whom), /help on alerts, times that
read sensibly ("vừa quá hạn"), one shift-start notice per duty, a next shift that is one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import to_epoch
from bot.domain.roster import Rotation
from bot.storage.audit import AuditRepository
from bot.storage.duty import DutyRepository
from bot.storage.people import PeopleRepository
from bot.telegram.render import tg_len
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import is_directive, join
from tests.e2e.test_escalation import POLICY, S, broadcast, set_rotation, start, step, texts

A = SUPER_ADMIN


async def alerts(h: Harness, user_id: int) -> str:
    said = await h.say(user_id, "/alerts")
    return said.plain_text or ""


async def test_alerts_shows_open_escalations_and_who_calls_whom(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)  # 101, 102: CAT; 103: responder; 104: the lead
    await join(h, 9002, "liaison TT_CNTT")
    await set_rotation(h, 103)
    assert "Không có đôn đốc nào đang mở" in await alerts(h, 103)
    directive = await broadcast(h, "CAT", "TT_CNTT")
    await step(h, 50 * S)  # the reminders to the agencies are not alerts yet
    assert "Không có đôn đốc nào đang mở" in await alerts(h, 103)

    # At the deadline, to the second: the on-duty responder's digest says "vừa quá hạn".
    await step(h, 60 * S)
    [digest] = texts(h, 103, "Đôn đốc (lần 1/4)")
    said = digest.plain_text or ""
    assert "vừa quá hạn" in said and "0 giây" not in said, said
    # 103 takes on calling the centre.
    query = h.fake.press_button(103, digest.message_id, digest.button_data("Trung tâm Công nghệ"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)

    await step(h, 5 * 60 * S)
    listing = await alerts(h, 103)
    assert "1556/UBND-KGVX" in listing and "Đôn đốc (lần 4/4)" in listing, listing
    assert "chờ xác nhận 2 đơn vị" in listing
    lines = listing.splitlines()
    [cat] = [line for line in lines if "Công an tỉnh" in line]
    [centre] = [line for line in lines if "Trung tâm Công nghệ" in line]
    assert "quá hạn 4 phút" in cat and "chưa có ai nhận liên hệ" in cat
    assert "Hùng Nguyễn đang liên hệ" in centre
    assert tg_len(listing) < 600  # phone-sized
    assert await alerts(h, A) == listing  # admins see the same

    # A liaison is refused (audited); a stranger too.
    refused = await alerts(h, 101)
    assert "dành cho thành viên Đội ứng cứu sự cố và quản trị viên" in refused
    denied = await AuditRepository(h.services.db.reader).entries("access.denied")
    assert any(e.actor_user_id == 101 and e.subject == "/alerts" for e in denied)

    # CAT acknowledges: it leaves the list; a recall ends it.
    copy = await h.fake.wait_for_message(101, is_directive)
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    listing = await alerts(h, 103)
    assert "Công an tỉnh" not in listing and "chờ xác nhận 1 đơn vị" in listing
    await h.services.broadcast.recall(A, directive.id)
    assert "Không có đôn đốc nào đang mở" in await alerts(h, 103)


async def test_help_and_menu_explain_alerts_to_responders(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    helped = await h.say(103, "/help")
    text = helped.plain_text or ""
    assert "/alerts" in text
    [how] = [line for line in text.split("\n\n") if "Đôn đốc" in line and "Tôi sẽ liên hệ" in line]
    assert len(how.strip().splitlines()) == 4  # a title, then three lines
    liaison = await h.say(101, "/help")
    assert "/alerts" not in (liaison.plain_text or "")
    assert "Tôi sẽ liên hệ" not in (liaison.plain_text or "")
    menu = await h.fake.wait_for_call(
        "setMyCommands", lambda c: c.params.get("scope", {}).get("chat_id") == 103)
    assert "alerts" in {c["command"] for c in menu.params["commands"]}


async def test_a_reminder_just_overdue_never_says_zero_seconds(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    policy = POLICY.replace("{at: -10s, notify: [agency_liaisons]}",
                            "{at: 0, notify: [agency_liaisons]}")
    await start(h, tmp_path, policy)
    await broadcast(h, "CAT")
    await step(h, 60 * S)
    [reminder] = texts(h, 101, "Nhắc hạn")
    said = reminder.plain_text or ""
    assert "vừa quá hạn" in said and "0 giây" not in said, said


async def test_one_shift_start_notice_per_duty(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    people = PeopleRepository(h.services.db.reader)
    p103, p104 = await people.by_telegram_id(103), await people.by_telegram_id(104)
    assert p103 and p104
    await set_rotation(h, 103)  # 103 on duty since an hour ago, for a day
    assert await h.services.duty.shift_start_notices() == 1
    now = h.clock.now()
    # 103's own override inside their rotation shift: the same duty, no second notice.
    async with h.services.db.transaction() as conn:
        await DutyRepository(conn).add_override(p103.id, now + timedelta(hours=1),
                                                now + timedelta(hours=30), None, to_epoch(now))
    h.clock.set(now + timedelta(hours=1))
    assert await h.services.duty.shift_start_notices() == 0
    # An admin puts 104 on duty from now: the assignment is the notice; a restart later
    # changes nothing.
    await h.services.duty.assign(A, p104.id, h.clock.now(), h.clock.now() + timedelta(hours=2))
    assert await h.services.duty.shift_start_notices() == 0
    await h.stop()
    await h.start(policy_file=tmp_path / "policy.yaml")
    assert await h.services.duty.shift_start_notices() == 0
    await h.services.sender.drained()
    assert len(texts(h, 103, "Bắt đầu ca trực")) == 1
    assert len(texts(h, 104, "Anh/Chị được phân công trực")) == 1
    assert texts(h, 104, "Bắt đầu ca trực") == []
    # 104's period ends; 103 has been on duty throughout: nothing new to say.
    h.clock.set(now + timedelta(hours=3))
    assert await h.services.duty.shift_start_notices() == 0


async def test_next_shift_is_someone_coming_on_duty(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await join(h, 9002, "responder")
    people = PeopleRepository(h.services.db.reader)
    p103, p104, p9002 = [await people.by_telegram_id(u) for u in (103, 104, 9002)]
    assert p103 and p104 and p9002
    now = h.clock.now()
    async with h.services.db.transaction() as conn:
        duty = DutyRepository(conn)
        await duty.set_rotation(Rotation((p103.id,), timedelta(days=1), now - timedelta(hours=1)),
                                0)
        # Two overrides overlap now; 104's ends first: nobody new comes on then.
        await duty.add_override(p104.id, now - timedelta(hours=1), now + timedelta(hours=1),
                                None, 0)
        await duty.add_override(p9002.id, now - timedelta(minutes=30), now + timedelta(hours=3),
                                None, 0)
    view = (await h.say(101, "/duty")).plain_text or ""
    assert "Khách Nguyễn" in view and "Phó Nguyễn" in view
    [line] = [line for line in view.splitlines() if line.startswith("Ca tiếp theo")]
    # Times are local (UTC+7): now is 08:00 on 23/11.
    assert line.startswith("Ca tiếp theo (từ 11:00 ngày 23/11/2026): Hùng Nguyễn"), line
    assert line.endswith("đến 07:00 ngày 24/11/2026"), line
