"""/status fits a phone and is rewritten in place: counts first, a few agencies to call, the
longer lists (nobody on the bot, every agency still to confirm, the result reports) behind
buttons and paged; result reports reach every admin, a second one marked as a supplement."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import yaml

from bot.domain.directives import Urgency, utf16_len
from bot.services.broadcast import Draft
from bot.services.importer import Importer
from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from bot.telegram import callbacks as cb
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_after_sending import open_status
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_directives import FAST, agency_ids, draft, is_directive, setup_liaisons
from tests.e2e.test_onboarding import invite

A = SUPER_ADMIN
DEPUTY = 9002  # a second admin, on the bot through an invite


def labels(m: SentMessage) -> list[str]:
    return [b["text"] for b in m.buttons]


def lines(m: SentMessage) -> list[str]:
    return (m.plain_text or "").split("\n")


async def press(h: Harness, user: int, m: SentMessage, data: str) -> str:
    """`user` presses a button with `data` on `m`; the answer's text, once answered."""
    query = h.fake.press_button(user, m.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return str((h.fake.callback_answer(query) or {}).get("text", ""))


async def settled(h: Harness, user: int = A) -> None:
    """The user's earlier updates are handled (they run in order): ask for something after."""
    await h.say(user, "/help")


async def acknowledge(h: Harness, user: int, number: str = "1556/UBND-KGVX") -> None:
    copy = await h.fake.wait_for_message(
        user, lambda m: number in (m.text or "") and bool(m.buttons))
    await press(h, user, copy, copy.button_data("Đã nhận"))


async def three_agencies(h: Harness, *, report: bool = True):
    """CAT (101, 102) and TT_CNTT (103) on the bot, SNV with nobody on it."""
    await setup_liaisons(h)
    d = draft(h, report_deadline_at=h.clock.now() + timedelta(days=3) if report else None)
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT", "SNV")
    directive, _ = await h.services.broadcast.send(A, d)
    await h.services.sender.drained()
    return directive


async def test_status_is_one_short_message_counts_first_and_refresh_edits_it_in_place(
    harness: Harness,
) -> None:
    h = harness
    directive = await three_agencies(h)
    before = len(h.fake.messages_to(A))
    status = await open_status(h)
    await settled(h)
    assert len(h.fake.messages_to(A)) == before + 2  # the status (one message) and /help
    text = lines(status)
    # Counts first: sent, acknowledged x/y, the deadline, the result reports.
    assert text[0].startswith("📊 Tình hình văn bản số 1556/UBND-KGVX")
    assert "đã gửi 3/3" in text[2]
    assert "đã xác nhận 0/3" in text[3] and "không liên lạc được 1" in text[3]
    assert text[4].startswith("⏰ Thời hạn xác nhận")
    assert text[5] == "📝 Báo cáo kết quả: đã báo cáo 0/3"
    # Then only the agencies still to confirm that can be reached, one contact each.
    assert text[6] == "Chưa xác nhận (2):"
    waiting = [x for x in text if x.startswith("• ")]
    assert [x.split(" — ")[0] for x in waiting] == [
        "• Công an tỉnh", "• Trung tâm Công nghệ thông tin và Truyền thông"]
    # One contact on the bot each, then the agency's own phone (issue 10 item 2).
    assert all(re.fullmatch(r"• [^—]+ — [^·]+ · ĐT đơn vị: 0[\d ]{9,}", x) for x in waiting), waiting
    # The agency with nobody on the bot is one line, collapsed behind «Xem».
    assert "⚠️ 1 đơn vị chưa có đầu mối trên bot" in text
    assert "Sở Nội vụ" not in (status.plain_text or "")
    assert "/status" not in (status.plain_text or "")
    assert labels(status) == [
        "Xem 1 đơn vị chưa có đầu mối", "☎️ Đơn vị chưa xác nhận (2)",
        "Xem báo cáo kết quả (0/3)", "🔄 Cập nhật", "⏰ Gia hạn", "✏️ Đính chính", "⛔ Thu hồi"]

    # The police acknowledge; «Cập nhật» rewrites the same message, and sends none.
    await acknowledge(h, 101)
    h.clock.advance(timedelta(minutes=5))
    before = len(h.fake.messages_to(A))
    answer = await press(h, A, status, status.button_data("Cập nhật"))
    assert answer == "Đã cập nhật."
    await settled(h)
    assert len(h.fake.messages_to(A)) == before + 1  # /help's answer only
    assert len(status.edits) == 1
    text = lines(status)
    assert "đã xác nhận 1/3" in text[3] and "Chưa xác nhận (1):" in text
    assert not any(x.startswith("• Công an tỉnh") for x in text)
    assert "☎️ Đơn vị chưa xác nhận (1)" in labels(status)
    # Nothing new: the message stays as it is, and the answer says so.
    assert await press(h, A, status, status.button_data("Cập nhật")) == "Chưa có thay đổi mới."
    assert len(status.edits) == 1
    assert directive.id


async def test_the_lists_behind_the_buttons_and_a_phone_receipt_from_them(
    harness: Harness,
) -> None:
    h = harness
    directive = await three_agencies(h)
    status = await open_status(h)
    nobody = await tap(h, status, "Xem 1 đơn vị chưa có đầu mối", "Chưa có đầu mối trên bot")
    assert nobody is not None
    assert re.search(r"• Sở Nội vụ — .*ĐT đơn vị: 0297", nobody.plain_text or "")
    assert "Đề nghị gọi điện trực tiếp" in (nobody.plain_text or "")
    assert labels(nobody) == ["☎️ Sở Nội vụ"]  # one page: no page buttons
    waiting = await tap(h, status, "Đơn vị chưa xác nhận", "Chưa xác nhận (2 đơn vị)")
    assert waiting is not None
    assert labels(waiting) == ["☎️ Công an tỉnh", "☎️ Trung tâm Công nghệ thông tin và…"]
    # From the list, an agency's card records a receipt by phone, as before.
    card = await tap(h, nobody, "Sở Nội vụ", "Trạng thái")
    assert card is not None
    confirm = await tap(h, card, "Ghi nhận đã nhận qua điện thoại", "Đồng ý ghi nhận")
    assert confirm is not None
    await tap(h, confirm, "Xác nhận", "Đã ghi nhận")
    acks = await DirectiveRepository(h.services.db.reader).acks(directive.id)
    assert [a.via for a in acks.values()] == ["phone"]
    await press(h, A, status, status.button_data("Cập nhật"))
    await settled(h)
    assert "chưa có đầu mối" not in (status.plain_text or "")
    assert "Xác nhận qua điện thoại/văn bản giấy (1):" in (status.plain_text or "")
    assert not any("chưa có đầu mối" in label for label in labels(status))
    reports = await tap(h, status, "Xem báo cáo kết quả", "Báo cáo kết quả thực hiện")
    assert reports is not None
    assert "đã báo cáo 0/3" in (reports.plain_text or "")
    assert "• Sở Nội vụ — chưa báo cáo" in (reports.plain_text or "")


async def test_stale_and_forged_taps_on_the_status_buttons(harness: Harness) -> None:
    h = harness
    directive = await three_agencies(h)
    status = await open_status(h)
    # A liaison replays the admin's buttons: refused, audited, nothing shown.
    own = await h.fake.wait_for_message(101, is_directive)
    for data in (status.button_data("Cập nhật"), cb.status_list("nb", directive.id),
                 cb.status_list("rp", directive.id, 0), cb.status_open(directive.id)):
        before = len(h.fake.messages_to(101))
        await press(h, 101, own, data)
        refusal = await h.fake.wait_for_message(101, has("quản trị"), after=before)
        assert "Sở Nội vụ" not in (refusal.plain_text or "")
    denied = [e for e in await AuditRepository(h.services.db.reader).entries()
              if e.action == "access.denied" and e.actor_user_id == 101]
    assert denied and not own.edits  # audited (once per window), their copy untouched
    # Made-up data: a directive that does not exist, a shape the codec does not know.
    before = len(h.fake.messages_to(A))
    await press(h, A, status, cb.status_list("pd", 987654))
    await h.fake.wait_for_message(A, has("Không tìm thấy"), after=before)
    assert "không còn hiệu lực" in await press(h, A, status, "sv:zz:1")
    assert not status.edits
    # A page past the end (the list got shorter since): the last page, no error.
    waiting = await tap(h, status, "Đơn vị chưa xác nhận", "Chưa xác nhận (2 đơn vị)")
    assert waiting is not None
    await press(h, A, waiting, cb.status_list("pd", directive.id, 7))
    await settled(h)
    assert "Công an tỉnh" in (waiting.plain_text or "") and not waiting.edits
    # The directive is recalled: an old «Cập nhật» shows it, without the changes' buttons.
    await h.services.broadcast.recall(A, directive.id)
    await press(h, A, status, status.button_data("Cập nhật"))
    await settled(h)
    assert "⛔ Đã thu hồi lúc" in (status.plain_text or "")
    assert labels(status) == ["Xem báo cáo kết quả (0/3)", "🔄 Cập nhật"]
    # An old list's agency button says it is recalled; its page has no agency buttons now.
    before = len(h.fake.messages_to(A))
    await press(h, A, waiting, waiting.button_data("Công an tỉnh"))
    await h.fake.wait_for_message(A, has("đã bị thu hồi"), after=before)
    await press(h, A, waiting, cb.status_list("pd", directive.id, 0))
    await settled(h)
    assert waiting.buttons == [] and "⛔ Đã thu hồi lúc" in (waiting.plain_text or "")
    assert await DirectiveRepository(h.services.db.reader).acks(directive.id) == {}


async def report(h: Harness, user: int, text: str, expect: str) -> SentMessage:
    copy = await h.fake.wait_for_message(user, is_directive)
    before = len(h.fake.messages_to(user))
    h.fake.press_button(user, copy.message_id, copy.button_data("Báo cáo"))
    ask = await h.fake.wait_for_message(user, has("Báo cáo kết quả thực hiện"), after=before)
    got = await h.say(user, text, has("Đã ghi nhận ("))
    before = len(h.fake.messages_to(user))
    h.fake.press_button(user, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(user, has(expect), after=before)
    return ask


async def test_result_reports_reach_every_admin_and_a_second_one_is_a_supplement(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    token, _ = await invite(h, "admin")
    await h.say(DEPUTY, f"/start {token}")
    d = draft(h, report_deadline_at=h.clock.now() + timedelta(days=3))
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT")
    directive, _ = await h.services.broadcast.send(A, d)

    first = await report(h, 103, "Đã bố trí trực 24/7.", "Đã lưu báo cáo kết quả thực hiện")
    assert "báo cáo bổ sung" not in (first.plain_text or "")
    h.clock.advance(timedelta(hours=2))
    again = await report(h, 103, "Bổ sung danh sách cán bộ trực.", "Đã lưu báo cáo bổ sung")
    assert "được ghi là báo cáo bổ sung" in (again.plain_text or "")
    await h.services.sender.drained()
    for admin in (A, DEPUTY):  # the sender and the other admin: each gets both, once
        got = [m.plain_text or "" for m in h.fake.messages_to(admin) if "Báo cáo" in (m.plain_text or "")
               and "Trung tâm Công nghệ thông tin" in (m.plain_text or "")]
        assert len(got) == 2, (admin, got)
        assert got[0].startswith("📝 Báo cáo kết quả thực hiện") and "Đã bố trí" in got[0]
        assert got[1].startswith("📝 Báo cáo bổ sung kết quả thực hiện")
        assert "Bổ sung danh sách" in got[1]
    rows = await DirectiveRepository(h.services.db.reader).result_reports(directive.id)
    assert [r["text"] for r in rows] == ["Đã bố trí trực 24/7.", "Bổ sung danh sách cán bộ trực."]
    audit = await AuditRepository(h.services.db.reader).entries("report.submitted")
    assert [e.details.get("supplement") for e in audit] == [0, 1]

    # The status counts agencies that reported, and the supplement beside them.
    status = await open_status(h)
    assert "📝 Báo cáo kết quả: đã báo cáo 1/2 · 1 báo cáo bổ sung" in lines(status)
    listing = await tap(h, status, "Xem báo cáo kết quả (1/2)", "Báo cáo kết quả thực hiện")
    assert listing is not None
    text = listing.plain_text or ""
    assert "• Trung tâm Công nghệ thông tin và Truyền thông — " in text
    assert "Đã bố trí trực 24/7." in text and "➕ Báo cáo bổ sung (1), gần nhất" in text
    assert "• Công an tỉnh — chưa báo cáo" in text


def province_of(path: Path, agencies: int, on_bot: int) -> None:
    """`agencies` communes with long names; the first `on_bot` have a liaison on the bot."""
    long = ("thuộc tỉnh An Giang, được sắp xếp theo Nghị quyết của Ủy ban Thường vụ Quốc hội về "
            "đơn vị hành chính cấp xã năm 2025")
    path.write_text(yaml.safe_dump({
        "agencies": [{"code": f"XA_{i:03d}", "name": f"Ủy ban nhân dân xã Thử Nghiệm {i:03d} {long}",
                      "kind": "committee", "phone": f"0297 3 {800_000 + i}"}
                     for i in range(agencies)],
        "people": [{"code": f"P{i:03d}", "full_name": f"Nguyễn Thị Cán Bộ Đầu Mối Số {i:03d}",
                    "phone": f"0912 {300_000 + i}", "roles": ["liaison"],
                    "agency": f"XA_{i:03d}", "telegram_id": 300_000 + i}
                   for i in range(on_bot)],
    }, allow_unicode=True))


def fits(m: SentMessage) -> None:
    """Within Telegram's limits, and short enough for a phone."""
    assert utf16_len(m.plain_text or "") <= 4096
    assert len(m.buttons) <= 16
    for b in m.buttons:
        assert len(b["callback_data"].encode()) <= 64 and cb.parse(b["callback_data"]) is not None


async def turn_pages(h: Harness, first: SentMessage) -> list[str]:
    """Every page of a list, by its «Trang tiếp» button; the agencies each page names."""
    seen = [x for x in lines(first) if x.startswith("• ")]
    page = 1
    while "Trang tiếp ▶️" in labels(first):
        fits(first)
        await press(h, A, first, first.button_data("Trang tiếp"))
        page += 1
        assert f"Trang {page}/" in (first.plain_text or "")
        seen += [x for x in lines(first) if x.startswith("• ")]
    fits(first)
    assert len(first.edits) == page - 1  # every page in the same message
    return seen


async def test_status_at_120_agencies_fits_a_phone_and_its_lists_page(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    for i in range(70):
        h.fake.add_user(300_000 + i, f"Cán bộ {i}")
    await h.start(**FAST)
    province_of(tmp_path / "p.yaml", 120, 70)
    await Importer(h.services.db, h.clock).import_file(tmp_path / "p.yaml")
    async with h.services.db.transaction() as conn:  # everyone on the bot has pressed Start
        await conn.execute("UPDATE people SET activated = 1")
    ids = {a.id for a in (await h.services.broadcast.catalog())[1]}
    draft_ = Draft(urgency=Urgency.HOA_TOC, number="77/UBND-KGVX", issuer="UBND tỉnh An Giang",
                   summary="bảo đảm an toàn thông tin mạng " * 8, body="Nội dung",
                   agency_ids=ids, report_deadline_at=h.clock.now() + timedelta(days=3))
    _, audience = await h.services.broadcast.send(A, draft_)
    assert (audience.agency_count, audience.people_count) == (120, 70)
    await h.services.sender.drained()

    status = await h.say(A, "/status 77/UBND-KGVX", has("Tình hình"))
    fits(status)
    assert len(status.buttons) == 7
    text = lines(status)
    assert "Chưa xác nhận (70):" in text
    assert len([x for x in text if x.startswith("• ")]) == 5
    assert "… và 65 đơn vị khác (nút “☎️ Đơn vị chưa xác nhận”)" in text
    assert "⚠️ 50 đơn vị chưa có đầu mối trên bot" in text
    assert "📝 Báo cáo kết quả: đã báo cáo 0/120" in text

    nobody = await tap(h, status, "Xem 50 đơn vị chưa có đầu mối", "Chưa có đầu mối trên bot")
    assert nobody is not None
    assert "Trang 1/5" in (nobody.plain_text or "")
    assert len([b for b in nobody.buttons if b["text"].startswith("☎️")]) == 10
    assert labels(nobody)[-1] == "Trang tiếp ▶️"
    names = await turn_pages(h, nobody)
    expected = [f"• Ủy ban nhân dân xã Thử Nghiệm {i:03d}" for i in range(70, 120)]
    assert [x[:len(expected[0])] for x in names] == expected
    await press(h, A, nobody, nobody.button_data("Trang trước"))
    assert "Trang 4/5" in (nobody.plain_text or "")

    waiting = await tap(h, status, "Đơn vị chưa xác nhận (70)", "Chưa xác nhận (70 đơn vị)")
    assert waiting is not None
    assert len(await turn_pages(h, waiting)) == 70
    # An agency on the last page opens its card, as from the short list.
    card = await tap(h, waiting, "Thử Nghiệm 069", "Trạng thái")
    assert card is not None and "Nguyễn Thị Cán Bộ Đầu Mối Số 069" in (card.plain_text or "")

    reports = await tap(h, status, "Xem báo cáo kết quả (0/120)", "Báo cáo kết quả thực hiện")
    assert reports is not None
    assert len(await turn_pages(h, reports)) == 120

    # Acknowledgements come in: «Cập nhật» rewrites the one message, still within limits.
    for i in range(65):
        await acknowledge(h, 300_000 + i, "77/UBND-KGVX")
    await press(h, A, status, status.button_data("Cập nhật"))
    await settled(h)
    fits(status)
    text = lines(status)
    assert "Chưa xác nhận (5):" in text and not any(x.startswith("… và") for x in text)
    assert len(status.edits) == 1


async def test_a_late_acknowledgement_is_counted_once_within_the_acknowledged(
    harness: Harness,
) -> None:
    """«xác nhận quá hạn» beside «đã xác nhận» and «chưa xác nhận» read as a fourth state,
    so the counts added up to more agencies than the directive has: the late ones are a
    part of the acknowledged, said as such, and not shown when there are none."""
    h = harness
    await three_agencies(h)
    status = await open_status(h)
    assert "quá hạn" not in lines(status)[3]
    h.clock.advance(timedelta(minutes=31))  # Hỏa tốc: 30 minutes by default
    await acknowledge(h, 103)
    await settled(h, 103)
    status = await open_status(h)
    line = lines(status)[3]
    assert "đã xác nhận 1/3 (quá hạn 1) · chưa xác nhận 1 · không liên lạc được 1" in line
    assert "xác nhận quá hạn" not in line
