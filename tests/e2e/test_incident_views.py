"""Issue 11, items 5 and 7: /incidents (the team's open incidents by priority, then age),
/incident SC-… (the report, the closing report, the timeline, the moves open to the viewer),
/myreports (a liaison's agency only), and confidentiality: a liaison never sees another
agency's incident, by typed code or by a replayed button, and is answered as for a code that
does not exist (audited)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.clock import to_epoch
from bot.domain.incidents import EventKind, Incident, IncidentStatus
from bot.services.incidents import ReportDraft
from bot.storage.audit import AuditRepository
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from bot.telegram import callbacks
from bot.telegram.render import TEXT_LIMIT, tg_len
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import agency_ids, join
from tests.e2e.test_escalation import start

A = SUPER_ADMIN
OTHER = 9002  # a liaison of another agency (TT_CNTT)


def answers(agency_id: int, detected: int, **more: Any) -> dict[str, Any]:
    return {"agency": agency_id, "org_address": "1 Trần Phú", "org_phone": "0296 1",
            "org_email": "dv@example.gov.vn", "reporter_name": "Nguyễn Văn A",
            "reporter_phone": "0912345678", "operator": "Đơn vị vận hành",
            "system_name": "Cổng thông tin", "system_level": "3", "category": "ransomware",
            "description": "Máy chủ bị mã hóa", "detected_at": detected, "state": "unhandled",
            "detection_method": "log", "notified": "none", "beyond_capacity": False,
            "support_requested": False, "confidential": False, **more}


async def setup(h: Harness, tmp_path: Path) -> tuple[int, int]:
    """101, 102: CAT's liaisons; 103: a responder; 104: the lead; 9002: TT_CNTT's liaison."""
    await start(h, tmp_path)
    await join(h, OTHER, "liaison TT_CNTT")
    cat, centre = [min(await agency_ids(h, code)) for code in ("CAT", "TT_CNTT")]
    return cat, centre


async def report(h: Harness, user_id: int, agency_id: int, *, ago: timedelta = timedelta(hours=1),
                 files: list[dict[str, str]] | None = None, **more: Any) -> Incident:
    detected = to_epoch(h.clock.now() - ago)
    return await h.services.incidents.submit(
        user_id, ReportDraft(answers(agency_id, detected, **more), files or []))


async def person_id(h: Harness, user_id: int) -> int:
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(user_id)
    assert person is not None
    return person.id


async def name(h: Harness, user_id: int) -> str:
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(user_id)
    assert person is not None
    return person.full_name


async def take(h: Harness, incident: Incident, user_id: int) -> None:
    async with h.services.db.transaction() as conn:
        assert await IncidentRepository(conn).take(incident.id, await person_id(h, user_id),
                                                   h.clock.now())
        await IncidentRepository(conn).add_event(incident.id, h.clock.now(), EventKind.TAKEN,
                                                 await person_id(h, user_id))


async def event(h: Harness, incident: Incident, kind: EventKind, user_id: int | None,
                text: str = "", **fields: Any) -> None:
    """A timeline event by `user_id`, and the incident's columns set as the move would."""
    async with h.services.db.transaction() as conn:
        repo = IncidentRepository(conn)
        who = await person_id(h, user_id) if user_id is not None else None
        details = fields.pop("details", {})
        await repo.add_event(incident.id, h.clock.now(), kind, who, text, details)
        if fields:
            await repo.update(incident.id, h.clock.now(), **fields)


# The team's notices (the report with «Tiếp nhận», the not-taken digests) arrive on their
# own schedule: not part of a command's reply.
NOTICE_HEADS = ("🚨", "⏰")


async def ask(h: Harness, user_id: int, text: str, until: str) -> list[SentMessage]:
    """User sends `text`; every reply up to the one that shows `until` (notices aside)."""
    before = len(h.fake.messages_to(user_id))
    h.fake.send_text(user_id, text)
    await h.fake.wait_for_message(user_id, lambda m: until in (m.plain_text or ""), after=before)
    return [m for m in h.fake.messages_to(user_id)[before:]
            if m.kind == "text" and not (m.plain_text or "").startswith(NOTICE_HEADS)]


async def tap(h: Harness, user_id: int, message: SentMessage, data: str) -> dict[str, Any]:
    """User taps (or replays) `data` on `message`; the answer to the tap."""
    query = h.fake.press_button(user_id, message.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return h.fake.callback_answer(query) or {}


def labels(message: SentMessage) -> list[str]:
    return [str(b.get("text")) for b in message.buttons]


async def refusals(h: Harness, action: str, user_id: int) -> list[str | None]:
    entries = await AuditRepository(h.services.db.reader).entries(action)
    return [e.subject for e in entries if e.actor_user_id == user_id]


async def test_incidents_by_priority_then_age_with_assignee_and_age(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    cat, centre = await setup(h, tmp_path)
    # Cấp 3, ransomware, not handled → cao; taken by 103.
    high = await report(h, 101, cat)
    await take(h, high, 103)
    h.clock.advance(timedelta(minutes=30))
    # Cấp 1, handled, other → thấp; confidential.
    low = await report(h, 101, cat, system_level="1", category="other", state="handled",
                       confidential=True)
    h.clock.advance(timedelta(minutes=30))
    # Cấp 5 → nghiêm trọng (the newest, yet first).
    grave = await report(h, OTHER, centre, system_level="5")
    # Cấp 3, other, not handled → trung bình; detected 4 days ago: reported late.
    medium = await report(h, 101, cat, category="other", ago=timedelta(days=4))
    ended = await report(h, 101, cat, system_level="5")
    await event(h, ended, EventKind.FALSE_ALARM, 104, "Kiểm thử", status=IncidentStatus.CLOSED,
                false_alarm=True)
    assert (high.priority, low.priority, grave.priority, medium.priority) == (
        "cao", "thap", "nghiem_trong", "trung_binh")
    h.clock.advance(timedelta(minutes=5))

    [listing] = await ask(h, 103, "/incidents", "Sự cố đang mở")
    text = listing.plain_text or ""
    lines = text.splitlines()
    assert "Sự cố đang mở: 4" in lines[0]
    codes = [c for line in lines for c in (high.code, low.code, grave.code, medium.code)
             if line.startswith(c)]
    assert codes == [grave.code, high.code, medium.code, low.code], text
    assert ended.code not in text
    [high_line] = [line for line in lines if line.startswith(high.code)]
    assert high_line == (f"{high.code} · Công an tỉnh · Đã tiếp nhận · {await name(h, 103)}"
                         " · 1 giờ 5 phút"), high_line
    [grave_line] = [line for line in lines if line.startswith(grave.code)]
    assert "Trung tâm Công nghệ" in grave_line and "chưa có người tiếp nhận" in grave_line
    assert "5 phút" in grave_line
    [low_line] = [line for line in lines if line.startswith(low.code)]
    assert low_line.endswith("🔒")
    [medium_line] = [line for line in lines if line.startswith(medium.code)]
    assert "báo cáo quá hạn" in medium_line
    # Grouped under the priority's heading, the gravest first.
    headings = [line for line in lines if line.startswith(("🔴", "🟠", "🟡", "🟢"))]
    assert headings == ["🔴 Mức ưu tiên Nghiêm trọng", "🟠 Mức ưu tiên Cao",
                        "🟡 Mức ưu tiên Trung bình", "🟢 Mức ưu tiên Thấp"]
    # One button per incident, to its detail, in the same order.
    assert [b["callback_data"] for b in listing.buttons] == [
        callbacks.incident_action("view", i.id) for i in (grave, high, medium, low)]
    assert tg_len(listing.text or "") < 700  # phone-sized
    # Admins see the same list; a liaison is refused, audited.
    [same] = await ask(h, A, "/incidents", "Sự cố đang mở")
    assert same.plain_text == text
    [refused] = await ask(h, 101, "/incidents", "/incidents")
    assert "dành cho thành viên Đội ứng cứu sự cố và quản trị viên" in (refused.plain_text or "")
    assert "/incidents" in await refusals(h, "access.denied", 101)

    # A tap on the list opens the detail.
    await tap(h, 103, listing, listing.button_data(grave.code))
    await h.fake.wait_for_message(103, lambda m: f"Sự cố {grave.code}" in (m.plain_text or ""))


async def test_a_long_list_pages_in_place(harness: Harness, tmp_path: Path) -> None:
    h = harness
    cat, _ = await setup(h, tmp_path)
    made = [await report(h, 101, cat) for _ in range(12)]
    [listing] = await ask(h, 103, "/incidents", "Sự cố đang mở")
    assert "Sự cố đang mở: 12" in (listing.plain_text or "")
    assert len(listing.buttons) == 11 and "Trang tiếp" in labels(listing)[-1]
    assert "Trang 1/2" in (listing.plain_text or "")
    await tap(h, 103, listing, listing.button_data("Trang tiếp"))
    turned = h.fake.messages_to(103)[-1]
    assert turned.message_id == listing.message_id  # edited in place
    assert made[-1].code in (turned.plain_text or "") and made[0].code not in (
        turned.plain_text or "")
    assert "Trang trước" in labels(turned)[-1] and len(turned.buttons) == 3
    # A liaison replaying the page tap is refused (audited) and sees no list.
    [mine] = await ask(h, 101, "/myreports", "Sự cố của")
    await tap(h, 101, mine, callbacks.IncidentPage("o", 1).encode())
    await h.fake.wait_for_message(
        101, lambda m: "dành cho thành viên Đội ứng cứu sự cố" in (m.plain_text or ""))
    assert "/incidents" in await refusals(h, "access.denied", 101)


async def test_detail_shows_answers_timeline_closing_and_the_viewers_moves(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    cat, _ = await setup(h, tmp_path)
    photo = h.fake._store_file("photo", b"\xff\xd8jpeg", mime_type="image/jpeg")
    log = h.fake._store_file("document", b"log", file_name="log.txt",
                             mime_type="text/plain")
    incident = await report(h, 101, cat, description="Máy chủ <thư> bị mã hóa & khóa",
                            files=[{"file_id": photo.file_id, "kind": "photo", "name": ""},
                                   {"file_id": log.file_id, "kind": "document",
                                    "name": "log.txt"}])
    # Mới: a responder may take it from the detail too; the reporting agency may not.
    [new] = await ask(h, 103, f"/incident {incident.code}", "báo cáo sự cố")
    assert new.button_data("Tiếp nhận") == callbacks.incident_action("take", incident.id)
    [own] = await ask(h, 101, f"/incident {incident.code}", "báo cáo sự cố")
    assert labels(own) == ["Tệp đính kèm (2)", "Báo cáo diễn biến"]
    h.clock.advance(timedelta(minutes=10))
    await take(h, incident, 103)

    # Taken: each viewer sees the moves open to them, and the files button.
    until = "tiếp nhận"
    [assignee] = await ask(h, 103, f"/incident {incident.code}", until)
    assert labels(assignee) == ["Tệp đính kèm (2)", "Bắt đầu xử lý", "Trả lại",
                                "Báo cáo diễn biến", "Đổi mức ưu tiên"]
    assert assignee.button_data("Bắt đầu xử lý") == callbacks.incident_action(
        "start", incident.id)
    [lead] = await ask(h, 104, f"/incident {incident.code}", until)
    assert labels(lead) == ["Tệp đính kèm (2)", "Trả lại", "Giao người khác",
                            "Không phải sự cố", "Đổi mức ưu tiên"]
    [admin] = await ask(h, A, f"/incident {incident.code}", until)
    assert labels(admin) == ["Tệp đính kèm (2)", "Giao người khác", "Không phải sự cố",
                             "Đổi mức ưu tiên"]
    [liaison] = await ask(h, 101, f"/incident {incident.code}", until)
    assert labels(liaison) == ["Tệp đính kèm (2)", "Báo cáo diễn biến"]

    # The path to Đã khắc phục, as the lifecycle writes it.
    h.clock.advance(timedelta(minutes=10))
    await event(h, incident, EventKind.STARTED, 103, status=IncidentStatus.IN_PROGRESS)
    await event(h, incident, EventKind.PROGRESS, 103, "Đã cô lập máy chủ, đang khôi phục",
                details={"files": 1})
    await event(h, incident, EventKind.PRIORITY, 104, details={"from": "cao",
                                                             "to": "nghiem_trong"},
                priority="nghiem_trong", priority_derived=False)
    await event(h, incident, EventKind.RELEASED, 103, "Hết ca trực")
    await event(h, incident, EventKind.REASSIGNED, A,
                details={"assignee_id": await person_id(h, 103)})
    closing = {"what_happened": "Mã độc mã hóa dữ liệu", "cause": "Lộ mật khẩu <quản trị>",
               "damage": "Gián đoạn 2 giờ", "resolution": "Khôi phục từ bản sao lưu"}
    await event(h, incident, EventKind.RESOLVED, 103, status=IncidentStatus.RESOLVED,
                closing=closing, resolved_at=h.clock.now())

    done = "gửi báo cáo kết thúc ứng phó"
    said = await ask(h, 103, f"/incident  sc-2026-{incident.code[-1]}", done)
    text = "\n".join(m.plain_text or "" for m in said)
    for fragment in (
            f"Sự cố {incident.code}", "Trạng thái: Đã khắc phục · Mức ưu tiên: Nghiêm trọng",
            "Đơn vị báo cáo: Công an tỉnh", f"Người báo cáo: {await name(h, 101)}",
            f"Người tiếp nhận: {await name(h, 103)}",
            "Phát hiện lúc 07:00 ngày 23/11/2026; báo cáo lúc 08:00 ngày 23/11/2026",
            "Báo cáo ban đầu", "Mô tả sơ bộ về sự cố: Máy chủ <thư> bị mã hóa & khóa",
            "Phân loại sự cố: Mã hóa phần mềm, dữ liệu, thiết bị",
            "Báo cáo kết thúc ứng phó", "Nguyên nhân: Lộ mật khẩu <quản trị>",
            "Biện pháp đã khắc phục: Khôi phục từ bản sao lưu",
            "Diễn biến",
            f"08:00 23/11 — {await name(h, 101)}: báo cáo sự cố",
            f"08:10 23/11 — {await name(h, 103)}: tiếp nhận",
            f"08:20 23/11 — {await name(h, 103)}: bắt đầu xử lý",
            "báo cáo diễn biến: “Đã cô lập máy chủ, đang khôi phục” (kèm 1 tệp)",
            "đổi mức ưu tiên từ Cao thành Nghiêm trọng",
            "trả lại, lý do: “Hết ca trực”",
            f"giao xử lý cho {await name(h, 103)}",
            "đã khắc phục, gửi báo cáo kết thúc ứng phó"):
        assert fragment in text, (fragment, text)
    assert "Kiến nghị" not in text  # an unanswered closing field is not shown
    assert "Mẫu" not in text and "Thông tư" not in text  # no form number, no citation
    assert labels(said[-1]) == ["Tệp đính kèm (2)", "Mở lại", "Báo cáo diễn biến",
                                "Đổi mức ưu tiên"]

    # «Tệp đính kèm (2)»: the files again, by their ids, to the reporting agency too.
    [liaison] = await ask(h, 102, f"/incident {incident.code}", done)
    before = len(h.fake.messages_to(102))
    await tap(h, 102, liaison, liaison.button_data("Tệp đính kèm"))
    await h.fake.wait_for_message(102, lambda m: m.kind == "document", after=before)
    sent = h.fake.messages_to(102)[before:]
    assert "Tệp đính kèm của sự cố" in (sent[0].plain_text or "")
    assert [m.kind for m in sent[1:]] == ["photo", "document"]
    assert [m.file_id for m in sent[1:]] == [photo.file_id, log.file_id]


async def test_a_liaison_never_sees_another_agencys_incident(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    cat, centre = await setup(h, tmp_path)
    photo = h.fake._store_file("photo", b"\xff\xd8jpeg", mime_type="image/jpeg")
    theirs = await report(h, OTHER, centre, files=[
        {"file_id": photo.file_id, "kind": "photo", "name": ""}])
    ours = await report(h, 101, cat)

    # Typed: answered exactly as a code that does not exist.
    [refused] = await ask(h, 101, f"/incident {theirs.code}", "Không tìm thấy")
    [missing] = await ask(h, 101, "/incident SC-2026-099", "Không tìm thấy")
    assert (refused.plain_text or "").replace(theirs.code, "X") == (
        missing.plain_text or "").replace("SC-2026-099", "X")
    assert await refusals(h, "incident.view_refused", 101) == [theirs.code]

    # Replayed buttons (on a message the liaison did get): the same as a forged id.
    [own] = await ask(h, 101, f"/incident {ours.code}", "Diễn biến")
    before = len(h.fake.messages_to(101))
    for data in (callbacks.incident_action("view", theirs.id),
                 callbacks.incident_action("files", theirs.id),
                 callbacks.incident_action("view", 99_999)):
        sent = len(h.fake.messages_to(101))
        await tap(h, 101, own, data)
        await h.fake.wait_for_message(101, lambda m: "Không tìm thấy" in (m.plain_text or ""),
                                      after=sent)
    replies = h.fake.messages_to(101)[before:]
    assert [m.plain_text for m in replies] == ["❌ Không tìm thấy sự cố này."] * 3
    assert all(m.kind == "text" for m in replies)  # no file went out
    assert len(await refusals(h, "incident.view_refused", 101)) >= 2

    # Its own liaison, the team and the admins see it.
    for user_id in (OTHER, 103, A):
        said = await ask(h, user_id, f"/incident {theirs.code}", "Diễn biến")
        assert f"Sự cố {theirs.code}" in (said[0].plain_text or "")


async def test_a_confidential_incident_stays_with_its_agency_the_team_and_admins(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    cat, _ = await setup(h, tmp_path)
    secret = await report(h, 101, cat, confidential=True)
    for user_id in (101, 102, 103, 104, A):
        [said] = await ask(h, user_id, f"/incident {secret.code}", "Diễn biến")
        text = said.plain_text or ""
        assert f"Sự cố {secret.code} 🔒" in text
        assert "Giữ bí mật: chỉ đơn vị báo cáo, Đội ứng cứu sự cố và quản trị viên" in text
    [refused] = await ask(h, OTHER, f"/incident {secret.code}", "Không tìm thấy")
    assert "Máy chủ" not in (refused.plain_text or "")
    assert await refusals(h, "incident.view_refused", OTHER) == [secret.code]
    [theirs] = await ask(h, OTHER, "/myreports", "Trung tâm Công nghệ")
    assert secret.code not in (theirs.plain_text or "")


async def test_myreports_shows_only_the_liaisons_agency(harness: Harness, tmp_path: Path) -> None:
    h = harness
    cat, centre = await setup(h, tmp_path)
    first = await report(h, 101, cat)
    h.clock.advance(timedelta(hours=2))
    theirs = await report(h, OTHER, centre)
    second = await report(h, 102, cat)  # the backup liaison reports for the same agency
    await take(h, first, 103)

    [mine] = await ask(h, 101, "/myreports", "Sự cố của")
    text = mine.plain_text or ""
    assert "Sự cố của Công an tỉnh: 2" in text
    lines = [line for line in text.splitlines() if line.startswith("SC-")]
    assert lines == [f"{second.code} · Mới · báo cáo lúc 10:00 23/11",
                     f"{first.code} · Đã tiếp nhận · báo cáo lúc 08:00 23/11"]
    assert theirs.code not in text
    assert [b["callback_data"] for b in mine.buttons] == [
        callbacks.incident_action("view", i.id) for i in (second, first)]
    await tap(h, 101, mine, mine.button_data(first.code))
    await h.fake.wait_for_message(101, lambda m: f"Sự cố {first.code}" in (m.plain_text or ""))

    # Responders use /incidents: /myreports refuses them (audited); nothing yet → said so.
    [refused] = await ask(h, 103, "/myreports", "/myreports")
    assert "dành cho cán bộ đầu mối" in (refused.plain_text or "")
    assert "/myreports" in await refusals(h, "access.denied", 103)


async def test_a_long_report_and_timeline_split_into_messages_never_cut(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    cat, _ = await setup(h, tmp_path)
    description = " ".join(f"đoạn{k}" for k in range(300))[:2000]
    incident = await report(h, 101, cat, description=description,
                            **{k: "x" * 300 for k in ("os", "services", "protections")})
    await take(h, incident, 103)
    reports = [f"Báo cáo {k}: " + " ".join(f"bước{k}.{j}" for j in range(700))
               for k in range(4)]  # each longer than a message
    for text in reports:
        await event(h, incident, EventKind.PROGRESS, 103, text)
    await event(h, incident, EventKind.RELEASED, 103, "Lý do cuối <cùng>")

    said = await ask(h, 103, f"/incident {incident.code}", "Lý do cuối")
    assert len(said) >= 5
    assert all(tg_len(m.text or "") <= TEXT_LIMIT for m in said)
    shown = " ".join(m.plain_text or "" for m in said)
    for text in reports:
        for word in text.split():
            assert word in shown, word
    assert description in shown
    assert "Lý do cuối <cùng>" in shown
    assert said[-1].buttons and not any(m.buttons for m in said[:-1])


async def test_incident_command_reads_the_code_as_typed(harness: Harness, tmp_path: Path) -> None:
    h = harness
    cat, _ = await setup(h, tmp_path)
    incident = await report(h, 101, cat)
    [usage] = await ask(h, 103, "/incident", "/incident SC-2026-007")
    assert "Đề nghị ghi mã sự cố" in (usage.plain_text or "")
    for typed in ("sc-2026-1", "SC – 2026 – 001", "ＳＣ-２０２６-１"):
        [said] = await ask(h, 103, f"/incident {typed}", "Diễn biến")
        assert f"Sự cố {incident.code}" in (said.plain_text or ""), typed
    [bad] = await ask(h, 103, "/incident 2026/1", "Không tìm thấy")
    assert "“2026/1”" in (bad.plain_text or "")


async def test_help_and_menus_name_the_views_for_their_roles(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await setup(h, tmp_path)
    responder = (await h.say(103, "/help")).plain_text or ""
    assert "/incidents" in responder and "/incident " in responder
    assert "/myreports" not in responder
    liaison = (await h.say(101, "/help")).plain_text or ""
    assert "/myreports" in liaison and "/incidents" not in liaison
    menu = await h.fake.wait_for_call(
        "setMyCommands", lambda c: c.params.get("scope", {}).get("chat_id") == 103)
    assert {"incidents", "incident"} <= {c["command"] for c in menu.params["commands"]}
