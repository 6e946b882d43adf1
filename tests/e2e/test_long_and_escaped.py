"""Long texts and awkward names through the fake Telegram, which refuses what Telegram refuses."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has, pick_to_preview, tap
from tests.e2e.test_directives import agency_ids, draft, is_directive, setup_liaisons
from tests.e2e.test_escalation import POLICY, S, start, step, texts

RESPONDERS = POLICY.replace("{at: 0, notify: [on_duty]}", "{at: 0, notify: [responders]}")


def utf16(text: str | None) -> int:
    return len((text or "").encode("utf-16-le")) // 2


def failed_calls(h: Harness, method: str) -> list[str]:
    return [str(c.error) for c in h.fake.calls if c.method == method and not c.ok]


async def rename(h: Harness, code: str, name: str) -> None:
    async with h.services.db.transaction() as conn:
        await conn.execute("UPDATE agencies SET name = ? WHERE code = ?", (name, code))


async def forty_communes(h: Harness) -> set[int]:
    return set(sorted(a.id for a in (await h.services.broadcast.catalog())[1]
                      if a.kind == "committee")[:40])


async def test_claiming_all_of_a_forty_agency_digest_shows_on_every_copy(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path, RESPONDERS)
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S)
    d.agency_ids = await forty_communes(h)
    # Long names fill every part of the digest (nobody of these communes is on the bot, so
    # their lines name no liaison: the names make the length).
    async with h.services.db.transaction() as conn:
        await conn.execute(
            "UPDATE agencies SET name = name || ' (đơn vị hành chính cấp xã, tỉnh An Giang)'"
            f" WHERE id IN ({','.join(str(i) for i in d.agency_ids)})")
    h.t0 = h.clock.now()
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await step(h, 60 * S)
    # The digest at the deadline: the last copy with buttons each (the communes were also
    # paged at sending, as agencies nobody on the bot answers for).
    mine = [m for m in texts(h, 103, "• ") if m.buttons][-1:]
    theirs = [m for m in texts(h, 104, "• ") if m.buttons][-1:]
    assert len(mine) == 1 and len(theirs) == 1
    query = h.fake.press_button(103, mine[0].message_id,
                                mine[0].button_data("Tôi sẽ liên hệ tất cả"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "Đã ghi nhận" in (h.fake.callback_answer(query) or {}).get("text", "")
    await h.services.sender.drained()
    for user, copy in ((103, mine[0]), (104, theirs[0])):
        edited = await h.fake.wait_for_message(
            user, lambda m, c=copy: m.message_id == c.message_id  # type: ignore[misc]
            and "sẽ liên hệ" in (m.plain_text or ""))
        text = edited.plain_text or ""
        assert "Hùng" in text and not edited.buttons
        claim = text[text.index("sẽ liên hệ"):]
        # Every one of the forty is accounted for: named, or counted in "… và N đơn vị khác"
        # when the names do not fit the room left in the copy.
        more = re.search(r"và (\d+) đơn vị khác", claim)
        assert claim.count("UBND") + (int(more.group(1)) if more else 0) == 40, claim
        assert utf16(text) <= 4096
        # Every agency is still listed in the digest; the claim line names the rest by count.
        assert text.count("• ") == (copy.plain_text or "").count("• ")
    assert failed_calls(h, "editMessageText") == []


async def test_claim_buttons_show_names_with_ampersand_and_angle_plainly(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path, RESPONDERS)
    await rename(h, "TT_CNTT", "Trung tâm CNTT&TT <An Giang>")
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S)
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT")
    h.t0 = h.clock.now()
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await step(h, 60 * S)
    [digest] = texts(h, 103, "Đôn đốc")
    labels = [b["text"] for b in digest.buttons]
    assert "📞 Trung tâm CNTT&TT <An Giang>" in labels, labels
    assert "Trung tâm CNTT&TT <An Giang>" in (digest.plain_text or "")


async def test_broadcast_refuses_a_summary_whose_header_would_not_fit(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    ask = await h.say(SUPER_ADMIN, "/broadcast", has("độ khẩn"))
    secrecy = await tap(h, ask, "Hỏa tốc", "độ mật")
    assert secrecy is not None
    await tap(h, secrecy, "Không mật", "số, ký hiệu")
    await h.say(SUPER_ADMIN, "33/CĐ-TTg", has("ngày ban hành"))
    await h.say(SUPER_ADMIN, "30/8/2022", has("cơ quan ban hành"))
    await h.say(SUPER_ADMIN, "UBND tỉnh An Giang", has("trích yếu"))
    refused = await h.say(SUPER_ADMIN, "🔥" * 480)  # 480 characters, 960 as Telegram counts
    text = refused.plain_text or ""
    assert text.startswith("❌ Trích yếu quá dài") and "1000 ký tự" in text, text
    assert "Vui lòng nhập trích yếu ngắn hơn" in text
    await h.say(SUPER_ADMIN, "🔥" * 100 + " tăng cường bảo đảm an toàn thông tin", has("nội dung"))


async def test_emoji_body_reaches_the_liaison_in_parts_telegram_accepts(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    d = draft(h, body="🔥" * 3400)  # 3,400 characters, 6,800 UTF-16 units
    d.agency_ids = await agency_ids(h, "CAT")
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await h.services.sender.drained()
    last = await h.fake.wait_for_message(101, is_directive)
    parts = [m for m in h.fake.messages_to(101) if "🔥" in (m.text or "")]
    assert len(parts) >= 2 and parts[-1] is last
    assert sum((m.plain_text or "").count("🔥") for m in parts) == 3400
    assert all(utf16(m.plain_text) <= 4096 for m in parts)
    assert failed_calls(h, "sendMessage") == []


async def report_on(h: Harness, user: int, copy: SentMessage) -> None:
    before = len(h.fake.messages_to(user))
    h.fake.press_button(user, copy.message_id, copy.button_data("Báo cáo"))
    await h.fake.wait_for_message(user, has("Báo cáo kết quả thực hiện"), after=before)


async def test_emoji_report_is_counted_as_telegram_counts_and_reaches_the_admin(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    d = draft(h, report_deadline_at=h.clock.now() + timedelta(days=3))
    d.agency_ids = await agency_ids(h, "TT_CNTT")
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await report_on(h, 103, await h.fake.wait_for_message(103, is_directive))
    too_long = await h.say(103, "🔥" * 2000)  # 4,000 units: over 3,000 as Telegram counts
    assert "vượt quá 3000 ký tự" in (too_long.plain_text or "")
    got = await h.say(103, "🔥" * 1400, has("Đã ghi nhận ("))
    before = len(h.fake.messages_to(103))
    h.fake.press_button(103, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(103, has("Đã lưu báo cáo"), after=before)
    await h.services.sender.drained()
    notice = await h.fake.wait_for_message(SUPER_ADMIN, has("Báo cáo kết quả"))
    assert (notice.plain_text or "").count("🔥") == 1400
    assert failed_calls(h, "sendMessage") == []


async def test_report_file_from_an_agency_named_with_angle_brackets_keeps_its_caption(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    await rename(h, "TT_CNTT", "Trung tâm <CNTT> & Truyền thông")
    d = draft(h, report_deadline_at=h.clock.now() + timedelta(days=3))
    d.agency_ids = await agency_ids(h, "TT_CNTT")
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await report_on(h, 103, await h.fake.wait_for_message(103, is_directive))
    before = len(h.fake.messages_to(103))
    h.fake.send_document(103, "bao-cao.pdf", b"%PDF-1.4 report")
    got = await h.fake.wait_for_message(103, has("1 tệp"), after=before)
    assert "Đã ghi nhận (" in (got.plain_text or "")
    before = len(h.fake.messages_to(103))
    h.fake.press_button(103, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(103, has("Đã lưu báo cáo"), after=before)
    await h.services.sender.drained()
    document = await h.fake.wait_for_message(SUPER_ADMIN, lambda m: m.kind == "document")
    assert document.caption is not None
    assert "Trung tâm <CNTT> & Truyền thông — 1556/UBND-KGVX" in (document.plain_text or "")
    notice = await h.fake.wait_for_message(SUPER_ADMIN, has("Báo cáo kết quả"))
    assert "Trung tâm <CNTT> & Truyền thông" in (notice.plain_text or "")
    assert failed_calls(h, "sendDocument") == [] and failed_calls(h, "sendMessage") == []


async def edit_field(h: Harness, summary: SentMessage, label: str, expect: str) -> None:
    query = h.fake.press_button(SUPER_ADMIN, summary.message_id, summary.button_data("Sửa"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    menu = await h.fake.wait_for_message(
        SUPER_ADMIN, lambda m: m.message_id == summary.message_id and label in str(m.reply_markup))
    await tap(h, menu, label, expect)


async def test_editing_the_issuer_is_refused_when_the_header_would_not_fit(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    summary = await pick_to_preview(h, "Trung tâm Công nghệ")
    await edit_field(h, summary, "Trích yếu", "trích yếu")
    summary = await h.say(SUPER_ADMIN, "🔥" * 400, has("Tóm tắt trước khi gửi"))  # fits
    await edit_field(h, summary, "Cơ quan ban hành", "cơ quan ban hành")
    refused = await h.say(SUPER_ADMIN, "🔥" * 150)
    text = refused.plain_text or ""
    assert text.startswith("❌ Cơ quan ban hành quá dài") and "1000 ký tự" in text, text
    assert "Vui lòng nhập cơ quan ban hành ngắn hơn" in text
    await h.say(SUPER_ADMIN, "UBND tỉnh An Giang", has("Tóm tắt trước khi gửi"))


async def test_editing_the_number_is_refused_when_the_header_would_not_fit(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    summary = await pick_to_preview(h, "Trung tâm Công nghệ")
    await edit_field(h, summary, "Trích yếu", "trích yếu")
    summary = await h.say(SUPER_ADMIN, "🔥" * 440, has("Tóm tắt trước khi gửi"))  # fits
    await edit_field(h, summary, "Số, ký hiệu", "số, ký hiệu")
    long_number = "123456/2026/" + "-".join(["ABCDEFGHIJKLMNOPQRST"] * 5)  # valid, 116 chars
    refused = await h.say(SUPER_ADMIN, long_number)
    text = refused.plain_text or ""
    assert text.startswith("❌ Số, ký hiệu quá dài") and "1000 ký tự" in text, text
    assert "Vui lòng nhập số, ký hiệu ngắn hơn" in text
    await h.say(SUPER_ADMIN, "576/UBND-VHXH", has("Tóm tắt trước khi gửi"))
    preview = [m for m in h.fake.messages_to(SUPER_ADMIN) if "576/UBND-VHXH" in (m.text or "")
               and m.buttons]
    assert utf16(preview[-1].plain_text.split("\n\n")[0]) <= 1000  # the header
