"""Issue 13's commands attacked as a hostile or careless user would: absurd periods, markup and
invisible characters in names, formulas in what people type, replayed and foreign taps."""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import load_workbook

from bot.storage.directives import DirectiveRepository
from bot.storage.people import PeopleRepository
from tests.e2e import test_management as management
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has, pick_to_preview
from tests.e2e.test_broadcast_conversation import tap as bc_tap
from tests.e2e.test_directives import FAST, join
from tests.e2e.test_escalation import set_rotation
from tests.e2e.test_export import export, is_document
from tests.e2e.test_incident_taking import start
from tests.e2e.test_onboarding import import_province, invite

A = SUPER_ADMIN


async def test_an_absurd_export_period_is_refused_not_a_failure(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    for line in ("/export 01/01/1900 31/12/9999", "/export 01/01/0001 01/01/2026"):
        answer = await h.say(A, line)
        text = answer.plain_text or ""
        assert "Không lập hoặc gửi được" not in text and "Đang lập" not in text, (line, text)
        assert text.startswith("❌"), (line, text)
    assert not [m for m in h.fake.messages_to(A) if is_document(m)]
    assert (await export(h, "/export 01/01/2026 31/12/2026")).file_bytes


async def test_an_agency_cannot_take_another_agencys_name(
    harness: Harness, tmp_path: Path
) -> None:
    # Two agencies of one name look alike in /broadcast's picker, /status and the summary:
    # a directive meant for one goes to the other.
    h = harness
    await management.start(h, tmp_path)
    _, agencies = await h.services.broadcast.catalog()
    cat = next(a for a in agencies if a.code == "CAT")
    for line in (f"/agency rename SNV {cat.name}", f"/agency rename SNV  {cat.name.upper()} ",
                 f"/agency add XA_MOI {cat.name}"):
        reply = await h.say(A, line)
        assert "Đã có đơn vị" in (reply.plain_text or "") and "CAT" in (reply.plain_text or ""), (
            line, reply.plain_text)
        assert not management.preview(reply)
    # Checked again when confirmed: a name taken meanwhile is not taken twice.
    shown = await h.say(A, "/agency rename SNV Sở Nội vụ tỉnh mới", management.preview)
    first = await h.say(A, "/agency rename TT_CNTT Sở Nội vụ tỉnh mới", management.preview)
    assert "Đã đổi tên" in await management.tap(h, A, shown, "Xác nhận")
    assert "Đã có đơn vị" in await management.tap(h, A, first, "Xác nhận")
    _, agencies = await h.services.broadcast.catalog()
    assert [a.code for a in agencies if a.name == "Sở Nội vụ tỉnh mới"] == ["SNV"]


async def test_invisible_and_direction_characters_are_refused_in_names(
    harness: Harness, tmp_path: Path
) -> None:
    # A zero-width space makes a look-alike of another agency's name; a right-to-left override
    # shows a name backwards in every list.
    h = harness
    await management.start(h, tmp_path)
    for line in ("/agency add XA_MOI Công an tỉnh\u200b", "/agency rename SNV \u202eSở Nội vụ",
                 "/agency add XA_MOI Xã\u2066 Mới"):
        reply = await h.say(A, line)
        assert "ký tự ẩn" in (reply.plain_text or ""), (line, reply.plain_text)
        assert not management.preview(reply)


async def test_an_empty_period_still_gives_a_valid_file_that_says_so(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    sent = await export(h, "/export 01/01/2020 31/01/2020")
    assert sent.file_bytes and "0 dòng văn bản, 0 sự cố" in (sent.caption or "")
    book = load_workbook(io.BytesIO(sent.file_bytes))
    assert all(ws["A1"].value for ws in book.worksheets)
    before = len(h.fake.messages_to(A))
    h.fake.send_text(A, "/summary 2020H1")
    made = await h.fake.wait_for_message(A, is_document, after=before, timeout=20)
    assert made.file_bytes and ": 0 sự cố" in (made.plain_text or ""), made.plain_text
    book = load_workbook(io.BytesIO(made.file_bytes))
    assert book.worksheets[0]["A1"].value


async def test_two_people_of_one_name_without_a_code_can_each_be_deactivated(
    harness: Harness, tmp_path: Path
) -> None:
    # Who joins by a role invite gets no code and their Telegram name: two "Nguyễn Văn Hùng"
    # were ambiguous forever ("mã —"), so the one who left could not be deactivated.
    h = harness
    await management.start(h, tmp_path)
    for user in (201, 202):
        h.fake.add_user(user, "Nguyễn Văn", "Hùng")
        token, _ = await invite(h, "responder")
        await h.say(user, f"/start {token}", has("đã được đăng ký"))
    listed = await h.say(A, "/person off nguyễn văn hùng")
    text = listed.plain_text or ""
    assert "Có nhiều cán bộ" in text and "mã —" not in text, text
    handles = re.findall(r"— mã (\S+)", text)
    assert len(handles) == 2, text
    people = PeopleRepository(h.services.db.reader)
    second = await people.by_telegram_id(202)
    assert second is not None and second.code is None
    [handle] = [x for x in handles if x.endswith(str(second.id))]
    shown = await h.say(A, f"/person off {handle}", management.preview)
    assert "Xác nhận" in shown.plain_text or shown.buttons
    assert "✅" in await management.tap(h, A, shown, "Xác nhận")
    first, second = await people.by_telegram_id(201), await people.get(second.id)
    assert first is not None and first.active and not second.active


async def test_a_huge_directive_number_gets_a_short_clear_answer(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    for line in ("/export " + "9" * 4000, "/chart " + "9" * 4000, "/export csv " + "<b>" * 1000):
        before = len(h.fake.messages_to(A))
        answer = await h.say(A, line)
        text = answer.plain_text or ""
        assert "Không tìm thấy văn bản" in text and len(text) < 400, (line[:20], text[:200])
        assert len(h.fake.messages_to(A)) == before + 1


async def test_an_admin_cannot_deactivate_a_super_admin_named_in_the_settings(
    harness: Harness, tmp_path: Path
) -> None:
    # The settings are where super-admins are named: an admin invited by one could otherwise
    # stop every escalation and reminder reaching them.
    h = harness
    await management.start(h, tmp_path)
    await h.say(A, "/start")
    token, _ = await invite(h, "admin")
    h.fake.add_user(301, "Quản trị", "Hai")
    await h.say(301, f"/start {token}", has("quản trị viên"))
    me = await PeopleRepository(h.services.db.reader).by_telegram_id(A)
    assert me is not None
    answer = await h.say(301, f"/person off #{me.id}")
    assert "cấu hình" in (answer.plain_text or ""), answer.plain_text
    assert not management.preview(answer)
    me = await PeopleRepository(h.services.db.reader).get(me.id)
    assert me.active


async def test_a_warning_that_arose_after_the_preview_is_shown_before_anything_is_applied(
    harness: Harness, tmp_path: Path
) -> None:
    # The preview said nothing of duty; by the time «Xác nhận» is tapped the person is on
    # duty. Applying it then deactivates the on-duty responder without the admin ever being
    # warned.
    h = harness
    await management.start(h, tmp_path)
    shown = await h.say(A, "/person off P902", management.preview)
    assert "đang trong ca trực" not in (shown.plain_text or "")
    await set_rotation(h, 103)
    said = await management.tap(h, A, shown, "Xác nhận")
    assert "thay đổi" in said and "xem lại" in said, said
    p902 = await PeopleRepository(h.services.db.reader).by_code("P902")
    assert p902 is not None and p902.active
    again = await h.say(A, "/person off P902", management.preview)
    assert "đang trong ca trực" in (again.plain_text or "")
    assert "✅" in await management.tap(h, A, again, "Xác nhận")


async def test_send_sends_what_its_preview_showed_whatever_a_stale_drill_toggle_did(
    harness: Harness, tmp_path: Path
) -> None:
    # The toggle flipped the draft in progress, whichever message it was on: a tap on a
    # cancelled conversation's preview (or a double tap) turned the live draft into a drill
    # while the preview the admin was reading still said "Diễn tập: Không"; «Gửi» under it
    # then sent a real directive with "KHÔNG PHẢI TÌNH HUỐNG THỰC TẾ" on top.
    h = harness
    await h.start(**FAST)
    await import_province(h)
    await join(h, 101, "liaison TT_CNTT")
    old = await pick_to_preview(h, "Trung tâm Công nghệ")
    await h.say(A, "/cancel")
    new = await pick_to_preview(h, "Trung tâm Công nghệ")
    assert "Diễn tập: Không" in str(new.buttons)
    await bc_tap(h, old, "Diễn tập: Không", "Tóm tắt trước khi gửi")
    again = await bc_tap(h, new, "Gửi", "Tóm tắt trước khi gửi")
    assert again is not None and "DIỄN TẬP" in (again.plain_text or "")
    said = "\n".join(m.plain_text or "" for m in h.fake.messages_to(A)[-6:])
    assert "đã thay đổi" in said, said
    assert await DirectiveRepository(h.services.db.reader).recent(5) == []
    await bc_tap(h, again, "Gửi", "Đang gửi văn bản DIỄN TẬP")  # what this preview showed
    [d] = await DirectiveRepository(h.services.db.reader).recent(5)
    assert d.drill
