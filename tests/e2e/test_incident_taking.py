"""An incident from «Gửi» to «Tiếp nhận», end to end through the fake Telegram: the on-duty
responder gets the report with its attachments, the first «Tiếp nhận» wins and every copy
says who, the reporter is told, forged taps are refused and audited; nobody takes it → the
policy climbs at its times; a new priority re-plans; no progress → the assignee is reminded.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.clock import to_epoch
from bot.domain.escalation import Severity
from bot.domain.incidents import EventKind, Incident, IncidentStatus
from bot.services.incident_escalations import NO_PROGRESS, UNTAKEN
from bot.services.incidents import ReportDraft
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.escalations import EscalationRepository, EscalationRow
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from config.policy import load_policy
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import FAST, join
from tests.e2e.test_escalation import set_rotation
from tests.e2e.test_onboarding import import_province

M = timedelta(minutes=1)
LIAISON, OTHER, ON_DUTY, LEAD = 101, 102, 103, 104

# Minutes, so that a test can watch every step; the other priorities as shipped.
POLICY = """
skip_steps_due_within: 0
directives:
  hoa_toc: {ack_within: 30m}
  thuong_khan: {ack_within: 2h}
  khan: {ack_within: 4h}
  thuong: {ack_within: 8h}
incidents:
  thap: {take_within: 8h}
  trung_binh:
    take_within: 10m
    steps:
      - {at: 0, notify: [on_duty, team_lead]}
      - {at: +10m, notify: [admins], repeat_every: 10m, max_repeats: 1}
  cao:
    take_within: 30m
    steps:
      - {at: 0, notify: [on_duty, team_lead]}
  nghiem_trong:
    take_within: 4m
    steps:
      - {at: 0, notify: [responders]}
      - {at: +4m, notify: [team_lead, admins], repeat_every: 4m, max_repeats: 2}
"""


async def start(h: Harness, tmp_path: Path) -> None:
    """101: CAT's liaison; 102, 103: responders (103 on duty); 104: the team lead."""
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    await h.start(policy_file=path, **FAST)
    await import_province(h)
    await join(h, LIAISON, "liaison CAT")
    await join(h, OTHER, "responder")
    await join(h, ON_DUTY, "responder")
    await join(h, LEAD, "responder lead")
    async with h.services.db.transaction() as conn:
        for user, phone in [(LIAISON, "0912345678"), (OTHER, "0913000102"),
                            (ON_DUTY, "0913000103"), (LEAD, "0913000104")]:
            await conn.execute("UPDATE people SET phone = ? WHERE telegram_user_id = ?",
                               (phone, user))
    await set_rotation(h, ON_DUTY)


def answers(agency_id: int, detected: int, **more: Any) -> dict[str, Any]:
    """A full report: Cấp 3, malware, not handled → trung bình."""
    return {"agency": agency_id, "org_address": "1 Trần Phú", "org_phone": "0296 1",
            "org_email": "cat@example.gov.vn", "reporter_name": "Lan Nguyễn",
            "reporter_phone": "0912345678", "operator": "Công an tỉnh",
            "system_name": "Cổng thông tin điện tử", "system_level": "3", "category": "malware",
            "description": "Máy chủ web gửi thư rác <script>", "detected_at": detected,
            "state": "unhandled", "detection_method": "log", "notified": "none",
            "beyond_capacity": False, "support_requested": False, "confidential": False,
            **more}


async def report(h: Harness, files: int = 0, **more: Any) -> tuple[Incident, list[str]]:
    """CAT's liaison reports (with `files` attachments: a photo, then documents); the
    scenario's clock starts."""
    agency = await AgencyRepository(h.services.db.reader).by_code("CAT")
    stored = [h.fake._store_file("photo", b"\xff\xd8photo", mime_type="image/jpeg")]
    stored += [h.fake._store_file("document", b"log line", file_name=f"log{i}.txt",
                                  mime_type="text/plain") for i in range(1, files)]
    sent = [{"file_id": f.file_id, "kind": "photo" if i == 0 else "document",
             "name": f.file_name or "", "unique_id": f.file_unique_id}
            for i, f in enumerate(stored[:files])]
    h.t0 = h.clock.now()
    detected = to_epoch(h.clock.now() - timedelta(hours=1))
    incident = await h.services.incidents.submit(
        LIAISON, ReportDraft(answers(agency.id, detected, **more), sent))
    await h.services.sender.drained()
    return incident, [f["file_id"] for f in sent]


async def step(h: Harness, to: timedelta) -> None:
    """The fake clock to `to` after the report; whatever is due runs; the outbox drains."""
    assert h.t0 is not None
    h.clock.set(h.t0 + to)
    await h.services.escalation.run_due()
    await h.services.sender.drained()


def texts(h: Harness, user: int, fragment: str) -> list[SentMessage]:
    return [m for m in h.fake.messages_to(user) if fragment in (m.plain_text or "")]


async def tap(h: Harness, user: int, message: SentMessage, data: str) -> str:
    """`user` taps a button with `data` on `message` (theirs); the answer's text."""
    query = h.fake.press_button(user, message.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    await h.services.sender.drained()
    return str((h.fake.callback_answer(query) or {}).get("text", ""))


async def person_id(h: Harness, user: int) -> int:
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(user)
    assert person is not None
    return person.id


async def row(h: Harness, kind: str, incident: Incident) -> EscalationRow:
    [found] = await EscalationRepository(h.services.db.reader).of_subject(kind, incident.id)
    return found


async def audit(h: Harness, action: str) -> list[Any]:
    return await AuditRepository(h.services.db.reader).entries(action)


async def test_on_duty_responder_gets_the_report_with_take_and_both_files_first_take_wins(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    incident, file_ids = await report(h, files=2)
    assert (incident.code, incident.priority) == ("SC-2026-001", Severity.TRUNG_BINH)

    # The on-duty responder: the report, «Tiếp nhận», then the two attachments by file_id.
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu sự cố SC-2026-001")
    text = notice.plain_text or ""
    for shown in ("Mức ưu tiên: Trung bình", "Đơn vị báo cáo: Công an tỉnh",
                  "Người báo cáo: Lan Nguyễn (0912 345 678)", "Cổng thông tin điện tử",
                  "Máy chủ web gửi thư rác <script>", "Tấn công sử dụng mã độc",
                  "2 tệp đính kèm"):
        assert shown in text, shown
    assert "&lt;script&gt;" in (notice.text or "")  # what people typed is escaped
    assert "🔒" not in text and "sau thời hạn" not in text
    assert [b["text"] for b in notice.buttons] == ["Tiếp nhận"]
    assert notice.button_data("Tiếp nhận") == f"inc:take:{incident.id}"
    after = [m for m in h.fake.messages_to(ON_DUTY) if m.message_id > notice.message_id]
    assert [(m.kind, m.file_id) for m in after] == [("photo", file_ids[0]),
                                                    ("document", file_ids[1])]
    assert "SC-2026-001 — tệp 2/2 — log1.txt" in (after[1].caption or "")
    # Not on duty, and trung bình without support asked: nobody else yet.
    for user in (OTHER, LEAD, SUPER_ADMIN, LIAISON):
        assert texts(h, user, "SC-2026-001") == []
    untaken = await row(h, UNTAKEN, incident)
    assert untaken.status == "active" and untaken.deadline_at == h.t0 + 10 * M
    policy = load_policy(tmp_path / "policy.yaml")
    assert untaken.steps == policy.incidents[Severity.TRUNG_BINH].snapshot()

    # Nobody takes it in the window: the on-duty responder and the lead, each with the button.
    await step(h, 10 * M)
    [lead_digest] = texts(h, LEAD, "Đôn đốc (lần 1/3)")
    [duty_digest] = texts(h, ON_DUTY, "Đôn đốc (lần 1/3)")
    assert "chưa có ai tiếp nhận" in (lead_digest.plain_text or "")
    assert "Lan Nguyễn (0912 345 678)" in (lead_digest.plain_text or "")  # whom to call
    assert [b["text"] for b in lead_digest.buttons] == ["Tiếp nhận"]

    # The lead takes it from the digest; the tapper's answer says it is theirs.
    h.clock.advance(seconds=30)
    answer = await tap(h, LEAD, lead_digest, f"inc:take:{incident.id}")
    assert "Anh/Chị tiếp nhận sự cố SC-2026-001" in answer
    taken_at = h.clock.now()
    stored = await IncidentRepository(h.services.db.reader).get(incident.id)
    assert stored.status is IncidentStatus.TAKEN and stored.assignee_id == await person_id(h, LEAD)
    assert stored.taken_at == taken_at
    events = await IncidentRepository(h.services.db.reader).events(incident.id)
    assert [(e.kind, e.person_id) for e in events][-1] == (EventKind.TAKEN,
                                                           await person_id(h, LEAD))
    assert len(await audit(h, "incident.taken")) == 1
    assert (await row(h, UNTAKEN, incident)).status == "stopped"
    stale = await row(h, NO_PROGRESS, incident)
    assert stale.status == "active" and stale.deadline_at == taken_at + timedelta(hours=4)

    # Every kept copy (the report, both digests) says who took it, without the button.
    for user, message in [(ON_DUTY, notice), (ON_DUTY, duty_digest), (LEAD, lead_digest)]:
        edited = await h.fake.wait_for_message(
            user, lambda m, i=message.message_id: m.message_id == i
            and "Đã được Khách Nguyễn tiếp nhận lúc" in (m.plain_text or ""))
        # «Tiếp nhận» gone; the way on to the detail (and its moves) stays.
        assert [b["text"] for b in edited.buttons] == ["Xem chi tiết"]
        assert edited.button_data("Xem chi tiết") == f"inc:view:{incident.id}"
    assert "Máy chủ web gửi thư rác" in (
        next(m for m in h.fake.messages_to(ON_DUTY) if m.message_id == notice.message_id)
        .plain_text or "")  # the report is still the report

    # The reporter is told, with the responder's phone.
    [told] = texts(h, LIAISON, "Sự cố SC-2026-001 đã được tiếp nhận")
    assert "Khách Nguyễn (0913 000 104)" in (told.plain_text or "")

    # The on-duty responder's later tap on the report changes nothing and says who.
    answer = await tap(h, ON_DUTY, notice, f"inc:take:{incident.id}")
    assert "đã được Khách Nguyễn tiếp nhận lúc" in answer
    again = await IncidentRepository(h.services.db.reader).get(incident.id)
    assert again.assignee_id == await person_id(h, LEAD) and again.taken_at == taken_at
    assert len(await audit(h, "incident.taken")) == 1
    assert len(texts(h, LIAISON, "đã được tiếp nhận")) == 1

    # The admins' step never comes: the escalation stopped at the take.
    await step(h, 20 * M)
    assert texts(h, SUPER_ADMIN, "SC-2026-001") == []


async def test_liaison_replaying_take_or_a_made_up_id_is_refused_and_audited(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)
    data = f"inc:take:{incident.id}"
    [mine] = [m for m in h.fake.messages_to(LIAISON)][-1:]  # any message of the liaison's chat
    answer = await tap(h, LIAISON, mine, data)
    assert "Chỉ thành viên Đội ứng cứu sự cố được tiếp nhận sự cố" in answer
    refused = await audit(h, "incident.take_refused")
    assert [(e.actor_user_id, e.subject) for e in refused] == [(LIAISON, "SC-2026-001")]
    # A made-up incident: refused too, nothing changes.
    answer = await tap(h, LIAISON, mine, "inc:take:999")
    assert "Không tìm thấy" in answer
    # One audit row per person and window: forged data can vary without end (RefusalLog).
    assert len(await audit(h, "incident.take_refused")) == 1
    stored = await IncidentRepository(h.services.db.reader).get(incident.id)
    assert stored.status is IncidentStatus.REPORTED and stored.assignee_id is None
    assert (await row(h, UNTAKEN, incident)).status == "active"
    assert texts(h, LIAISON, "đã được tiếp nhận") == []


async def test_nobody_takes_it_the_policy_climbs_to_the_lead_then_the_admins(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)
    assert len(texts(h, ON_DUTY, "Báo cáo ban đầu")) == 1

    await step(h, 10 * M - timedelta(seconds=1))
    assert texts(h, LEAD, "SC-2026-001") == [] and texts(h, ON_DUTY, "Đôn đốc") == []
    await step(h, 10 * M)  # the window: the on-duty responder and the lead
    assert len(texts(h, ON_DUTY, "Đôn đốc (lần 1/3) tiếp nhận sự cố SC-2026-001")) == 1
    assert len(texts(h, LEAD, "Đôn đốc (lần 1/3) tiếp nhận sự cố SC-2026-001")) == 1
    assert texts(h, SUPER_ADMIN, "SC-2026-001") == [] and texts(h, OTHER, "SC-2026-001") == []

    await step(h, 20 * M - timedelta(seconds=1))
    assert texts(h, SUPER_ADMIN, "SC-2026-001") == []
    await step(h, 20 * M)  # ten minutes after the window: the admins, without the button
    [admin] = texts(h, SUPER_ADMIN, "Đôn đốc (lần 2/3) tiếp nhận sự cố SC-2026-001")
    assert "20 phút trước" in (admin.plain_text or "")
    assert [b["text"] for b in admin.buttons] == ["Xem chi tiết"]  # not «Tiếp nhận»
    assert len(texts(h, LEAD, "Đôn đốc")) == 1  # the lead's step does not repeat
    await step(h, 30 * M)
    assert len(texts(h, SUPER_ADMIN, "Đôn đốc (lần 3/3)")) == 1
    await step(h, 60 * M)  # every step done: nothing more
    assert len(texts(h, SUPER_ADMIN, "Đôn đốc")) == 2
    assert (await row(h, UNTAKEN, incident)).status == "finished"

    # Taken after its last step, then released: chased again, from the release.
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu")
    await tap(h, ON_DUTY, notice, f"inc:take:{incident.id}")
    assert (await row(h, UNTAKEN, incident)).status == "stopped"
    h.clock.set(h.t0 + 90 * M)
    await release(h, incident)
    again = await row(h, UNTAKEN, incident)
    assert again.status == "active" and again.next_due_at == h.t0 + 100 * M
    await step(h, 100 * M)
    assert len(texts(h, LEAD, "Đôn đốc (lần 1/3) tiếp nhận sự cố SC-2026-001")) == 2


async def test_high_priority_report_goes_to_the_admins_too_without_the_button(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    await report(h, category="ransomware", confidential=True)  # Cấp 3, grave → cao
    [duty] = texts(h, ON_DUTY, "Báo cáo ban đầu sự cố SC-2026-001")
    [admin] = texts(h, SUPER_ADMIN, "Báo cáo ban đầu sự cố SC-2026-001")
    assert "Mức ưu tiên: Cao" in (admin.plain_text or "") and "🔒" in (admin.plain_text or "")
    assert [b["text"] for b in duty.buttons] == ["Tiếp nhận"]
    assert [b["text"] for b in admin.buttons] == ["Xem chi tiết"]  # not «Tiếp nhận»
    assert texts(h, LEAD, "SC-2026-001") == []


async def test_a_new_priority_replans_the_not_taken_steps_from_the_report_time(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu")
    # A liaison may not: refused, audited, nothing changes.
    refused = await h.services.incidents.change_priority(LIAISON, incident.id,
                                                         Severity.NGHIEM_TRONG)
    assert refused.status == "refused"
    assert len(await audit(h, "incident.priority_refused")) == 1
    assert (await row(h, UNTAKEN, incident)).deadline_at == h.t0 + 10 * M

    h.clock.set(h.t0 + 5 * M)
    result = await h.services.incidents.change_priority(OTHER, incident.id,
                                                        Severity.NGHIEM_TRONG)
    assert result.status == "changed" and result.before is Severity.TRUNG_BINH
    stored = await IncidentRepository(h.services.db.reader).get(incident.id)
    assert stored.priority is Severity.NGHIEM_TRONG and not stored.priority_derived
    [event] = [e for e in await IncidentRepository(h.services.db.reader).events(incident.id)
               if e.kind is EventKind.PRIORITY]
    assert event.details == {"from": "trung_binh", "to": "nghiem_trong"}
    assert len(await audit(h, "incident.priority")) == 1
    # nghiêm trọng: 4 minutes from the report; its step at the window (4 min) is past,
    # skipped; the lead and admins at 8, 12, 16 minutes.
    replanned = await row(h, UNTAKEN, incident)
    policy = load_policy(tmp_path / "policy.yaml")
    assert replanned.steps == policy.incidents[Severity.NGHIEM_TRONG].snapshot()
    assert replanned.deadline_at == h.t0 + 4 * M and replanned.done == (1, 0)
    assert replanned.next_due_at == h.t0 + 8 * M
    # The copies already sent are drawn again with the new priority.
    await h.services.sender.drained()
    await h.fake.wait_for_message(ON_DUTY, lambda m: m.message_id == notice.message_id
                                  and "Mức ưu tiên: Nghiêm trọng" in (m.plain_text or ""))

    await step(h, 8 * M - timedelta(seconds=1))
    assert texts(h, LEAD, "Đôn đốc") == [] and texts(h, SUPER_ADMIN, "Đôn đốc") == []
    await step(h, 8 * M)
    for user in (LEAD, SUPER_ADMIN):
        [digest] = texts(h, user, "tiếp nhận sự cố SC-2026-001")
        assert "Mức ưu tiên: Nghiêm trọng" in (digest.plain_text or "")
    assert texts(h, ON_DUTY, "Đôn đốc") == []  # the skipped "all responders" step never fires
    assert texts(h, OTHER, "Đôn đốc") == []
    await step(h, 10 * M)  # the old policy's window: nothing any more
    assert len(texts(h, LEAD, "Đôn đốc")) == 1


async def test_no_progress_reminds_the_assignee_then_the_lead_and_progress_moves_it(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu")
    await tap(h, ON_DUTY, notice, f"inc:take:{incident.id}")
    H = timedelta(hours=1)

    await step(h, 4 * H - timedelta(seconds=1))
    assert texts(h, ON_DUTY, "cập nhật diễn biến") == []
    await step(h, 4 * H)  # the interval after taking: the assignee only, «Xem chi tiết»
    [reminder] = texts(h, ON_DUTY, "cập nhật diễn biến sự cố SC-2026-001")
    assert "Người tiếp nhận: Hùng Nguyễn (0913 000 103)" in (reminder.plain_text or "")
    assert "chưa có báo cáo diễn biến từ" in (reminder.plain_text or "")
    assert [b["text"] for b in reminder.buttons] == ["Xem chi tiết"]
    assert reminder.button_data("Xem chi tiết") == f"inc:view:{incident.id}"
    assert texts(h, LEAD, "cập nhật diễn biến") == []
    await step(h, 8 * H)  # the second interval: the assignee again, and the lead
    assert len(texts(h, ON_DUTY, "cập nhật diễn biến")) == 2
    [lead] = texts(h, LEAD, "cập nhật diễn biến sự cố SC-2026-001")
    assert "(0913 000 103)" in (lead.plain_text or "")  # whom the lead calls

    # A progress report (the lifecycle part records it, then calls replan): moved.
    h.clock.set(h.t0 + 9 * H)
    async with h.services.db.transaction() as conn:
        repo = IncidentRepository(conn)
        await repo.update(incident.id, h.clock.now(), last_progress_at=h.clock.now())
        await h.services.incidents.replan(conn, await repo.get(incident.id), h.clock.now())
    h.services.incidents.after_commit()
    moved = await row(h, NO_PROGRESS, incident)
    assert moved.deadline_at == h.t0 + 13 * H and moved.status == "active"
    await step(h, 12 * H)  # the old plan's third reminder: not any more
    assert len(texts(h, ON_DUTY, "cập nhật diễn biến")) == 2
    await step(h, 13 * H)
    assert len(texts(h, ON_DUTY, "cập nhật diễn biến")) == 3
    assert len(texts(h, LEAD, "cập nhật diễn biến")) == 1

    # Resolved: both escalations stop.
    async with h.services.db.transaction() as conn:
        repo = IncidentRepository(conn)
        await repo.update(incident.id, h.clock.now(), status=IncidentStatus.RESOLVED)
        await h.services.incidents.replan(conn, await repo.get(incident.id), h.clock.now())
    assert (await row(h, NO_PROGRESS, incident)).status == "stopped"
    await step(h, 30 * H)
    assert len(texts(h, ON_DUTY, "cập nhật diễn biến")) == 3


async def release(h: Harness, incident: Incident) -> None:
    """The lifecycle part's «release» as far as this part cares: Mới again, then replan
    (which draws the copies again), then `after_commit`."""
    async with h.services.db.transaction() as conn:
        repo = IncidentRepository(conn)
        await repo.update(incident.id, h.clock.now(), status=IncidentStatus.REPORTED,
                          assignee_id=None, taken_at=None)
        await h.services.incidents.replan(conn, await repo.get(incident.id), h.clock.now())
    h.services.incidents.after_commit()


async def test_call_logged_by_a_responder_names_the_caller_and_who_logged_it(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    agency = await AgencyRepository(h.services.db.reader).by_code("CAT")
    h.t0 = h.clock.now()
    detected = to_epoch(h.clock.now() - timedelta(days=4))  # later than the 3 days
    incident = await h.services.incidents.submit(OTHER, ReportDraft(answers(
        agency.id, detected, reporter_name="Trần Văn Gọi", reporter_phone="0909123456")))
    await h.services.sender.drained()
    assert incident.via == "phone" and incident.late
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu sự cố SC-2026-001")
    text = notice.plain_text or ""
    assert ("Người báo cáo: Trần Văn Gọi (0909 123 456) — qua điện thoại, do Minh Nguyễn "
            "ghi nhận") in text
    assert "Báo cáo sau thời hạn 3 ngày kể từ khi phát hiện." in text
    # Taken: who logged it is told (the caller is not on the bot).
    await tap(h, ON_DUTY, notice, f"inc:take:{incident.id}")
    [told] = texts(h, OTHER, "Sự cố SC-2026-001 đã được tiếp nhận")
    assert "Hùng Nguyễn (0913 000 103)" in (told.plain_text or "")


async def test_released_incident_is_chased_again_from_now(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu")
    await tap(h, ON_DUTY, notice, f"inc:take:{incident.id}")
    await h.fake.wait_for_message(ON_DUTY, lambda m: m.message_id == notice.message_id
                                  and "Tiếp nhận" not in [b["text"] for b in m.buttons])
    # Released an hour later (the lifecycle part's move, simulated): Mới again.
    h.clock.set(h.t0 + 60 * M)
    await release(h, incident)
    before = await row(h, UNTAKEN, incident)
    assert before.status == "active" and before.deadline_at == h.t0 + 70 * M
    assert before.next_due_at == h.t0 + 70 * M and before.done == (0, 0)
    assert (await row(h, NO_PROGRESS, incident)).status == "stopped"
    # The report's copy offers «Tiếp nhận» again.
    await h.services.sender.drained()
    await h.fake.wait_for_message(ON_DUTY, lambda m: m.message_id == notice.message_id
                                  and [b["text"] for b in m.buttons] == ["Tiếp nhận"])
    await step(h, 70 * M)
    assert len(texts(h, LEAD, "Đôn đốc (lần 1/3) tiếp nhận sự cố SC-2026-001")) == 1



async def test_every_liaison_of_the_reporting_agency_is_told_of_the_take(
    harness: Harness, tmp_path: Path,
) -> None:
    """An agency reports, not a person: its backup liaison learns who took it too (as of every
    later change), and the responder who took it is not told of their own take."""
    h = harness
    await start(h, tmp_path)
    h.fake.add_user(105, "Hà", "Trần")
    await join(h, 105, "liaison CAT du_phong")
    incident, _ = await report(h)
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu sự cố SC-2026-001")
    await tap(h, ON_DUTY, notice, f"inc:take:{incident.id}")
    await h.services.sender.drained()
    for liaison in (LIAISON, 105):
        [told] = texts(h, liaison, "Sự cố SC-2026-001 đã được tiếp nhận")
        assert "0913 000 103" in (told.plain_text or "")
    assert texts(h, ON_DUTY, "Sự cố SC-2026-001 đã được tiếp nhận") == []
