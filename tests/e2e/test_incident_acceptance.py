"""Issue 11's acceptance, in one piece, as people do it: a liaison reports an incident through
/report with two attachments; the on-duty responder gets it with «Tiếp nhận»; nobody takes it
in the window, so the lead is chased too; the responder takes it, the lead's later «Tiếp
nhận» changes nothing and says who; every status change reaches the reporting agency; the
closing report is stored and shown in /incident; the lead closes it."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.incidents import EventKind, IncidentStatus
from bot.storage.incidents import IncidentRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_directives import join
from tests.e2e.test_escalation import set_rotation
from tests.e2e.test_report_conversation import (
    LIAISON,
    Person,
    category_to_files,
    incidents,
    liaison_with_phone,
    up_to_category,
)

BACKUP = 102             # CAT's backup liaison: told of every change too
RESPONDER, LEAD = 9002, 104
M = timedelta(minutes=1)


def texts(h: Harness, user: int, fragment: str) -> list[SentMessage]:
    return [m for m in h.fake.messages_to(user) if fragment in (m.plain_text or "")]


async def run_due(h: Harness) -> None:
    await h.services.escalation.run_due()
    await h.services.sender.drained()


async def test_report_take_escalate_change_close_as_people_do_it(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    await join(h, RESPONDER, "responder")
    await join(h, LEAD, "responder lead")
    await set_rotation(h, RESPONDER)

    # The liaison reports: the form, an album of two photos, «Xong», the summary, «Gửi».
    files = await category_to_files(p, await up_to_category(p))
    before = len(h.fake.messages_to(LIAISON))
    h.fake.send_photo(LIAISON, b"\xff\xd8screen-1", media_group_id="album-1")
    h.fake.send_photo(LIAISON, b"\xff\xd8screen-2", media_group_id="album-1")
    got = await h.fake.wait_for_message(LIAISON, has("Đã nhận 2 tệp"), after=before)
    assert files.message_id < got.message_id
    summary = await p.press(got, "Xong", "kiểm tra trước khi gửi")
    assert await incidents(h) == []  # nothing exists before «Gửi»
    await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố SC-2026-001")
    [incident] = await incidents(h)
    reported_at = h.clock.now()
    await h.services.sender.drained()

    # The on-duty responder: the report with «Tiếp nhận», then both photos.
    [notice] = texts(h, RESPONDER, "Báo cáo ban đầu sự cố SC-2026-001")
    assert [b["text"] for b in notice.buttons] == ["Tiếp nhận"]
    photos = [m for m in h.fake.messages_to(RESPONDER)
              if m.message_id > notice.message_id and m.kind == "photo"]
    assert len(photos) == 2
    # Cấp 3 ransomware, not handled, support asked: "cao", so the admins hear of it at once.
    assert texts(h, SUPER_ADMIN, "Báo cáo ban đầu sự cố SC-2026-001")

    # Nobody takes it within the window (30 minutes for "cao"): the lead is chased too.
    h.clock.set(reported_at + 30 * M)
    await run_due(h)
    [digest] = texts(h, LEAD, "SC-2026-001")
    assert "chưa có ai tiếp nhận" in (digest.plain_text or "")
    assert [b["text"] for b in digest.buttons] == ["Tiếp nhận"]

    # The on-duty responder takes it; the lead's later tap changes nothing and says who.
    r = Person(h, RESPONDER)
    assert "Anh/Chị tiếp nhận sự cố SC-2026-001" in await r.tap(notice, notice.button_data(
        "Tiếp nhận"))
    lead = Person(h, LEAD)
    answer = await lead.tap(digest, digest.button_data("Tiếp nhận"))
    assert "đã được" in answer and "tiếp nhận lúc" in answer
    stored = await IncidentRepository(h.services.db.reader).get(incident.id)
    assert stored.status is IncidentStatus.TAKEN
    await h.services.sender.drained()
    for liaison in (LIAISON, BACKUP):
        assert texts(h, liaison, "Sự cố SC-2026-001 đã được tiếp nhận"), liaison

    # From the detail: «Bắt đầu xử lý», then «Đã khắc phục» with the closing report.
    detail = await r.say("/incident SC-2026-001", "Diễn biến")
    detail = next(m for m in reversed(h.fake.messages_to(RESPONDER)) if m.buttons
                  and any(b["text"] == "Bắt đầu xử lý" for b in m.buttons))
    await r.press(detail, "Bắt đầu xử lý", "“Đã tiếp nhận” → “Đang xử lý”")
    detail = await r.say("/incident SC-2026-001", "Diễn biến")
    detail = next(m for m in reversed(h.fake.messages_to(RESPONDER)) if m.buttons
                  and any(b["text"] == "Đã khắc phục" for b in m.buttons))
    q = await r.press(detail, "Đã khắc phục", "(1/5)")
    await r.say("Máy chủ bị mã hóa lúc 22:00, phát hiện qua nhật ký.", "(2/5)")
    await r.say("Lỗ hổng chưa vá trên dịch vụ truy cập từ xa.", "(3/5)")
    await r.say("Cổng thông tin ngừng hoạt động 6 giờ.", "(4/5)")
    last = await r.say("Khôi phục từ bản sao lưu, vá lỗ hổng.", "(5/5)")
    summary = await r.press(last, "Bỏ qua", "Bấm “Gửi”")
    await r.press(summary, "Gửi", "“Đang xử lý” → “Đã khắc phục”")
    assert q
    resolved = await IncidentRepository(h.services.db.reader).get(incident.id)
    assert resolved.status is IncidentStatus.RESOLVED
    assert resolved.closing["cause"] == "Lỗ hổng chưa vá trên dịch vụ truy cập từ xa."
    await h.services.sender.drained()
    for liaison in (LIAISON, BACKUP):
        assert texts(h, liaison, "Đang xử lý"), liaison
        assert texts(h, liaison, "Đã khắc phục"), liaison

    # The reporter sees the closing report in /incident.
    shown = await p.say("/incident SC-2026-001", "Lỗ hổng chưa vá")
    assert "Khôi phục từ bản sao lưu" in "".join(
        m.plain_text or "" for m in h.fake.messages_to(LIAISON)[-4:])
    assert shown

    # The lead closes it (confirmed first); the agency is told.
    detail = await lead.say("/incident SC-2026-001", "Diễn biến")
    detail = next(m for m in reversed(h.fake.messages_to(LEAD)) if m.buttons
                  and any(b["text"] == "Kết thúc ứng phó" for b in m.buttons))
    confirm = await lead.press(detail, "Kết thúc ứng phó", "Xác nhận")
    await lead.press(confirm, "✅ Xác nhận", "“Đã khắc phục” → “Đã kết thúc ứng phó”")
    closed = await IncidentRepository(h.services.db.reader).get(incident.id)
    assert closed.status is IncidentStatus.CLOSED
    await h.services.sender.drained()
    assert texts(h, LIAISON, "Đã kết thúc ứng phó")
    kinds = [e.kind for e in await IncidentRepository(h.services.db.reader).events(incident.id)]
    assert kinds == [EventKind.REPORTED, EventKind.ESCALATED, EventKind.TAKEN,
                     EventKind.STARTED, EventKind.RESOLVED, EventKind.CLOSED]
