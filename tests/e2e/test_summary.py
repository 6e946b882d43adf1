"""/summary end to end (issue 13, item 4): the half-year summary's workbook counts exactly the
incidents reported in the period, by category and by agency, false alarms left out and
confidential ones in; provisional on its first line while the period runs, not after; bad
periods get a clear usage; a liaison is refused and audited."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.clock import to_epoch
from bot.domain.incidents import Incident, Move
from bot.services import summaries
from bot.services.incidents import ReportDraft
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import FAST, join
from tests.e2e.test_incident_lifecycle import CLOSING
from tests.e2e.test_incident_taking import answers
from tests.e2e.test_onboarding import import_province

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CAT_LIAISON, RESPONDER, IT_LIAISON = 101, 102, 103
TITLE = "BÁO CÁO TỔNG HỢP TÌNH HÌNH SỰ CỐ AN TOÀN THÔNG TIN MẠNG"


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=HANOI).astimezone(UTC)  # type: ignore[misc]


async def reported(h: Harness, at: datetime, user: int, agency: str, category: str,
                   **more: Any) -> Incident:
    """`user` (the agency's liaison) reports an incident at local time `at`."""
    h.clock.set(at)
    found = await AgencyRepository(h.services.db.reader).by_code(agency)
    detected = to_epoch(at - timedelta(hours=1))
    return await h.services.incidents.submit(
        user, ReportDraft(answers(found.id, detected, category=category, **more), []))


def document(m: SentMessage) -> bool:
    return m.kind == "document"


def rows(content: bytes, sheet: int) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [tuple(r) for r in book.worksheets[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def table(all_rows: list[tuple[Any, ...]], header: str) -> list[tuple[Any, ...]]:
    """The rows under the header row whose first cell is `header` (STT)."""
    start = next(i for i, r in enumerate(all_rows) if r[0] == header)
    return all_rows[start:]


async def test_half_year_summary_counts_what_was_reported_in_the_period(
        harness: Harness) -> None:
    h = harness
    h.clock.set(local(2025, 12, 20, 9, 0))
    await h.start(**FAST)
    await import_province(h)
    await join(h, CAT_LIAISON, "liaison CAT")
    await join(h, RESPONDER, "responder")
    await join(h, IT_LIAISON, "liaison TT_CNTT")

    await reported(h, local(2025, 12, 31, 23, 59), CAT_LIAISON, "CAT", "dos")  # before
    await reported(h, local(2026, 1, 1, 0, 0), CAT_LIAISON, "CAT", "dos")       # first minute
    secret = await reported(h, local(2026, 2, 10, 9, 0), CAT_LIAISON, "CAT", "malware",
                            confidential=True)
    await reported(h, local(2026, 3, 1, 9, 0), IT_LIAISON, "TT_CNTT", "phishing")
    wrong = await reported(h, local(2026, 4, 1, 9, 0), IT_LIAISON, "TT_CNTT", "malware")
    await reported(h, local(2026, 6, 30, 23, 58), IT_LIAISON, "TT_CNTT", "ransomware")
    # The confidential one is handled (resolved); the April one was no incident at all.
    life = h.services.lifecycle
    await h.services.incidents.take(RESPONDER, secret.id)
    await life.move(RESPONDER, secret.id, Move.START)
    await life.move(RESPONDER, secret.id, Move.RESOLVE, closing=CLOSING)
    await life.move(SUPER_ADMIN, wrong.id, Move.FALSE_ALARM, reason="Kiểm thử, không phải sự cố")

    # Made in the period's last minute: provisional, said on the first line.
    h.clock.set(local(2026, 6, 30, 23, 59))
    sent = await h.say(SUPER_ADMIN, "/summary 2026H1", document)
    assert sent.file_name == "bao-cao-tong-hop-su-co-2026H1.xlsx" and sent.file_bytes
    caption = sent.plain_text or ""
    assert "từ ngày 01/01/2026 đến ngày 30/06/2026: 4 sự cố" in caption, caption
    assert "đã xử lý 1, chưa xử lý 3" in caption and "không tính 1 báo cáo" in caption
    assert "tạm tính" in caption
    by_category = rows(sent.file_bytes, 0)
    assert by_category[0][0] == "Số liệu tạm tính đến 23:59 ngày 30/06/2026; kỳ báo cáo chưa kết thúc."
    assert by_category[1][0] == TITLE
    assert by_category[2][0] == "Kỳ báo cáo: từ ngày 01/01/2026 đến ngày 30/06/2026"
    assert any("không tính 1 báo cáo" in str(r[0]) for r in by_category[:6])
    body = table(by_category, "STT")
    assert body[0] == ("STT", "Loại sự cố", "Số lượng", "Đã xử lý", "Chưa xử lý")
    counted = {r[1]: r[2:] for r in body[1:]}
    assert len(body) == 1 + 10 + 1  # the ten national categories, then the total
    assert counted["Từ chối dịch vụ"] == (1, 0, 1)
    assert counted["Tấn công sử dụng mã độc"] == (1, 1, 0)  # the confidential one, handled
    assert counted["Tấn công giả mạo"] == (1, 0, 1)
    assert counted["Mã hóa phần mềm, dữ liệu, thiết bị"] == (1, 0, 1)
    assert counted["Thay đổi giao diện"] == (0, 0, 0)
    assert counted["Tổng cộng"] == (4, 1, 3)
    by_agency = table(rows(sent.file_bytes, 1), "STT")
    assert by_agency[0][:3] == ("STT", "Đơn vị", "Từ chối dịch vụ") and by_agency[0][-1] == "Tổng số"
    totals = {r[1]: r[-1] for r in by_agency[1:]}
    assert len(totals) == 3 and totals["Tổng cộng"] == 4
    assert sorted(v for k, v in totals.items() if k != "Tổng cộng") == [2, 2]
    audited = await AuditRepository(h.services.db.reader).entries("summary.made")
    assert [(e.actor_user_id, e.subject, e.details["provisional"]) for e in audited] == [
        (SUPER_ADMIN, "01/01/2026–30/06/2026", True)]

    # Made after the period ended (a report in July does not count): final, same counts.
    await reported(h, local(2026, 7, 1, 0, 0), CAT_LIAISON, "CAT", "dos")
    h.clock.set(local(2026, 7, 2, 8, 0))
    final = await h.say(SUPER_ADMIN, "/summary 2026H1", document)
    assert final.file_bytes and "tạm tính" not in (final.plain_text or "")
    first = rows(final.file_bytes, 0)
    assert first[0][0] == TITLE
    assert {r[1]: r[2:] for r in table(first, "STT")[1:]}["Tổng cộng"] == (4, 1, 3)
    year = await h.say(SUPER_ADMIN, "/summary 01/01/2026 01/07/2026", document)
    assert ": 5 sự cố" in (year.plain_text or "")


async def test_bad_periods_get_the_usage_and_a_liaison_is_refused(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    h = harness
    h.clock.set(local(2026, 5, 4, 9, 0))
    await h.start(**FAST)
    await import_province(h)
    await join(h, CAT_LIAISON, "liaison CAT")
    for line, says in [("/summary abc", "Cú pháp"), ("/summary 2026H3", "Cú pháp"),
                       ("/summary 15/06/2026 01/01/2026", "sau ngày kết thúc"),
                       ("/summary 31/02/2026 01/03/2026", "không có trong lịch"),
                       ("/summary 1999", "Năm phải từ 2000 đến 2026"),
                       ("/summary 2026H2", "chưa đến")]:
        reply = await h.say(SUPER_ADMIN, line)
        text = reply.plain_text or ""
        assert reply.kind == "text" and text.startswith("❌") and says in text, (line, text)
        assert "/summary" in text and "Có lỗi" not in text
    current = await h.say(SUPER_ADMIN, "/summary", document)  # this half-year, so far
    assert "từ ngày 01/01/2026 đến ngày 30/06/2026: 0 sự cố" in (current.plain_text or "")

    def broken(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(summaries, "write_xlsx", broken)  # the file cannot be written: said
    failed = await h.say(SUPER_ADMIN, "/summary 2026H1")
    assert (failed.plain_text or "").startswith("❌ Không lập được tệp báo cáo tổng hợp")

    refused = await h.say(CAT_LIAISON, "/summary 2026H1")
    assert refused.kind == "text" and (refused.plain_text or "").startswith("⛔")
    denied = await AuditRepository(h.services.db.reader).entries("access.denied")
    assert [(e.actor_user_id, e.subject) for e in denied] == [(CAT_LIAISON, "/summary")]


async def test_a_summary_telegram_does_not_take_is_said_as_such(harness: Harness) -> None:
    """Against telegram-test-api (no sendDocument: HTTP 500) /export said "could not make or
    send the file", but /summary gave only the generic "Có lỗi khi xử lý yêu cầu": the
    workbook was built, its upload failed; the admin is told that, and to ask again."""
    h = harness
    h.clock.set(local(2026, 7, 4, 9, 0))
    await h.start(**FAST)
    h.fake.fail_next("sendDocument", 500)
    reply = await h.say(SUPER_ADMIN, "/summary 2026H1")
    text = reply.plain_text or ""
    assert reply.kind == "text" and "Có lỗi khi xử lý" not in text, text
    assert text.startswith("❌ Đã lập tệp báo cáo tổng hợp"), text
    assert "01/01/2026" in text and "30/06/2026" in text and "/summary" in text, text
    again = await h.say(SUPER_ADMIN, "/summary 2026H1", document)  # and the next one goes
    assert "30/06/2026" in (again.plain_text or "")
