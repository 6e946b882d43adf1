"""The escalation of an incident is on its timeline: each round of urging («Đôn đốc»), who
was told, shown in /incident — the first notice to the on-duty responder is not a round."""

from __future__ import annotations

from pathlib import Path

from bot.domain.incidents import EventKind
from bot.storage.incidents import IncidentRepository
from tests.e2e.conftest import Harness
from tests.e2e.test_incident_taking import LEAD, ON_DUTY, M, report, start, step, tap, texts


async def test_each_round_of_urging_is_on_the_timeline_and_in_the_detail(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)  # trung bình: on duty + lead at 10 min, admins at 20 and 30
    repo = IncidentRepository(h.services.db.reader)
    assert [e.kind for e in await repo.events(incident.id)] == [EventKind.REPORTED]

    await step(h, 10 * M)
    await step(h, 20 * M)
    escalated = [e for e in await repo.events(incident.id) if e.kind is EventKind.ESCALATED]
    assert [(e.details["round"], e.details["total"]) for e in escalated] == [(1, 3), (2, 3)]
    assert escalated[0].details["targets"] == ["on_duty", "team_lead"]
    assert escalated[1].details["targets"] == ["admins"]
    assert all(e.person_id is None for e in escalated)  # the bot did it

    before = len(h.fake.messages_to(LEAD))
    h.fake.send_text(LEAD, f"/incident {incident.code}")
    await h.fake.wait_for_message(LEAD, lambda m: "Diễn biến" in (m.plain_text or ""),
                                  after=before)
    shown = "\n".join(m.plain_text or "" for m in h.fake.messages_to(LEAD)[before:])
    assert "đôn đốc (lần 1/3): cán bộ đang trực, Đội trưởng" in shown, shown
    assert "đôn đốc (lần 2/3): quản trị viên" in shown, shown
    assert texts(h, LEAD, "Đôn đốc (lần 1/3)")


async def test_a_no_progress_reminder_is_on_the_timeline_too(
    harness: Harness, tmp_path: Path,
) -> None:
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu")
    await tap(h, ON_DUTY, notice, f"inc:take:{incident.id}")
    await step(h, 4 * 60 * M)
    [reminded] = [e for e in await IncidentRepository(h.services.db.reader).events(incident.id)
                  if e.kind is EventKind.ESCALATED]
    assert reminded.details["kind"] == "incident_no_progress"
    assert reminded.details["targets"] == ["assignee"]
    before = len(h.fake.messages_to(ON_DUTY))
    h.fake.send_text(ON_DUTY, f"/incident {incident.code}")
    await h.fake.wait_for_message(ON_DUTY, lambda m: "Diễn biến" in (m.plain_text or ""),
                                  after=before)
    shown = "\n".join(m.plain_text or "" for m in h.fake.messages_to(ON_DUTY)[before:])
    assert "nhắc: chưa có diễn biến mới (người tiếp nhận sự cố)" in shown, shown
