"""«📝 Báo cáo kết quả»: text and files, confirmed, stored, the broadcasting admin told."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_directives import agency_ids, draft, is_directive, setup_liaisons

A = SUPER_ADMIN


async def open_report(h: Harness):
    """A directive asking for a report goes to TT_CNTT; its liaison (103) opens the report."""
    await setup_liaisons(h)
    d = draft(h, report_deadline_at=h.clock.now() + timedelta(days=3))
    d.agency_ids = await agency_ids(h, "TT_CNTT")
    directive, _ = await h.services.broadcast.send(A, d)
    copy = await h.fake.wait_for_message(103, is_directive)
    before = len(h.fake.messages_to(103))
    h.fake.press_button(103, copy.message_id, copy.button_data("Báo cáo"))
    await h.fake.wait_for_message(103, has("Báo cáo kết quả thực hiện"), after=before)
    return directive, copy


async def test_liaison_reports_results_and_the_admin_gets_them(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    d = draft(h, report_deadline_at=h.clock.now() + timedelta(days=3))
    d.agency_ids = await agency_ids(h, "TT_CNTT", "CAT")
    directive, _ = await h.services.broadcast.send(A, d)
    copy = await h.fake.wait_for_message(103, is_directive)
    assert [b["text"] for b in copy.buttons] == ["✅ Đã nhận văn bản", "📝 Báo cáo kết quả"]

    # A liaison of another agency cannot report on this copy.
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Báo cáo"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "không thuộc đơn vị" in (h.fake.callback_answer(query) or {}).get("text", "")

    before = len(h.fake.messages_to(103))
    h.fake.press_button(103, copy.message_id, copy.button_data("Báo cáo"))
    ask = await h.fake.wait_for_message(103, has("Báo cáo kết quả thực hiện"), after=before)
    early = await h.say(103, "Đã bố trí trực 24/7 từ 01/9.", has("Đã ghi nhận ("))
    before = len(h.fake.messages_to(103))
    h.fake.send_document(103, "bao-cao.pdf", b"%PDF-1.4 report", caption="Kèm danh sách trực")
    got = await h.fake.wait_for_message(103, has("1 tệp"), after=before)
    before = len(h.fake.messages_to(103))
    h.fake.press_button(103, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(103, has("Đã lưu báo cáo"), after=before)

    notice = await h.fake.wait_for_message(A, has("Báo cáo kết quả"))
    assert "Trung tâm Công nghệ thông tin" in (notice.plain_text or "")
    assert "Đã bố trí trực 24/7" in (notice.plain_text or "")
    document = await h.fake.wait_for_message(A, lambda m: m.kind == "document")
    assert document.file_bytes == b"%PDF-1.4 report"
    [report] = await DirectiveRepository(h.services.db.reader).result_reports(directive.id)
    assert "Kèm danh sách trực" in report["text"] and len(report["files"]) == 1
    assert len(await AuditRepository(h.services.db.reader).entries("report.submitted")) == 1
    assert ask and early


async def test_report_cancelled_saves_nothing_and_acks_still_work(harness: Harness) -> None:
    h = harness
    directive, copy = await open_report(h)
    # In the middle of the report, the liaison acknowledges: the tap is recorded.
    query = h.fake.press_button(103, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert len(await DirectiveRepository(h.services.db.reader).acks(directive.id)) == 1
    cancelled = await h.say(103, "/cancel")
    assert "Đã hủy báo cáo" in (cancelled.plain_text or "")
    assert await DirectiveRepository(h.services.db.reader).result_reports(directive.id) == []


async def test_report_refused_at_send_leaves_no_draft_behind(harness: Harness) -> None:
    """A report refused at «Gửi báo cáo» (directive recalled meanwhile) ends the conversation
    and forgets its draft: nothing is left for a later /cancel to find."""
    h = harness
    directive, _ = await open_report(h)
    got = await h.say(103, "Đã bố trí trực 24/7.", has("Đã ghi nhận ("))
    await h.services.broadcast.recall(A, directive.id)
    await h.services.sender.drained()  # the recall notice is out before what follows
    before = len(h.fake.messages_to(103))
    h.fake.press_button(103, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(103, has("Không cần báo cáo kết quả"), after=before)
    assert await DirectiveRepository(h.services.db.reader).result_reports(directive.id) == []
    after = await h.say(103, "/cancel")
    assert after.plain_text == "Không có thao tác nào đang diễn ra."


async def _send_report(h: Harness, text: str) -> None:
    got = await h.say(103, text, has("Đã ghi nhận ("))
    before = len(h.fake.messages_to(103))
    h.fake.press_button(103, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(103, has("Đã lưu báo cáo"), after=before)


async def test_a_report_from_an_agency_that_had_not_acknowledged_acknowledges_it(
    harness: Harness,
) -> None:
    """A result report implies receipt: in the report's transaction the agency is
    acknowledged (marked as coming from the report), its copies edited, escalation stopped."""
    h = harness
    directive, copy = await open_report(h)
    before = len(h.fake.messages_to(103))
    await _send_report(h, "Đã bố trí trực 24/7.")
    said = [m.plain_text or "" for m in h.fake.messages_to(103)[before:]]
    assert any("Đã lưu báo cáo" in s and "đã nhận văn bản" in s for s in said), said
    repo = DirectiveRepository(h.services.db.reader)
    [report] = await repo.result_reports(directive.id)
    acks = await repo.acks(directive.id)
    assert list(acks) == [report["agency_id"]]
    ack = acks[report["agency_id"]]
    assert ack.person_id == report["person_id"] and ack.acked_at.timestamp() == report["created_at"]
    assert ack.via == "report"  # stored as coming with the report, so every later view says so
    [entry] = await AuditRepository(h.services.db.reader).entries("ack.recorded")
    assert entry.details["via"] == "report" and entry.details["report_id"] == report["id"]
    # The copy says who confirmed and that it came with the report; only 📝 is left.
    await h.services.sender.drained()
    edited = await h.fake.wait_for_message(
        103, lambda m: m.message_id == copy.message_id and "Đã xác nhận" in (m.plain_text or ""))
    assert "qua báo cáo kết quả" in (edited.plain_text or "")
    assert "Hùng Nguyễn" in (edited.plain_text or "")
    assert [b["text"] for b in edited.buttons] == ["📝 Báo cáo kết quả"]
    # Nothing is chased any more for this agency: neither the receipt nor the report.
    from bot.storage.escalations import EscalationRepository
    esc = EscalationRepository(h.services.db.reader)
    rows = [*await esc.of_subject("directive_ack", directive.id),
            *await esc.of_subject("directive_result", directive.id)]
    assert rows and {r.status for r in rows} == {"stopped"}
    # The liaison's /pending no longer lists it.
    pending = await h.say(103, "/pending")
    assert "không còn văn bản nào" in (pending.plain_text or "")


async def test_a_report_after_an_acknowledgement_leaves_it_as_it_was(harness: Harness) -> None:
    h = harness
    directive, copy = await open_report(h)
    query = h.fake.press_button(103, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    repo = DirectiveRepository(h.services.db.reader)
    [first] = (await repo.acks(directive.id)).values()
    h.clock.set(h.clock.now() + timedelta(minutes=5))
    before = len(h.fake.messages_to(103))
    await _send_report(h, "Đã bố trí trực 24/7.")
    said = [m.plain_text or "" for m in h.fake.messages_to(103)[before:]]
    assert not any("đã nhận văn bản" in s for s in said), said
    assert list((await repo.acks(directive.id)).values()) == [first]
    [entry] = await AuditRepository(h.services.db.reader).entries("ack.recorded")
    assert entry.details["via"] == "telegram"
