"""/report end to end: the initial incident report as a conversation generated from the form.

Each test acts as Telegram users against the fake Bot API and checks what they see (texts and
buttons) and what the database holds; no incident exists before «Gửi».
"""

from __future__ import annotations

from typing import Any

from bot.clock import from_epoch
from bot.domain.incidents import EventKind, IncidentStatus
from bot.services.incidents import priority_of
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.incidents import IncidentRepository
from bot.telegram.incident_view import priority_label
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_directives import FAST, agency_ids, draft, is_directive, join, setup_liaisons
from tests.e2e.test_onboarding import import_province

LIAISON = 101  # Công an tỉnh (CAT)
OTHER = 103    # Trung tâm Công nghệ thông tin (TT_CNTT)


class Person:
    """One Telegram user in the conversation: what they send, what the bot answers."""

    def __init__(self, h: Harness, user_id: int) -> None:
        self.h, self.user_id = h, user_id

    def _mark(self) -> int:
        return len(self.h.fake.messages_to(self.user_id))

    async def say(self, text: str, expect: str) -> SentMessage:
        before = self._mark()
        self.h.fake.send_text(self.user_id, text)
        return await self.h.fake.wait_for_message(self.user_id, has(expect), after=before)

    async def press(self, msg: SentMessage, label: str, expect: str) -> SentMessage:
        before = self._mark()
        self.h.fake.press_button(self.user_id, msg.message_id, msg.button_data(label))
        return await self.h.fake.wait_for_message(self.user_id, has(expect), after=before)

    async def tap(self, msg: SentMessage, data: str) -> str:
        """Press raw callback data (forged or replayed); the answer's text."""
        query = self.h.fake.press_button(self.user_id, msg.message_id, data)
        await self.h.fake.wait_for_call("answerCallbackQuery",
                                        lambda c: c.params.get("callback_query_id") == query)
        return str((self.h.fake.callback_answer(query) or {}).get("text", ""))

    async def turn(self, msg: SentMessage, label: str, button: str) -> SentMessage:
        """Press a button that redraws the same message: it, once it offers `button`."""
        self.h.fake.press_button(self.user_id, msg.message_id, msg.button_data(label))
        return await self.h.fake.wait_for_message(
            self.user_id, lambda m: m.message_id == msg.message_id
            and any(button in str(b["text"]) for b in m.buttons))

    def since(self, before: int) -> list[SentMessage]:
        return self.h.fake.messages_to(self.user_id)[before:]


def labels(msg: SentMessage) -> list[str]:
    return [str(b["text"]) for b in msg.buttons]


async def incidents(h: Harness) -> list[Any]:
    async with h.services.db.reader.execute("SELECT id FROM incidents ORDER BY id") as cur:
        ids = [row[0] for row in await cur.fetchall()]
    repo = IncidentRepository(h.services.db.reader)
    return [await repo.get(i) for i in ids]


async def liaison_with_phone(h: Harness) -> Person:
    """CAT's liaisons (101, 102) and the IT centre's (103); 101 has shared their phone."""
    await setup_liaisons(h)
    before = len(h.fake.messages_to(LIAISON))
    h.fake.send_contact(LIAISON, "0912 345 678", LIAISON)
    await h.fake.wait_for_message(LIAISON, has("0912"), after=before)
    return Person(h, LIAISON)


async def up_to_category(p: Person) -> SentMessage:
    """/report, «Đúng», the system's name, «Bỏ qua» its addresses, «Cấp 3»: the category."""
    confirm = await p.say("/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    await p.press(confirm, "Đúng", "Tên hệ thống bị sự cố")
    address = await p.say("Cổng thông tin điện tử tỉnh", "Tên miền, địa chỉ IP")
    level = await p.press(address, "Bỏ qua", "Cấp độ an toàn")
    return await p.press(level, "Cấp 3", "Phân loại sự cố")


async def category_to_files(p: Person, category: SentMessage) -> SentMessage:
    """From the category to the attachments, every answer well formed."""
    description = await p.press(category, "Mã hóa phần mềm", "Mô tả sơ bộ")
    detected = await p.say("Máy chủ cổng thông tin bị mã hóa dữ liệu, yêu cầu tiền chuộc.",
                           "Ngày, giờ phát hiện")
    state = await p.say("hôm qua 22:00", "Hiện trạng")
    method = await p.press(state, "Chưa được xử lý", "Cách thức phát hiện")
    note = await p.press(method, "nhật ký", "Chi tiết cách thức phát hiện")
    notified = await p.press(note, "Bỏ qua", "Đã gửi thông báo sự cố cho")
    beyond = await p.press(notified, "Chưa thông báo", "vượt khả năng xử lý")
    support = await p.press(beyond, "Không", "Đề xuất hỗ trợ?")
    await p.press(support, "Có", "Nội dung đề xuất hỗ trợ")
    secret = await p.say("Đề nghị hỗ trợ phân tích mã độc.", "giữ bí mật")
    more = await p.press(secret, "Không", "Thêm chi tiết")
    assert labels(more) == ["Thêm chi tiết", "Bỏ qua", "Hủy"]
    assert detected and description
    return await p.press(more, "Bỏ qua", "Tệp đính kèm")


async def test_a_liaison_reports_with_an_album_and_sends(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    confirm = await p.say("/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    text = confirm.plain_text or ""
    for known in ("Công an tỉnh", "Số 1 Nguyễn Văn Cừ", "pa05.congan@angiang.gov.vn",
                  "0297 3829 086", "Lan Nguyễn", "0912 345 678"):
        assert known in text, text
    assert labels(confirm) == ["Đúng", "Sửa", "Hủy"]
    system = await p.press(confirm, "Đúng", "Tên hệ thống bị sự cố")
    assert labels(system) == ["Hủy"]  # required: no «Bỏ qua»
    address = await p.say("Cổng thông tin điện tử tỉnh", "Tên miền, địa chỉ IP")
    assert labels(address) == ["Bỏ qua", "Hủy"]
    level = await p.press(address, "Bỏ qua", "Cấp độ an toàn")
    assert labels(level) == ["Cấp 1", "Cấp 2", "Cấp 3", "Cấp 4", "Cấp 5", "Không rõ", "Hủy"]
    category = await p.press(level, "Cấp 3", "Phân loại sự cố")
    assert len(category.buttons) == 11 and labels(category)[-1] == "Hủy"
    files = await category_to_files(p, category)
    assert labels(files) == ["Xong", "Hủy"]
    assert await incidents(h) == []

    # An album: two updates with one media_group_id, one reply, counting both.
    before = len(h.fake.messages_to(LIAISON))
    h.fake.send_photo(LIAISON, b"\xff\xd8photo-1", media_group_id="album-1")
    h.fake.send_photo(LIAISON, b"\xff\xd8photo-2", media_group_id="album-1")
    got = await h.fake.wait_for_message(LIAISON, has("Đã nhận 2 tệp"), after=before)
    assert [m.message_id for m in p.since(before)] == [got.message_id]
    summary = await p.press(got, "Xong", "kiểm tra trước khi gửi")
    said = summary.plain_text or ""
    for shown in ("Cổng thông tin điện tử tỉnh", "Cấp 3", "Mã hóa phần mềm, dữ liệu, thiết bị",
                  "yêu cầu tiền chuộc", "22:00 ngày 22/11/2026", "Chưa được xử lý",
                  "Đề nghị hỗ trợ phân tích mã độc", "Tệp đính kèm: 2", "Mức ưu tiên"):
        assert shown in said, (shown, said)
    assert "quá hạn" not in said
    assert labels(summary) == ["Gửi", "Sửa", "Hủy"]
    assert await incidents(h) == []

    sent = await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố")
    [incident] = await incidents(h)
    assert f"✅ Đã gửi báo cáo sự cố {incident.code}" in (sent.plain_text or "")
    assert incident.code == "SC-2026-001"
    assert "Đội ứng cứu sự cố sẽ tiếp nhận" in (sent.plain_text or "")
    assert incident.status is IncidentStatus.REPORTED and not incident.late
    cat = await agency_ids(h, "CAT")
    assert incident.agency_id in cat
    answers = incident.answers
    assert answers["system_name"] == "Cổng thông tin điện tử tỉnh"
    assert answers["category"] == "ransomware" and answers["system_level"] == "3"
    assert answers["support_requested"] is True and answers["beyond_capacity"] is False
    assert answers["support_detail"] == "Đề nghị hỗ trợ phân tích mã độc."
    assert "system_address" not in answers and "detection_note" not in answers
    assert from_epoch(answers["detected_at"]).isoformat() == "2026-11-22T15:00:00+00:00"
    assert priority_label(incident.priority) in (sent.plain_text or "")
    assert incident.priority is priority_of(answers)
    stored = await IncidentRepository(h.services.db.reader).files(incident.id)
    assert [f.kind for f in stored] == ["photo", "photo"]
    events = await IncidentRepository(h.services.db.reader).events(incident.id)
    assert [e.kind for e in events] == [EventKind.REPORTED]
    # The conversation is over: /cancel finds nothing.
    done = await p.say("/cancel", "Không có thao tác")
    assert done


async def test_every_bad_answer_is_refused_and_asked_again(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    category = await up_to_category(p)

    # A category typed instead of pressed.
    before = len(h.fake.messages_to(LIAISON))
    h.fake.send_text(LIAISON, "Mã hóa phần mềm, dữ liệu, thiết bị")
    again = await h.fake.wait_for_message(LIAISON, has("❓ Phân loại sự cố"), after=before)
    assert any("Vui lòng chọn bằng nút bên dưới" in (m.plain_text or "")
               for m in p.since(before))
    assert len(again.buttons) == 11
    description = await p.press(again, "Mã hóa phần mềm", "Mô tả sơ bộ")
    assert category

    # Whitespace only, 10,000 characters, a sticker: each refused, the question again.
    for send, why in ((lambda: h.fake.send_text(LIAISON, "   \n  "), "không được để trống"),
                      (lambda: h.fake.send_text(LIAISON, "x" * 10_000), "tối đa 2000 ký tự"),
                      (lambda: h.fake.send_sticker(LIAISON), "Vui lòng")):
        before = len(h.fake.messages_to(LIAISON))
        send()
        asked = await h.fake.wait_for_message(LIAISON, has("❓ Mô tả sơ bộ"), after=before)
        refusal = p.since(before)[0].plain_text or ""
        assert why in refusal and "❌" in refusal, refusal
        assert asked.message_id != description.message_id
    detected = await p.say("Trang chủ bị thay đổi giao diện.", "Ngày, giờ phát hiện")
    assert labels(detected) == ["Vừa xong", "1 giờ trước", "Hủy"]

    # A future time, an unparseable one: refused with an example, asked again.
    for typed, why in (("23/11/2026 20:00", "không thể ở tương lai"),
                       ("hôm kia", "Không đọc được thời điểm")):
        before = len(h.fake.messages_to(LIAISON))
        h.fake.send_text(LIAISON, typed)
        await h.fake.wait_for_message(LIAISON, has("❓ Ngày, giờ phát hiện"), after=before)
        refusal = p.since(before)[0].plain_text or ""
        assert why in refusal and "25/11/2026 14:30" in refusal, refusal
    state = await p.press(detected, "1 giờ trước", "Hiện trạng")
    # A button of an earlier question is stale: nothing changes.
    answer = await p.tap(detected, "ir:n:detected_at")
    assert "bước đã qua" in answer
    answer = await p.tap(state, "ir:c:category:dos")
    assert "bước đã qua" in answer
    assert await incidents(h) == []
    [draft_row] = await _drafts(h, LIAISON)
    assert draft_row["answers"]["category"] == "ransomware"
    assert draft_row["answers"]["detected_at"] == int(h.clock.now().timestamp()) - 3600


async def _drafts(h: Harness, user_id: int) -> list[dict[str, Any]]:
    import json
    async with h.services.db.reader.execute(
            "SELECT step, answers FROM drafts WHERE user_id = ? AND conversation = 'report'",
            (user_id,)) as cur:
        return [{"step": r[0], "answers": json.loads(r[1])["answers"]}
                for r in await cur.fetchall()]


async def to_summary(p: Person) -> SentMessage:
    files = await category_to_files(p, await up_to_category(p))
    return await p.press(files, "Xong", "kiểm tra trước khi gửi")


async def test_sua_changes_one_field_on_the_summary_and_on_the_prefilled_facts(
    harness: Harness,
) -> None:
    h = harness
    p = await liaison_with_phone(h)
    confirm = await p.say("/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    pick = await p.turn(confirm, "Sửa", "Đơn vị vận hành")  # the same message, its buttons
    assert "Chức vụ" in labels(pick) and "Cơ quan chủ quản" in labels(pick)
    operator = await p.press(pick, "Đơn vị vận hành", "❓ Đơn vị vận hành hệ thống")
    again = await p.say("Viễn thông An Giang", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    assert "Đơn vị vận hành hệ thống: Viễn thông An Giang" in (again.plain_text or "")
    assert operator
    system = await p.press(again, "Đúng", "Tên hệ thống bị sự cố")
    address = await p.say("Cổng thông tin điện tử tỉnh", "Tên miền, địa chỉ IP")
    level = await p.press(address, "Bỏ qua", "Cấp độ an toàn")
    category = await p.press(level, "Cấp 3", "Phân loại sự cố")
    files = await category_to_files(p, category)
    summary = await p.press(files, "Xong", "kiểm tra trước khi gửi")
    assert system

    menu = await p.turn(summary, "Sửa", "Mô tả sơ bộ")
    assert labels(menu)[-1] == "Hủy" and "Tên cơ quan, đơn vị báo cáo" not in labels(menu)
    asked = await p.press(menu, "Mô tả sơ bộ", "❓ Mô tả sơ bộ")
    assert asked
    summary = await p.say("Trang chủ bị thay đổi giao diện.", "kiểm tra trước khi gửi")
    said = summary.plain_text or ""
    assert "Trang chủ bị thay đổi giao diện." in said and "tiền chuộc" not in said
    # «Đề xuất hỗ trợ?» changed to «Không»: its detail is no longer part of the report.
    menu = await p.turn(summary, "Sửa", "Đề xuất hỗ trợ")
    support = await p.press(menu, "Đề xuất hỗ trợ?", "❓ Đề xuất hỗ trợ?")
    summary = await p.press(support, "Không", "kiểm tra trước khi gửi")
    assert "phân tích mã độc" not in (summary.plain_text or "")
    assert await incidents(h) == []
    await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố")
    [incident] = await incidents(h)
    assert incident.answers["description"] == "Trang chủ bị thay đổi giao diện."
    assert incident.answers["operator"] == "Viễn thông An Giang"
    assert incident.answers["support_requested"] is False
    assert "support_detail" not in incident.answers


async def test_huy_and_cancel_leave_with_nothing_stored(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    category = await up_to_category(p)
    bye = await p.press(category, "Hủy", "Đã hủy báo cáo sự cố")
    assert bye and await _drafts(h, LIAISON) == []
    summary = await to_summary(p)
    assert await _drafts(h, LIAISON)
    bye = await p.say("/cancel", "Đã hủy báo cáo sự cố")
    assert bye and await _drafts(h, LIAISON) == []
    assert await incidents(h) == []
    # The summary's «Gửi» after /cancel belongs to no draft: nothing is stored.
    answer = await p.tap(summary, "ir:send")
    assert "không còn hiệu lực" in answer, answer
    assert await incidents(h) == []


async def test_a_restart_in_the_middle_resumes_at_the_same_question(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    category = await up_to_category(p)
    await p.press(category, "Mã hóa phần mềm", "❓ Mô tả sơ bộ")
    [row] = await _drafts(h, LIAISON)
    assert row["step"] == "ask" and row["answers"]["category"] == "ransomware"
    await h.stop()
    await h.start(**FAST)
    before = len(h.fake.messages_to(LIAISON))
    h.fake.send_text(LIAISON, "Máy chủ bị mã hóa.")
    asked = await h.fake.wait_for_message(LIAISON, has("❓ Ngày, giờ phát hiện"), after=before)
    said = [m.plain_text or "" for m in p.since(before)]
    assert any("Hệ thống vừa khởi động lại" in s for s in said), said
    assert labels(asked) == ["Vừa xong", "1 giờ trước", "Hủy"]
    [row] = await _drafts(h, LIAISON)
    assert row["answers"]["description"] == "Máy chủ bị mã hóa."
    assert row["answers"]["system_name"] == "Cổng thông tin điện tử tỉnh"


async def test_a_late_detection_is_accepted_and_the_reporter_told(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    category = await up_to_category(p)
    await p.press(category, "Từ chối dịch vụ", "❓ Mô tả sơ bộ")
    await p.say("Cổng thông tin không truy cập được.", "❓ Ngày, giờ phát hiện")
    before = len(h.fake.messages_to(LIAISON))
    h.fake.send_text(LIAISON, "15/11/2026 08:00")
    state = await h.fake.wait_for_message(LIAISON, has("❓ Hiện trạng"), after=before)
    echo = p.since(before)[0].plain_text or ""
    assert "08:00 ngày 15/11/2026" in echo and "quá thời hạn báo cáo (3 ngày" in echo, echo
    assert "báo cáo quá hạn" in echo
    method = await p.press(state, "Đã được xử lý", "Cách thức phát hiện")
    note = await p.press(method, "IDS", "Chi tiết cách thức phát hiện")
    notified = await p.press(note, "Bỏ qua", "Đã gửi thông báo sự cố cho")
    beyond = await p.press(notified, "Chưa thông báo", "vượt khả năng xử lý")
    support = await p.press(beyond, "Không", "Đề xuất hỗ trợ?")
    secret = await p.press(support, "Không", "giữ bí mật")
    more = await p.press(secret, "Có", "Thêm chi tiết")
    os = await p.press(more, "Thêm chi tiết", "Hệ điều hành")
    services = await p.say("Ubuntu 22.04", "Các dịch vụ trên hệ thống")
    for _ in range(4):  # services, protections, public IPs, domains
        services = await p.press(services, "Bỏ qua", "❓")
    purpose = services
    await p.say("Cung cấp thông tin cho người dân.", "Tệp đính kèm")
    assert os and "Mục đích" in (purpose.plain_text or "")
    h.fake.send_document(LIAISON, "access.log", b"GET / 503", mime_type="text/plain")
    got = await h.fake.wait_for_message(LIAISON, has("Đã nhận 1 tệp"), after=before)
    summary = await p.press(got, "Xong", "kiểm tra trước khi gửi")
    said = summary.plain_text or ""
    assert "Báo cáo quá hạn (3 ngày kể từ khi phát hiện)" in said and "Ubuntu 22.04" in said
    sent = await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố")
    assert "báo cáo quá hạn" in (sent.plain_text or "")
    [incident] = await incidents(h)
    assert incident.late and incident.confidential and incident.answers["os"] == "Ubuntu 22.04"
    [stored] = await IncidentRepository(h.services.db.reader).files(incident.id)
    assert stored.kind == "document" and stored.name == "access.log"


async def test_a_responder_logs_a_call_for_an_agency_from_the_picker(harness: Harness) -> None:
    h = harness
    await h.start(**FAST)
    await import_province(h)
    await join(h, 104, "responder")
    p = Person(h, 104)
    picker = await p.say("/report", "Đề nghị chọn đơn vị")
    assert "Trang 1/" in " ".join(labels(picker)) and "▶️" in labels(picker)
    page2 = await p.turn(picker, "▶️", "Trang 2/")
    assert "◀️" in labels(page2)
    filtered = await p.say("tai chinh", "Đang lọc")
    assert labels(filtered)[0] == "Sở Tài chính" and "✖️ Bỏ lọc" in labels(filtered)
    name = await p.press(filtered, "Sở Tài chính", "❓ Người liên hệ")
    phone = await p.say("Trần Văn Bình", "❓ Điện thoại người liên hệ")
    confirm = await p.say("0913 000 111", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    text = confirm.plain_text or ""
    assert "Sở Tài chính" in text and "Trần Văn Bình" in text and "0913 000 111" in text
    assert phone
    system = await p.press(confirm, "Đúng", "Tên hệ thống bị sự cố")
    address = await p.say("Hệ thống quản lý ngân sách", "Tên miền, địa chỉ IP")
    level = await p.press(address, "Bỏ qua", "Cấp độ an toàn")
    category = await p.press(level, "Không rõ", "Phân loại sự cố")
    files = await category_to_files(p, category)
    summary = await p.press(files, "Xong", "kiểm tra trước khi gửi")
    await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố")
    [incident] = await incidents(h)
    stc = await AgencyRepository(h.services.db.reader).by_code("STC")
    assert incident.agency_id == stc.id and incident.via == "phone"
    assert incident.answers["reporter_name"] == "Trần Văn Bình"
    assert name and system


async def test_a_liaison_cannot_report_for_another_agency(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    system = await p.say("/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    [other] = await agency_ids(h, "TT_CNTT")
    answer = await p.tap(system, f"ir:a:{other}")  # a responder's picker tap, replayed
    assert "Chỉ cán bộ đầu mối của đơn vị" in answer
    entries = await AuditRepository(h.services.db.reader).entries("incident.report_refused")
    assert [e.details.get("why") for e in entries] == ["other_agency"]
    # A forged draft naming another agency is refused at «Gửi», audited, nothing stored.
    summary = await to_summary(p)
    async with h.services.db.transaction() as conn:
        import json
        async with conn.execute("SELECT answers FROM drafts WHERE user_id = ? AND"
                                " conversation = 'report'", (LIAISON,)) as cur:
            row = await cur.fetchone()
        assert row is not None
        fields = json.loads(row[0])
        [fields["answers"]["agency"]] = await agency_ids(h, "STC")
        await conn.execute("UPDATE drafts SET answers = ? WHERE user_id = ? AND"
                           " conversation = 'report'", (json.dumps(fields), LIAISON))
    refused = await p.press(summary, "Gửi", "Chỉ cán bộ đầu mối")
    assert refused and await incidents(h) == []
    entries = await AuditRepository(h.services.db.reader).entries("incident.report_refused")
    assert [e.details.get("why") for e in entries] == ["other_agency", "other_agency"]


async def test_an_acknowledgement_in_the_middle_of_a_report_still_counts(
    harness: Harness,
) -> None:
    h = harness
    p = await liaison_with_phone(h)
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT")
    directive, _ = await h.services.broadcast.send(SUPER_ADMIN, d)
    copy = await h.fake.wait_for_message(LIAISON, is_directive)
    confirm = await p.say("/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    system = await p.press(confirm, "Đúng", "Tên hệ thống bị sự cố")
    answer = await p.tap(copy, copy.button_data("Đã nhận"))
    assert "Đã ghi nhận" in answer
    from bot.storage.directives import DirectiveRepository
    assert len(await DirectiveRepository(h.services.db.reader).acks(directive.id)) == 1
    address = await p.say("Cổng thông tin điện tử tỉnh", "Tên miền, địa chỉ IP")
    assert address and system
    [row] = await _drafts(h, LIAISON)
    assert row["answers"]["system_name"] == "Cổng thông tin điện tử tỉnh"


async def test_start_and_help_offer_the_report_button_and_a_missing_phone_is_asked(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    p = Person(h, 102)  # CAT's backup liaison, who has not shared a phone
    for command in ("/start", "/help"):
        reply = await p.say(command, "/")
        assert labels(reply) == ["🚨 Báo cáo sự cố"], command
    helped = h.fake.messages_to(102)[-1]
    assert "/report" in (helped.plain_text or "")
    phone = await p.press(helped, "Báo cáo sự cố", "❓ Điện thoại người liên hệ")
    confirm = await p.say("0914 222 333", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    assert "0914 222 333" in (confirm.plain_text or "") and phone
    # A stranger gets no button, and /report is refused.
    stranger = Person(h, 104)
    hello = await stranger.say("/start", "chưa được đăng ký")
    assert labels(hello) == []
    refused = await stranger.say("/report", "chưa được đăng ký")
    assert not refused.buttons


async def _edit_draft(h: Harness, change: Any) -> None:
    """Change the stored draft as a forger (or an old form file) would."""
    import json
    async with h.services.db.transaction() as conn:
        async with conn.execute("SELECT answers FROM drafts WHERE user_id = ? AND"
                                " conversation = 'report'", (LIAISON,)) as cur:
            row = await cur.fetchone()
        assert row is not None
        fields = json.loads(row[0])
        change(fields)
        await conn.execute("UPDATE drafts SET answers = ? WHERE user_id = ? AND"
                           " conversation = 'report'", (json.dumps(fields), LIAISON))


async def test_a_field_refused_at_send_is_asked_again_then_sent(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    summary = await to_summary(p)
    await _edit_draft(h, lambda f: f["answers"].pop("description"))
    asked = await p.press(summary, "Gửi", "❓ Mô tả sơ bộ")
    said = [m.plain_text or "" for m in h.fake.messages_to(LIAISON)[-2:]]
    assert "Còn thiếu “Mô tả sơ bộ về sự cố”" in said[0], said
    assert asked and await incidents(h) == []
    summary = await p.say("Máy chủ bị mã hóa.", "kiểm tra trước khi gửi")
    await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố")
    [incident] = await incidents(h)
    assert incident.answers["description"] == "Máy chủ bị mã hóa."


async def test_files_beyond_the_limit_are_refused_once_per_album(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    files = await category_to_files(p, await up_to_category(p))
    assert files
    before = len(h.fake.messages_to(LIAISON))
    for album in range(2):
        for i in range(10):
            h.fake.send_photo(LIAISON, f"photo {album}-{i}".encode(), media_group_id=f"a{album}")
    await h.fake.wait_for_message(LIAISON, has("Đã nhận 20 tệp"), after=before)
    for i in range(3):  # a third album: over the limit, refused once
        h.fake.send_photo(LIAISON, f"photo 2-{i}".encode(), media_group_id="a2")
    await h.fake.wait_for_message(LIAISON, has("tối đa 20 tệp"), after=before)
    h.fake.send_sticker(LIAISON)  # and what follows is still answered
    await h.fake.wait_for_message(LIAISON, has("❓ Tệp đính kèm"), after=before)
    said = [m.plain_text or "" for m in p.since(before)]
    assert len(said) == 5, said  # one reply per album, one refusal, the sticker's two
    summary = await p.press(p.since(before)[-1], "Xong", "kiểm tra trước khi gửi")
    assert "Tệp đính kèm: 20" in (summary.plain_text or "")


async def test_buttons_only_steps_refuse_typed_text_and_stickers(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    confirm = await p.say("/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    again = await p.say("Đúng", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    assert "Vui lòng chọn bằng nút bên dưới" in (h.fake.messages_to(LIAISON)[-2].plain_text
                                                  or "")
    before = len(h.fake.messages_to(LIAISON))
    h.fake.send_sticker(LIAISON)
    shown = await h.fake.wait_for_message(LIAISON, has("Đề nghị kiểm tra"), after=before)
    assert "Vui lòng" in (p.since(before)[0].plain_text or "")
    assert labels(shown) == ["Đúng", "Sửa", "Hủy"] and confirm
    system = await p.press(again, "Đúng", "❓ Tên hệ thống bị sự cố")
    assert system
    # «Vừa xong» answers the detection time with the moment of the tap.
    address = await p.say("Cổng thông tin điện tử tỉnh", "Tên miền, địa chỉ IP")
    level = await p.press(address, "Bỏ qua", "Cấp độ an toàn")
    category = await p.press(level, "Cấp 3", "Phân loại sự cố")
    description = await p.press(category, "Từ chối dịch vụ", "❓ Mô tả sơ bộ")
    detected = await p.say("Không truy cập được.", "❓ Ngày, giờ phát hiện")
    assert description
    await p.press(detected, "Vừa xong", "❓ Hiện trạng")
    [row] = await _drafts(h, LIAISON)
    assert row["answers"]["detected_at"] == int(h.clock.now().timestamp())


async def test_a_question_dropped_from_the_form_moves_on_to_the_next(harness: Harness) -> None:
    """A draft saved before the province edited the form, at a field no longer there."""
    h = harness
    p = await liaison_with_phone(h)
    await up_to_category(p)

    def gone(fields: dict[str, Any]) -> None:
        fields["current"] = "old_field"

    await _edit_draft(h, gone)
    again = await p.say("Một câu trả lời", "❓ Phân loại sự cố")
    assert len(again.buttons) == 11


async def test_the_summary_and_the_details_step_read_as_written_vietnamese(
        harness: Harness) -> None:
    """A question's "?" stays in the question (the summary reads "Đề xuất hỗ trợ: Có", not
    "Đề xuất hỗ trợ?: Có"), a count has its unit ("2 tệp"), and the optional details are
    listed as one sentence ("hệ điều hành, phiên bản; các dịch vụ …"), not as capitalised
    labels run together with commas that are also inside them."""
    h = harness
    p = await liaison_with_phone(h)
    category = await up_to_category(p)
    description = await p.press(category, "Mã hóa phần mềm", "Mô tả sơ bộ")
    await p.say("Máy chủ bị mã hóa dữ liệu.", "Ngày, giờ phát hiện")
    state = await p.say("hôm qua 22:00", "Hiện trạng")
    method = await p.press(state, "Chưa được xử lý", "Cách thức phát hiện")
    assert description
    note = await p.press(method, "nhật ký", "Chi tiết cách thức phát hiện")
    notified = await p.press(note, "Bỏ qua", "Đã gửi thông báo sự cố cho")
    beyond = await p.press(notified, "Chưa thông báo", "vượt khả năng xử lý")
    support = await p.press(beyond, "Không", "Đề xuất hỗ trợ?")
    await p.press(support, "Có", "Nội dung đề xuất hỗ trợ")
    secret = await p.say("Đề nghị hỗ trợ phân tích mã độc.", "giữ bí mật")
    more = await p.press(secret, "Không", "Thêm chi tiết")
    offered = more.plain_text or ""
    assert ("Có thể bổ sung: hệ điều hành, phiên bản; các dịch vụ trên hệ thống (web, thư "
            "điện tử, cơ sở dữ liệu, khác); biện pháp bảo vệ đã có") in offered, offered
    files = await p.press(more, "Bỏ qua", "Tệp đính kèm")
    before = len(h.fake.messages_to(LIAISON))
    h.fake.send_photo(LIAISON, b"\xff\xd8photo-1", media_group_id="album-1")
    h.fake.send_photo(LIAISON, b"\xff\xd8photo-2", media_group_id="album-1")
    got = await h.fake.wait_for_message(LIAISON, has("Đã nhận 2 tệp"), after=before)
    assert files
    summary = await p.press(got, "Xong", "kiểm tra trước khi gửi")
    said = summary.plain_text or ""
    assert "?:" not in said, said
    for shown in ("Sự cố vượt khả năng xử lý của đơn vị: Không", "Đề xuất hỗ trợ: Có",
                  "Đề nghị giữ bí mật thông tin sự cố: Không", "Tệp đính kèm: 2 tệp"):
        assert shown in said, (shown, said)
    sent = await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố")
    assert sent
    [incident] = await incidents(h)
    view = await p.say(f"/incident {incident.code}", "Báo cáo ban đầu")
    assert "?:" not in (view.plain_text or "")
    assert "Đề xuất hỗ trợ: Có" in (view.plain_text or "")
