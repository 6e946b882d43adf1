"""/person off meets what is under way (issue 13, review r4): a responder deactivated while
an incident waits for them is treated as one who blocked the bot — whoever stands behind
them hears of it at once, not hours later or never."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.errors import InvalidInput
from bot.storage.people import PeopleRepository
from bot.telegram.management_view import preview_text
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_adversarial_incidents_2 import SHIPPED_LIKE
from tests.e2e.test_directives import FAST
from tests.e2e.test_incident_taking import LEAD, ON_DUTY, report, start, step, tap, texts

H = timedelta(hours=1)


async def off(h: Harness, user: int) -> None:
    """The super-admin deactivates `user` (by #id, previewed, confirmed)."""
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(user)
    assert person is not None
    m = h.services.management
    preview = await m.preview_person_off(SUPER_ADMIN, f"#{person.id}")
    await m.confirm(SUPER_ADMIN, preview.nonce)
    await h.services.sender.drained()


async def test_the_only_on_duty_responder_deactivated_the_lead_hears_of_the_untaken_incident(
        harness: Harness, tmp_path: Path) -> None:
    """The report went to the only responder on duty; they are deactivated before taking it.
    The lead is told at once (as for a responder who blocked the bot), with «Tiếp nhận» —
    not at the policy's next step, two hours later."""
    h = harness
    path = tmp_path / "policy.yaml"
    path.write_text(SHIPPED_LIKE, encoding="utf-8")
    await start(h, tmp_path)
    await h.stop()
    await h.start(policy_file=path, **FAST)
    incident, _ = await report(h)
    assert texts(h, ON_DUTY, incident.code)
    assert texts(h, LEAD, incident.code) == []
    await off(h, ON_DUTY)
    told = texts(h, LEAD, incident.code)
    assert len(told) == 1, "the lead is told at once that nobody on duty has the report"
    assert told[0].button_data("Tiếp nhận")


async def test_the_assignee_deactivated_the_no_progress_reminder_reaches_the_lead(
        harness: Harness, tmp_path: Path) -> None:
    """The responder who took an incident leaves; its first no-progress reminder (the
    assignee's alone) reached nobody. It goes to the lead instead, who can reassign."""
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu")
    await tap(h, ON_DUTY, notice, f"inc:take:{incident.id}")
    await off(h, ON_DUTY)
    before = len(texts(h, LEAD, "cập nhật diễn biến"))
    await step(h, 4 * H)  # the first interval after taking: the assignee's reminder
    assert len(texts(h, LEAD, "cập nhật diễn biến")) == before + 1, (
        "the reminder of a deactivated assignee reaches the lead")
    # ... saying the assignee has left, so the lead knows to reassign rather than call them.
    told = texts(h, LEAD, "cập nhật diễn biến")[-1].plain_text or ""
    assert "đã ngừng hoạt động" in told and "giao sự cố cho người khác" in told, told
    assert "Đề nghị gửi báo cáo diễn biến" not in told, told  # not asked of the lead


async def test_the_preview_names_the_open_incidents_the_person_was_given(
        harness: Harness, tmp_path: Path) -> None:
    """An admin about to deactivate a responder sees which incidents they still hold (to
    reassign), and a take after the preview stops «Xác nhận» until a fresh one shows it."""
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(ON_DUTY)
    assert person is not None
    m = h.services.management
    before = await m.preview_person_off(SUPER_ADMIN, f"#{person.id}")
    assert before.facts["assigned"] == []
    [notice] = texts(h, ON_DUTY, "Báo cáo ban đầu")
    await tap(h, ON_DUTY, notice, f"inc:take:{incident.id}")
    after = await m.preview_person_off(SUPER_ADMIN, f"#{person.id}")
    assert after.facts["assigned"] == [incident.code]
    shown = preview_text(after)
    assert incident.code in shown and "giao lại" in shown, shown
    # The first preview showed no incident: its «Xác nhận» applies nothing.
    with pytest.raises(InvalidInput):
        await m.confirm(SUPER_ADMIN, before.nonce)
    still = await PeopleRepository(h.services.db.reader).get(person.id)
    assert still.active
