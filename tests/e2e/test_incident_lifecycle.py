"""The incident lifecycle end to end: the moves after «Tiếp nhận», progress reports, the
closing report; who is told; every refusal audited and changing nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import to_epoch
from bot.domain.errors import InvalidInput
from bot.domain.incidents import EventKind, Incident, IncidentStatus, Move
from bot.domain.models import Role
from bot.services.incidents import ReportDraft
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from bot.telegram import callbacks as cb
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.incidents.test_submit import _answers

LIAISON, BACKUP, OTHER = 101, 102, 103  # the reporter, their agency's backup, another agency
LEAD, ADMIN = 104, 9002
AN, BINH = 201, 202  # responders: An takes it, Bình does not

CLOSING = {"what_happened": "Máy chủ cổng thông tin bị mã hóa dữ liệu lúc 02:00.",
           "cause": "Lỗ hổng chưa vá trên dịch vụ truy cập từ xa.",
           "damage": "Cổng thông tin ngừng hoạt động 6 giờ; không mất dữ liệu.",
           "resolution": "Khôi phục từ bản sao lưu, vá lỗ hổng, đổi mật khẩu."}


@dataclass
class World:
    agency_id: int
    person: dict[int, int]  # Telegram user id → person id


async def setup(h: Harness) -> World:
    """Two agencies (the reporter's with two liaisons, another with one), two responders,
    the lead, an admin; the bot running."""
    await h.start(per_chat_interval=0.05)
    h.fake.add_user(AN, "An", "Trần")
    h.fake.add_user(BINH, "Bình", "Lê")
    now = to_epoch(h.clock.now())
    async with h.services.db.transaction() as conn:
        agencies, people = AgencyRepository(conn), PeopleRepository(conn)
        stc = await agencies.insert(
            {"code": "STC", "name": "Sở Tài chính", "kind": "department",
             "address": "1 Trần Phú", "email": "stc@example.gov.vn", "phone": "0296 1"}, now)
        stp = await agencies.insert({"code": "STP", "name": "Sở Tư pháp",
                                     "kind": "department"}, now)
        rows = [
            (LIAISON, "Nguyễn Văn A", {"agency_id": stc, "rank": "primary",
                                       "roles": [Role.LIAISON]}),
            (BACKUP, "Phạm Thị Minh", {"agency_id": stc, "rank": "backup",
                                       "roles": [Role.LIAISON]}),
            (OTHER, "Võ Văn Hùng", {"agency_id": stp, "rank": "primary",
                                    "roles": [Role.LIAISON]}),
            (AN, "Trần An", {"roles": [Role.RESPONDER]}),
            (BINH, "Lê Bình", {"roles": [Role.RESPONDER]}),
            (LEAD, "Đỗ Khánh", {"roles": [Role.RESPONDER], "lead": True}),
            (ADMIN, "Hoàng Quản", {"roles": [Role.ADMIN]}),
        ]
        ids = {}
        for user, name, fields in rows:
            ids[user] = await people.insert({"full_name": name, "phone": "0912345678",
                                             "telegram_user_id": user, "chat_id": user,
                                             "activated": True, **fields}, now)
    return World(stc, ids)


async def report(h: Harness, w: World, *, taken_by: int | None = AN) -> Incident:
    """The reporter files an incident; a responder takes it (the taking part's move)."""
    detected = to_epoch(h.clock.now() - timedelta(hours=1))
    incident = await h.services.incidents.submit(
        LIAISON, ReportDraft(_answers(w.agency_id, detected)))
    if taken_by is not None:
        async with h.services.db.transaction() as conn:
            assert await IncidentRepository(conn).take(incident.id, w.person[taken_by],
                                                       h.clock.now())
    await h.services.sender.drained()
    return incident


async def now_(h: Harness, incident: Incident) -> Incident:
    return await IncidentRepository(h.services.db.reader).get(incident.id)


async def tap(h: Harness, user: int, verb: str, incident_id: int) -> tuple[str, int]:
    """The bot shows the user a move's button (as the incident's detail does); they tap it.
    Returns the query id and how many messages the user had before."""
    data = cb.IncidentAction(verb, incident_id).encode()  # type: ignore[arg-type]
    return await press(h, user, data)


async def press(h: Harness, user: int, data: str) -> tuple[str, int]:
    shown = await h.app.bot.send_message(  # type: ignore[union-attr]
        user, "Sự cố", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Nút", callback_data=data)]]))
    before = len(h.fake.messages_to(user))
    query = h.fake.press_button(user, shown.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return query, before


def alert(h: Harness, query: str) -> str:
    return str((h.fake.callback_answer(query) or {}).get("text", ""))


async def button(h: Harness, user: int, msg: SentMessage, label: str,
                 expect: str) -> SentMessage:
    """Tap `label` on a message of the conversation; the next message saying `expect`."""
    before = len(h.fake.messages_to(user))
    h.fake.press_button(user, msg.message_id, msg.button_data(label))
    return await h.fake.wait_for_message(user, has(expect), after=before)


async def asked(h: Harness, user: int, verb: str, incident_id: int,
                expect: str) -> SentMessage:
    query, before = await tap(h, user, verb, incident_id)
    assert alert(h, query) == ""
    return await h.fake.wait_for_message(user, has(expect), after=before)


async def told(h: Harness, user: int, fragment: str, after: int = 0) -> SentMessage:
    await h.services.sender.drained()
    return await h.fake.wait_for_message(user, has(fragment), after=after)


def count(h: Harness, user: int) -> int:
    return len(h.fake.messages_to(user))


async def resolve(h: Harness, user: int, incident_id: int) -> SentMessage:
    """The assignee writes the closing report (the optional field skipped) and sends it."""
    q = await asked(h, user, "resolve", incident_id, "(1/5)")
    assert [b["text"] for b in q.buttons] == ["Hủy"]  # a required field: no «Bỏ qua»
    await h.say(user, CLOSING["what_happened"], has("(2/5)"))
    await h.say(user, CLOSING["cause"], has("(3/5)"))
    await h.say(user, CLOSING["damage"], has("(4/5)"))
    last = await h.say(user, CLOSING["resolution"], has("(5/5)"))
    assert [b["text"] for b in last.buttons] == ["Bỏ qua", "Hủy"]
    summary = await button(h, user, last, "Bỏ qua", "Bấm “Gửi”")
    assert "Nguyên nhân: Lỗ hổng chưa vá" in (summary.plain_text or "")
    assert [b["text"] for b in summary.buttons] == ["Gửi", "Hủy"]
    return await button(h, user, summary, "Gửi", "“Đang xử lý” → “Đã khắc phục”")


async def refusals(h: Harness) -> list[tuple[int | None, str]]:
    rows = await AuditRepository(h.services.db.reader).entries("incident.move_refused")
    return [(e.actor_user_id, str(e.details["why"])) for e in rows]


# --- the whole path -------------------------------------------------------------------------


async def test_taken_to_closed_with_progress_reopen_and_the_reporter_told_each_time(
    harness: Harness,
) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w)
    code = incident.code
    start = {u: count(h, u) for u in (LIAISON, BACKUP, OTHER, LEAD, ADMIN, SUPER_ADMIN, AN)}

    # Đã tiếp nhận → Đang xử lý, by the assignee, at once.
    _, before = await tap(h, AN, "start", incident.id)
    done = await h.fake.wait_for_message(AN, has("“Đã tiếp nhận” → “Đang xử lý”"), after=before)
    assert code in (done.plain_text or "") and "Trần An" in (done.plain_text or "")
    for user in (LIAISON, BACKUP):  # the agency's liaisons: the reporter side
        note = await told(h, user, "chuyển sang trạng thái “Đang xử lý”", start[user])
        assert code in (note.plain_text or "") and "Trần An" in (note.plain_text or "")
        assert [b["text"] for b in note.buttons] == ["Xem chi tiết"]
    assert (await now_(h, incident)).status is IncidentStatus.IN_PROGRESS

    # A progress report with a file, from the assignee to the reporter side.
    ask = await asked(h, AN, "progress", incident.id, "Báo cáo diễn biến")
    assert [b["text"] for b in ask.buttons] == ["Gửi", "Hủy"]
    await h.say(AN, "Đã cô lập máy chủ, đang khôi phục từ bản sao lưu.", has("Đã ghi nhận ("))
    before = count(h, AN)
    h.fake.send_document(AN, "nhat-ky.log", b"log lines", mime_type="text/plain")
    got = await h.fake.wait_for_message(AN, has("1 tệp"), after=before)
    await button(h, AN, got, "Gửi", "Đã gửi báo cáo diễn biến")
    note = await told(h, LIAISON, "Báo cáo diễn biến", start[LIAISON])
    assert "Đã cô lập máy chủ" in (note.plain_text or "") and "Kèm 1 tệp" in (note.plain_text or "")
    document = await h.fake.wait_for_message(LIAISON, lambda m: m.kind == "document")
    assert document.file_bytes == b"log lines" and code in (document.caption or "")
    repo = IncidentRepository(h.services.db.reader)
    progress = [e for e in await repo.events(incident.id) if e.kind is EventKind.PROGRESS]
    assert [e.text for e in progress] == ["Đã cô lập máy chủ, đang khôi phục từ bản sao lưu."]
    assert [f.name for f in await repo.files(incident.id, progress[0].id)] == ["nhat-ky.log"]

    # Đang xử lý → Đã khắc phục with the closing report: stored, on the timeline, told.
    await resolve(h, AN, incident.id)
    resolved = await now_(h, incident)
    assert resolved.status is IncidentStatus.RESOLVED and resolved.closing == CLOSING
    assert resolved.resolved_at == h.clock.now()
    [event] = [e for e in await repo.events(incident.id) if e.kind is EventKind.RESOLVED]
    assert event.details["closing"] == CLOSING
    note = await told(h, LIAISON, "“Đã khắc phục”", start[LIAISON])
    assert "Nguyên nhân: Lỗ hổng chưa vá" in (note.plain_text or "")
    for user in (LEAD, ADMIN, SUPER_ADMIN):  # they close it
        team = await told(h, user, "kết thúc ứng phó sự cố", start[user])
        assert "Biện pháp đã khắc phục: Khôi phục" in (team.plain_text or "")

    # The reporter reopens it with a reason (a sticker first: asked again).
    await asked(h, LIAISON, "reopen", incident.id, "Đề nghị nhập lý do")
    before = count(h, LIAISON)
    h.fake.send_sticker(LIAISON)
    await h.fake.wait_for_message(LIAISON, has("Vui lòng trả lời bằng chữ"), after=before)
    await h.say(LIAISON, "Cổng thông tin lại không truy cập được.",
                has("“Đã khắc phục” → “Đang xử lý”"))
    for user in (AN, LEAD):
        await told(h, user, "Cổng thông tin lại không truy cập được", start[user])
    reopened = await now_(h, incident)
    assert reopened.status is IncidentStatus.IN_PROGRESS and reopened.assignee_id == w.person[AN]

    # Resolved again, then closed by the lead after a confirmation.
    await resolve(h, AN, incident.id)
    confirm = await asked(h, LEAD, "close", incident.id, "Xác nhận kết thúc ứng phó")
    assert [b["text"] for b in confirm.buttons] == ["✅ Xác nhận", "Hủy"]
    assert (await now_(h, incident)).status is IncidentStatus.RESOLVED  # not before «Xác nhận»
    await button(h, LEAD, confirm, "Xác nhận", "“Đã khắc phục” → “Đã kết thúc ứng phó”")
    closed = await now_(h, incident)
    assert closed.status is IncidentStatus.CLOSED and not closed.false_alarm
    assert closed.closed_at == h.clock.now()

    # The reporter heard of every change; another agency of none.
    await told(h, LIAISON, "chuyển sang trạng thái “Đã kết thúc ứng phó”", start[LIAISON])
    notes = [m.plain_text or "" for m in h.fake.messages_to(LIAISON)[start[LIAISON]:]
             if code in (m.plain_text or "") and m.kind == "text"]
    for fragment in ("“Đang xử lý”", "Báo cáo diễn biến", "“Đã khắc phục”",
                     "“Đã kết thúc ứng phó”"):
        assert any(fragment in n for n in notes), (fragment, notes)
    # The reopening was theirs (answered in the conversation); the agency's backup is told.
    assert not any("được mở lại" in n for n in notes)
    await told(h, BACKUP, "được mở lại", start[BACKUP])
    assert sum("chuyển sang trạng thái “Đã khắc phục”" in n for n in notes) == 2
    assert count(h, OTHER) == start[OTHER]
    assert [e.kind for e in await repo.events(incident.id)] == [
        EventKind.REPORTED, EventKind.STARTED, EventKind.PROGRESS, EventKind.RESOLVED,
        EventKind.REOPENED, EventKind.RESOLVED, EventKind.CLOSED]
    actions = [e.action for e in await AuditRepository(h.services.db.reader).entries()
               if e.action.startswith("incident.") and e.action != "incident.reported"]
    assert actions == ["incident.start", "incident.progress", "incident.resolve",
                       "incident.reopen", "incident.resolve", "incident.close"]
    assert await refusals(h) == []


# --- false alarm, release, reassign ---------------------------------------------------------


async def test_false_alarm_by_the_lead_from_new_with_a_reason_confirmed(
    harness: Harness,
) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w, taken_by=None)
    before_liaison = count(h, LIAISON)
    await asked(h, LEAD, "false", incident.id, "không phải sự cố")
    confirm = await h.say(LEAD, "Quét lại cho thấy cảnh báo do phần mềm sao lưu.",
                          has("Xác nhận"))
    assert "Quét lại cho thấy" in (confirm.plain_text or "")
    assert (await now_(h, incident)).status is IncidentStatus.REPORTED
    await button(h, LEAD, confirm, "Xác nhận", "“Mới” → “Đã kết thúc ứng phó”")
    closed = await now_(h, incident)
    assert closed.status is IncidentStatus.CLOSED and closed.false_alarm
    note = await told(h, LIAISON, "không phải sự cố", before_liaison)
    assert "Quét lại cho thấy" in (note.plain_text or "")
    [event] = [e for e in await IncidentRepository(h.services.db.reader).events(incident.id)
               if e.kind is EventKind.FALSE_ALARM]
    assert event.text == "Quét lại cho thấy cảnh báo do phần mềm sao lưu."
    assert event.person_id == w.person[LEAD]

    # The same tap again (a replay on a state that moved on): said, audited, nothing changes.
    query, _ = await tap(h, LEAD, "false", incident.id)
    assert "hiện ở trạng thái “Đã kết thúc ứng phó”" in alert(h, query)
    assert await refusals(h) == [(LEAD, "stale")]


async def test_release_by_the_assignee_with_a_reason_goes_back_to_new(harness: Harness) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w)
    before_liaison = count(h, LIAISON)
    await asked(h, AN, "release", incident.id, "Đề nghị nhập lý do")
    too_long = await h.say(AN, "x" * 1001, has("Lý do quá dài"))
    assert "1000" in (too_long.plain_text or "")
    await h.say(AN, "   ", has("Chưa có lý do"))
    assert (await now_(h, incident)).status is IncidentStatus.TAKEN
    await h.say(AN, "Được điều động đi hỗ trợ tỉnh khác.", has("“Đã tiếp nhận” → “Mới”"))
    released = await now_(h, incident)
    assert released.status is IncidentStatus.REPORTED and released.assignee_id is None
    note = await told(h, LIAISON, "trở về trạng thái “Mới”", before_liaison)
    assert "Được điều động" in (note.plain_text or "")
    [event] = [e for e in await IncidentRepository(h.services.db.reader).events(incident.id)
               if e.kind is EventKind.RELEASED]
    assert event.text == "Được điều động đi hỗ trợ tỉnh khác."
    assert event.details == {"from": "taken", "to": "reported", "assignee_id": w.person[AN]}

    # Released by the lead: the former assignee is told.
    async with h.services.db.transaction() as conn:
        assert await IncidentRepository(conn).take(incident.id, w.person[BINH], h.clock.now())
    before_binh = count(h, BINH)
    await asked(h, LEAD, "release", incident.id, "Đề nghị nhập lý do")
    await h.say(LEAD, "Cần người trực ca đêm.", has("“Đã tiếp nhận” → “Mới”"))
    await told(h, BINH, "không còn do Anh/Chị xử lý", before_binh)


async def test_reassign_by_an_admin_to_another_responder(harness: Harness) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w)
    before = {u: count(h, u) for u in (LIAISON, AN, BINH)}
    pick = await asked(h, ADMIN, "reassign", incident.id, "Giao sự cố")
    labels = [b["text"] for b in pick.buttons]
    assert labels == ["Đỗ Khánh (Đội trưởng)", "Lê Bình", "Hủy"]  # not An, who has it
    confirm = await button(h, ADMIN, pick, "Lê Bình", "Xác nhận giao sự cố")
    assert (await now_(h, incident)).assignee_id == w.person[AN]
    await button(h, ADMIN, confirm, "Xác nhận", "đã được giao cho Lê Bình")
    moved = await now_(h, incident)
    assert moved.assignee_id == w.person[BINH] and moved.status is IncidentStatus.TAKEN
    await told(h, BINH, "Anh/Chị được giao xử lý sự cố", before[BINH])
    await told(h, AN, "giao cho Lê Bình", before[AN])
    await told(h, LIAISON, "được giao cho Lê Bình", before[LIAISON])
    [event] = [e for e in await IncidentRepository(h.services.db.reader).events(incident.id)
               if e.kind is EventKind.REASSIGNED]
    assert event.details["assignee_id"] == w.person[BINH]
    assert event.details["former_id"] == w.person[AN]
    # The new assignee may now start it; the former one may not.
    query, _ = await tap(h, AN, "start", incident.id)
    assert "không có quyền" in alert(h, query)
    _, before_b = await tap(h, BINH, "start", incident.id)
    await h.fake.wait_for_message(BINH, has("→ “Đang xử lý”"), after=before_b)


# --- refusals and stale states --------------------------------------------------------------


async def test_every_refusal_is_audited_and_changes_nothing(harness: Harness) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w)
    cases = [
        (OTHER, "start"), (OTHER, "progress"), (OTHER, "close"),  # another agency's liaison
        (BINH, "start"), (BINH, "resolve"), (BINH, "release"),    # not the assignee
        (LIAISON, "close"), (LIAISON, "false"), (LIAISON, "start"),  # the reporter
        (ADMIN, "start"),                                          # admins do not work it
    ]
    for user, verb in cases:
        before = count(h, user)
        query, _ = await tap(h, user, verb, incident.id)
        assert "không có quyền" in alert(h, query), (user, verb)
        assert count(h, user) == before + 1  # only the test's own message: nothing asked
    # A forged id and malformed data.
    query, _ = await press(h, OTHER, "inc:close:999999")
    assert "không có quyền" in alert(h, query)
    query, _ = await press(h, OTHER, "inc:close:-1")
    assert "không còn hiệu lực" in alert(h, query)
    # Nothing changed: the state, the timeline; no conversation was left open.
    now = await now_(h, incident)
    assert now.status is IncidentStatus.TAKEN and now.assignee_id == w.person[AN]
    events = await IncidentRepository(h.services.db.reader).events(incident.id)
    assert [e.kind for e in events] == [EventKind.REPORTED]
    audited = await refusals(h)
    assert {u for u, _ in audited} == {OTHER, BINH, LIAISON, ADMIN}
    assert {why for _, why in audited} == {"not_allowed", "unknown"}
    cancel = await h.say(BINH, "/cancel")
    assert cancel.plain_text == "Không có thao tác nào đang diễn ra."


async def test_a_move_on_a_state_that_changed_meanwhile(harness: Harness) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w)
    # An opens «Trả lại»; meanwhile the lead releases it.
    await asked(h, AN, "release", incident.id, "Đề nghị nhập lý do")
    await h.services.lifecycle.move(LEAD, incident.id, Move.RELEASE, reason="Đổi ca trực.")
    said = await h.say(AN, "Bận việc khác.", has("hiện ở trạng thái"))
    assert "“Mới”" in (said.plain_text or "")
    events = await IncidentRepository(h.services.db.reader).events(incident.id)
    assert [e.kind for e in events] == [EventKind.REPORTED, EventKind.RELEASED]
    assert [e.text for e in events][-1] == "Đổi ca trực."
    assert await refusals(h) == [(AN, "not_allowed")]  # no longer its assignee

    # A started incident: the assignee's old «Bắt đầu xử lý» tap, replayed.
    async with h.services.db.transaction() as conn:
        assert await IncidentRepository(conn).take(incident.id, w.person[AN], h.clock.now())
    await tap(h, AN, "start", incident.id)
    query, _ = await tap(h, AN, "start", incident.id)
    assert "hiện ở trạng thái “Đang xử lý”" in alert(h, query)
    assert (await refusals(h))[-1] == (AN, "stale")
    assert [e.kind for e in await IncidentRepository(h.services.db.reader).events(
        incident.id)][-1] is EventKind.STARTED


async def test_the_closing_report_survives_a_restart_and_old_buttons_do_nothing(
    harness: Harness,
) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w)
    await tap(h, AN, "start", incident.id)
    first = await asked(h, AN, "resolve", incident.id, "(1/5)")
    await h.say(AN, CLOSING["what_happened"], has("(2/5)"))
    await h.stop()
    await h.start(per_chat_interval=0.05)
    resumed = await h.say(AN, CLOSING["cause"], has("(3/5)"))
    assert "thiệt hại, ảnh hưởng" in (resumed.plain_text or "")
    # The first question's «Hủy» still cancels (any «Hủy» of the move does); its nonce is old,
    # but a cancel is always safe. An old «Bỏ qua»-like tap of another question does nothing.
    query, _ = await press(h, AN, cb.IclButton("skip", "00000000").encode())
    assert "bước đã qua" in alert(h, query)
    await h.say(AN, "   ", has("là nội dung bắt buộc"))
    await h.say(AN, CLOSING["damage"], has("(4/5)"))
    cancelled = await button(h, AN, first, "Hủy", "Đã hủy")
    assert "sự cố không thay đổi" in (cancelled.plain_text or "")
    assert (await now_(h, incident)).status is IncidentStatus.IN_PROGRESS
    assert (await now_(h, incident)).closing == {}


async def test_a_progress_report_from_the_reporter_side_reaches_the_assignee(
    harness: Harness,
) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w)
    before = {u: count(h, u) for u in (AN, LIAISON, LEAD)}
    await asked(h, BACKUP, "progress", incident.id, "Báo cáo diễn biến")
    await h.say(BACKUP, "x" * 10_000, has("tối đa 3000 ký tự"))  # asked again, nothing kept
    got = await h.say(BACKUP, "Phát hiện thêm 2 máy trạm bị nhiễm.", has("Đã ghi nhận ("))
    assert "35 ký tự, 0 tệp" in (got.plain_text or "")
    mark = count(h, BACKUP)
    h.fake.send_photo(BACKUP, b"\xff\xd8 screenshot", caption="Ảnh chụp màn hình")
    got = await h.fake.wait_for_message(BACKUP, has("1 tệp"), after=mark)
    await button(h, BACKUP, got, "Gửi", "Đã gửi báo cáo diễn biến")
    note = await told(h, AN, "Báo cáo diễn biến", before[AN])
    assert "Phạm Thị Minh" in (note.plain_text or "")
    assert "Phát hiện thêm 2 máy trạm" in (note.plain_text or "")
    assert "Ảnh chụp màn hình" in (note.plain_text or "")
    photo = await h.fake.wait_for_message(AN, lambda m: m.kind == "photo", after=before[AN])
    assert photo.file_bytes == b"\xff\xd8 screenshot"
    # The assignee hears it, not the reporter side again nor the lead.
    assert count(h, LIAISON) == before[LIAISON] and count(h, LEAD) == before[LEAD]
    repo = IncidentRepository(h.services.db.reader)
    [event] = [e for e in await repo.events(incident.id) if e.kind is EventKind.PROGRESS]
    assert event.person_id == w.person[BACKUP]
    assert [f.kind for f in await repo.files(incident.id, event.id)] == ["photo"]
    assert (await now_(h, incident)).last_progress_at == h.clock.now()
    # Nobody has it yet (released): a report from the reporter side goes to the lead.
    await h.services.lifecycle.move(AN, incident.id, Move.RELEASE, reason="Đổi ca.")
    await h.services.sender.drained()
    mark = count(h, LEAD)
    await asked(h, LIAISON, "progress", incident.id, "Báo cáo diễn biến")
    got = await h.say(LIAISON, "Hệ thống đã hoạt động lại một phần.", has("Đã ghi nhận ("))
    await button(h, LIAISON, got, "Gửi", "Đã gửi báo cáo diễn biến")
    await told(h, LEAD, "Hệ thống đã hoạt động lại một phần", mark)


async def test_the_service_checks_what_the_conversation_collected(harness: Harness) -> None:
    """A draft may be old or forged: the closing report, the reason and the new assignee are
    checked again at the move, and nothing is stored when they are wrong."""
    h = harness
    w = await setup(h)
    incident = await report(h, w)
    life = h.services.lifecycle
    await life.move(AN, incident.id, Move.START)
    missing = {k: v for k, v in CLOSING.items() if k != "cause"}
    with pytest.raises(InvalidInput) as err:
        await life.move(AN, incident.id, Move.RESOLVE, closing=missing)
    assert err.value.key == "inl_closing_missing" and err.value.params["field"] == "cause"
    with pytest.raises(InvalidInput) as err:
        await life.move(AN, incident.id, Move.RESOLVE,
                        closing={**CLOSING, "damage": "x" * 1001})
    assert err.value.key == "inl_answer_too_long"
    for reason in (None, "  ", "x" * 1001):
        with pytest.raises(InvalidInput):
            await life.move(AN, incident.id, Move.RELEASE, reason=reason)
    with pytest.raises(InvalidInput) as err:
        await life.move(LEAD, incident.id, Move.REASSIGN, assignee_id=w.person[LIAISON])
    assert err.value.key == "inl_not_responder"
    with pytest.raises(InvalidInput) as err:
        await life.move(LEAD, incident.id, Move.REASSIGN, assignee_id=w.person[AN])
    assert err.value.key == "inl_same_assignee"
    with pytest.raises(InvalidInput) as err:
        await life.progress(AN, incident.id, "   ")
    assert err.value.key == "inl_progress_empty"
    now = await now_(h, incident)
    assert now.status is IncidentStatus.IN_PROGRESS and now.closing == {}
    assert now.assignee_id == w.person[AN]
    kinds = [e.kind for e in await IncidentRepository(h.services.db.reader).events(incident.id)]
    assert kinds == [EventKind.REPORTED, EventKind.STARTED]
    # The optional field is kept when answered; unknown keys are not.
    moved = await life.move(AN, incident.id, Move.RESOLVE, closing={
        **CLOSING, "recommendations": "Rà soát định kỳ.", "extra": "x"})
    assert moved.incident.closing == {**CLOSING, "recommendations": "Rà soát định kỳ."}


# --- «Đổi mức ưu tiên» ------------------------------------------------------------------------


async def test_a_responder_changes_the_priority_picked_and_confirmed(harness: Harness) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w, taken_by=None)
    assert incident.priority.value == "cao"
    q = await asked(h, BINH, "prio", incident.id, "Chọn mức ưu tiên mới")
    assert "hiện tại: Cao" in (q.plain_text or "")
    assert [b["text"] for b in q.buttons] == ["Thấp", "Trung bình", "✓ Cao", "Nghiêm trọng",
                                              "Hủy"]
    await h.say(BINH, "nghiêm trọng", has("Vui lòng"))  # typed, not pressed: asked again
    confirm = await button(h, BINH, q, "Nghiêm trọng", "từ “Cao” thành “Nghiêm trọng”")
    assert (await now_(h, incident)).priority.value == "cao"  # nothing before «Xác nhận»
    await button(h, BINH, confirm, "✅ Xác nhận", "Đã đổi mức ưu tiên")
    changed = await now_(h, incident)
    assert changed.priority.value == "nghiem_trong" and not changed.priority_derived
    [event] = [e for e in await IncidentRepository(h.services.db.reader).events(incident.id)
               if e.kind is EventKind.PRIORITY]
    assert event.details == {"from": "cao", "to": "nghiem_trong"}
    assert event.person_id == w.person[BINH]


async def test_the_priority_picker_refuses_a_liaison_and_the_same_priority(
        harness: Harness) -> None:
    h = harness
    w = await setup(h)
    incident = await report(h, w, taken_by=None)
    query, _ = await tap(h, LIAISON, "prio", incident.id)  # a replayed responder's button
    assert alert(h, query)
    assert (await now_(h, incident)).priority.value == "cao"
    assert (LIAISON, "not_allowed") in await refusals(h)
    q = await asked(h, BINH, "prio", incident.id, "Chọn mức ưu tiên mới")
    await button(h, BINH, q, "✓ Cao", "vẫn là “Cao”")
    assert [e.kind for e in await IncidentRepository(h.services.db.reader).events(incident.id)
            ] == [EventKind.REPORTED]
