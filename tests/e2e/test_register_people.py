"""Onboarding, phone, invites, roles, help and the duty roster read in the administrative register.

Everything the bot says in these scenarios (messages, edits, buttons, callback answers, command
menus) is scanned for the words and marks the glossary retires; the key phrases a provincial
official expects are asserted where they are said.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

from bot.domain.roster import Rotation
from bot.storage.duty import DutyRepository
from bot.telegram.render import shown
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_escalation import set_rotation, start, texts
from tests.e2e.test_onboarding import import_province, invite

# (what is wrong, pattern): each names a word or mark DOMAIN.md's glossary retires.
RETIRED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("“bạn”: no pronoun, or “Anh/Chị”", re.compile(r"\bbạn\b", re.I)),
    ("“!” in a greeting", re.compile(r"!")),
    ("«» quotes: use “…”", re.compile(r"[«»]")),
    ("product name in message text", re.compile(r"Hỏa Tốc")),
    ("“quản trị” alone: “quản trị viên”", re.compile(r"\bquản trị\b(?! viên)", re.I)),
    ("bare “Đội ứng cứu”: “Đội ứng cứu sự cố”", re.compile(r"Đội ứng cứu(?! sự cố)")),
    ("“thôi”: “Hủy”/“Đã hủy”", re.compile(r"\bthôi\b", re.I)),
    ("colloquial “dở”", re.compile(r"\bdở\b", re.I)),
    ("“xin quản trị”: “đề nghị liên hệ quản trị viên”", re.compile(r"xin quản trị", re.I)),
    ("a refusal that threatens", re.compile(r"ghi lại", re.I)),
    ("“lọt vào nhóm”", re.compile(r"lọt vào", re.I)),
    ("“chuyển cấp”: “đôn đốc”", re.compile(r"chuyển cấp", re.I)),
    ("“nhắc nhở”: “nhắc hạn”", re.compile(r"nhắc nhở", re.I)),
    ("“trễ”: “quá hạn”", re.compile(r"\btrễ\b", re.I)),
)


def _labels(markup: object) -> list[str]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [str(b.get("text", b) if isinstance(b, dict) else b) for row in rows for b in row]


def said(h: Harness) -> list[str]:
    """Every text the bot showed anyone: messages, edits, buttons, answers and menus."""
    out: list[str] = []
    for call in h.fake.calls:
        p = call.params
        if call.method in {"sendMessage", "editMessageText", "sendDocument", "sendPhoto"}:
            out.append(shown(str(p.get("text") or p.get("caption") or "")))
            out += _labels(p.get("reply_markup"))
        elif call.method == "editMessageReplyMarkup":
            out += _labels(p.get("reply_markup"))
        elif call.method == "answerCallbackQuery" and p.get("text"):
            out.append(str(p["text"]))
        elif call.method == "setMyCommands":
            commands = p.get("commands")
            if isinstance(commands, str):
                commands = json.loads(commands)
            out += [str(c["description"]) for c in commands or []]
    return [text for text in out if text]


def assert_register(h: Harness) -> None:
    """Nothing said carries a retired word; every offence is listed at once."""
    offences = [f"{why}: {text!r}" for text in said(h) for why, pattern in RETIRED
                if pattern.search(text)]
    assert not offences, "\n".join(offences)


async def test_onboarding_phone_invites_and_refusals_read_as_the_province_speaks(
    harness: Harness,
) -> None:
    h = harness
    await h.start()
    await import_province(h)
    stranger = await h.say(104, "/start")
    assert "để được cấp đường dẫn mời" in (stranger.plain_text or "")

    token, _ = await invite(h, "liaison CAT")
    welcome = await h.say(101, f"/start {token}")
    assert "Tài khoản đã được đăng ký: cán bộ đầu mối (chính)" in (welcome.plain_text or "")
    ask = await h.fake.wait_for_message(101, has("số điện thoại"))
    assert (ask.plain_text or "").startswith("📱 Đề nghị cung cấp số điện thoại")
    bad = await h.say(101, "gọi tôi nhé")
    assert "Vui lòng nhập lại" in (bad.plain_text or "")
    before = len(h.fake.messages_to(101))
    h.fake.send_contact(101, "84912345678", contact_user_id=555)
    forged = await h.fake.wait_for_message(101, after=before)
    assert "của chính người dùng tài khoản này" in (forged.plain_text or "")
    before = len(h.fake.messages_to(101))
    h.fake.send_contact(101, "84912345678", contact_user_id=101)
    saved = await h.fake.wait_for_message(101, after=before)
    assert saved.plain_text == "✅ Đã lưu số điện thoại 0912 345 678."

    used = await h.say(102, f"/start {token}")
    assert "Đề nghị liên hệ quản trị viên để được cấp đường dẫn mới" in (used.plain_text or "")
    again = await h.say(101, f"/start {token}")
    assert "Tài khoản này đã được đăng ký bằng đường dẫn mời này" in (again.plain_text or "")
    refused = await h.say(101, "/invite responder")
    assert (refused.plain_text or "") == (
        "⛔ Lệnh /invite chỉ dành cho quản trị viên. "
        "Tài khoản này không có quyền sử dụng lệnh này.")
    help_text = await h.say(101, "/help")
    assert (help_text.plain_text or "").startswith("Các lệnh có thể sử dụng")

    responder_token, _ = await invite(h, "responder lead")
    responder = await h.say(103, f"/start {responder_token}")
    assert "Thành viên Đội ứng cứu sự cố" in (responder.plain_text or "")
    assert "— Đội trưởng" in (responder.plain_text or "")
    admin_token, _ = await invite(h, "admin")
    admin = await h.say(9002, f"/start {admin_token}")
    assert "quyền quản trị viên" in (admin.plain_text or "")
    await h.fake.wait_for_message(9002, has("Đề nghị cung cấp số điện thoại"))
    known = await h.say(9002, "/start", has("Kính chào"))
    assert "Vai trò: quản trị viên" in (known.plain_text or "")

    # Lists give times in the short form, "17:00 25/11".
    await invite(h, "liaison TT_CNTT du_phong")
    listing = await h.say(SUPER_ADMIN, "/invites", has("Lời mời đang chờ"))
    assert re.search(r"hết hạn \d\d:\d\d \d\d/\d\d$", listing.plain_text or "", re.M), (
        listing.plain_text)
    h.fake.add_bot_to_group(-100500, by_user_id=SUPER_ADMIN, title="Nhóm điều hành")
    group = await h.fake.wait_for_message(-100500)
    assert "chỉ làm việc qua tin nhắn riêng" in (group.plain_text or "")
    await h.fake.wait_for_call("leaveChat", lambda c: c.params.get("chat_id") == -100500)
    assert_register(h)


async def test_duty_roster_reads_as_the_province_speaks(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    async with h.services.db.transaction() as conn:  # the example province has a rotation
        await DutyRepository(conn).set_rotation(Rotation((), timedelta(days=1), h.clock.now()), 0)
    empty = await h.say(101, "/duty")
    assert "Hiện không có thành viên nào đang trực" in (empty.plain_text or "")
    assert "Đội trưởng và quản trị viên" in (empty.plain_text or "")
    await set_rotation(h, 103, 104)
    assert await h.services.duty.shift_start_notices() == 1

    pick = await h.say(SUPER_ADMIN, "/duty_set", has("Chọn thành viên Đội ứng cứu sự cố"))
    cancelled = await tap(h, pick, "Hủy", "Đã hủy")
    assert cancelled is not None
    assert cancelled.plain_text == "Đã hủy; lịch trực không thay đổi."
    pick = await h.say(SUPER_ADMIN, "/duty_set", has("Chọn thành viên Đội ứng cứu sự cố"))
    await tap(h, pick, "Khách", "thời điểm bắt đầu trực")
    await h.say(SUPER_ADMIN, "23/11 09:00", has("thời điểm kết thúc trực"))
    confirm = await h.say(SUPER_ADMIN, "23/11 11:00", has("Xác nhận phân công"))
    assert [b["text"] for b in confirm.buttons] == ["✅ Xác nhận", "Hủy"]
    await tap(h, confirm, "Xác nhận", "Đã phân công")
    await h.services.sender.drained()
    assert texts(h, 104, "Anh/Chị được phân công trực từ")
    assert texts(h, 103, "Trong ca trực, thông báo đôn đốc")

    pick = await h.say(SUPER_ADMIN, "/duty_swap", has("Chọn thành viên"))
    shifts = await tap(h, pick, "Hùng", "Chọn ca trực của Hùng")
    assert shifts is not None
    second = await tap(h, shifts, "→", "Chọn thành viên thứ hai")
    assert second is not None
    b_shifts = await tap(h, second, "Khách", "Chọn ca trực của Khách")
    assert b_shifts is not None
    swap = await tap(h, b_shifts, "→", "Xác nhận đổi ca trực")
    assert swap is not None and "trực ca bắt đầu" in (swap.plain_text or "")
    await tap(h, swap, "Xác nhận", "Đã đổi ca trực giữa")
    h.clock.advance(timedelta(minutes=1))
    view = await h.say(101, "/duty")
    assert (view.plain_text or "").startswith("🛡 Lịch trực Đội ứng cứu sự cố")
    assert_register(h)
