"""Issue 13 at 2 a.m., role by role, through the fake Telegram: an admin sends a drill and
oversees it (/status, /overdue, /chart, /export, /summary, /person, /group, /audit); a
responder runs /overdue and /chart; a liaison receives the drill with its banner and is
refused every admin command, changing nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from bot.storage.audit import AuditRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_directives import agency_ids, draft
from tests.e2e.test_escalation import S, set_rotation, step
from tests.e2e.test_management import AGENCY, preview, start, tap

A = SUPER_ADMIN
PRIMARY, BACKUP, RESPONDER = 101, 102, 103  # P900, P901 (liaisons of AGENCY), P902
NUMBER = "1556/UBND-KGVX"
BANNER = "🎯 DIỄN TẬP — KHÔNG PHẢI TÌNH HUỐNG THỰC TẾ"


def plain(m: SentMessage) -> str:
    return m.plain_text or m.text or ""


def kind(name: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.kind == name


async def test_two_am_walkthrough_as_admin_responder_and_liaison(
        harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, RESPONDER)

    # The admin sends a drill to the ward (P900, P901) and the police (nobody joined there).
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S, drill=True)
    d.agency_ids = await agency_ids(h, AGENCY, "CAT")
    h.t0 = h.clock.now()
    await h.services.broadcast.send(A, d)
    await h.services.sender.drained()

    # Both liaisons receive it under the banner, with the button.
    for liaison in (PRIMARY, BACKUP):
        copy = await h.fake.wait_for_message(liaison, lambda m: NUMBER in plain(m))
        assert plain(copy).startswith(BANNER), plain(copy)
        assert any("Đã nhận văn bản" in b["text"] for b in copy.buttons)

    # /status of the directive: bannered; the period figures leave drills out.
    status = await h.say(A, f"/status {NUMBER}", has("Tình hình văn bản"))
    assert plain(status).startswith(BANNER)
    figures = await h.say(A, "/status", has("Số liệu"))
    assert "không tính diễn tập" in plain(figures)
    assert "Không có văn bản nào được gửi" in plain(figures)  # the drill is no real figure

    # Past the deadline: /overdue names the agencies, marks the drill, says whom to call.
    await step(h, 50 * S)
    await step(h, 61 * S)
    for who in (A, RESPONDER):
        late = await h.say(who, "/overdue", has("Việc quá hạn"))
        text = plain(late)
        assert "Đơn vị chưa xác nhận văn bản" in text and "[🎯 DIỄN TẬP]" in text, text
        assert "Trần Văn Nghỉ" in text and "0912 000 900" in text, text
        assert "Công an tỉnh — vừa quá hạn" in text, text
        assert "chưa có cán bộ đầu mối liên lạc được · ĐT đơn vị: 0297 3829 086" in text, text

    # Nobody has acknowledged yet: nothing to draw, and each is pointed at a command of theirs
    # (a responder was sent to /status, which refuses them).
    nothing = plain(await h.say(RESPONDER, f"/chart {NUMBER}"))
    assert "chưa có số liệu để vẽ biểu đồ" in nothing and "/status" not in nothing, nothing
    assert "/overdue" in nothing, nothing
    nothing = plain(await h.say(A, f"/chart {NUMBER}"))
    assert f"/status {NUMBER}" in nothing, nothing

    # The backup acknowledges; the chart is a photo for the admin and the responder.
    copy = await h.fake.wait_for_message(BACKUP, lambda m: NUMBER in plain(m) and bool(m.buttons))
    query = h.fake.press_button(BACKUP, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    for who in (A, RESPONDER):
        photo = await h.say(who, f"/chart {NUMBER}", kind("photo"))
        assert "đã xác nhận 1/2 đơn vị" in plain(photo), plain(photo)

    # /export and /summary 2026H1: workbooks whose headers read as the glossary says.
    started = await h.say(A, "/export")
    assert plain(started) == "⏳ Đang lập tệp số liệu từ ngày 25/10/2026 đến ngày 23/11/2026…"
    sent = await h.fake.wait_for_message(A, kind("document"))
    assert sent.file_id is not None
    stored = h.fake.file(sent.file_id)
    assert stored is not None
    book = load_workbook(io.BytesIO(stored.content), read_only=True)
    drills = [list(r) for r in book["Diễn tập – văn bản"].iter_rows(values_only=True)]
    assert drills[0][0] == "Số, ký hiệu" and len(drills) == 3, drills[:2]  # header + 2 agencies
    liaisons = {r[3]: r[5] for r in drills[1:]}  # phones as chat shows them, as people dial
    assert liaisons["UBND phường Bình Đức"].startswith(
        "Trần Văn Nghỉ (0912 000 900); Lê Thị Ở (0912 111 222)"), liaisons
    # No result report was asked for: nobody owes one ("Chưa báo cáo" said they did).
    assert {r[14] for r in drills[1:]} == {"Không yêu cầu"}, drills[1:]
    late = {r[3]: r[11] for r in drills[1:]}  # "Quá hạn"
    # Acknowledged after the deadline, and never acknowledged at all: both late.
    assert late == {"UBND phường Bình Đức": "Có", "Công an tỉnh": "Có"}, late
    assert "Đề xuất hỗ trợ" in next(book["Sự cố"].iter_rows(values_only=True))
    summary = await h.say(A, "/summary 2026H1", kind("document"))
    assert "01/01/2026" in plain(summary) and "30/06/2026" in plain(summary)

    # The primary liaison left: deactivated; the backup promoted; the ward joins a group.
    shown = await h.say(A, "/person off P900", preview)
    assert "Đã ngừng hoạt động" in await tap(h, A, shown, "Xác nhận")
    shown = await h.say(A, "/person primary P901", preview)
    assert "cán bộ đầu mối chính" in await tap(h, A, shown, "Xác nhận")
    shown = await h.say(A, f"/group add DN_VIEN_THONG {AGENCY}", preview)
    assert "Đã thêm" in await tap(h, A, shown, "Xác nhận")
    audit = plain(await h.say(A, "/audit 10", has("Nhật ký thao tác")))
    for what in ("Gửi văn bản chỉ đạo (diễn tập)", "Xuất tệp số liệu",
                 "Lập báo cáo tổng hợp sự cố", "Thêm đơn vị vào nhóm",
                 "Đưa cán bộ đầu mối dự phòng lên làm đầu mối chính"):
        assert what in audit, (what, audit)
    # Each line says what it was about, in words an admin reads (not "summary:2026H1").
    assert "Lập báo cáo tổng hợp sự cố — 01/01/2026–30/06/2026" in audit, audit
    assert f"Thêm đơn vị vào nhóm — DN_VIEN_THONG: {AGENCY}" in audit, audit

    # The (now primary) liaison tries the admin commands: each refused, nothing changes.
    entries = len(await AuditRepository(h.services.db.reader).entries())
    for line in ("/export", "/summary 2026H1", "/audit", "/overdue", f"/chart {NUMBER}",
                 "/person off P902", f"/group remove DN_VIEN_THONG {AGENCY}",
                 f"/agency off {AGENCY}"):
        refused = await h.say(BACKUP, line)
        assert plain(refused).startswith("⛔"), (line, plain(refused))
        assert refused.kind == "text" and not refused.buttons, line
    after = await AuditRepository(h.services.db.reader).entries()
    assert {e.action for e in after[entries:]} <= {"access.denied", "manage.refused"}
    # The help of each role lists its own commands only.
    help_of = {who: plain(await h.say(who, "/help")) for who in (A, RESPONDER, BACKUP)}
    for command in ("/export", "/summary", "/audit", "/agency", "/group", "/person"):
        assert command in help_of[A] and command not in help_of[RESPONDER], command
        assert command not in help_of[BACKUP], command
    for command in ("/overdue", "/chart"):
        assert command in help_of[RESPONDER] and command not in help_of[BACKUP], command
