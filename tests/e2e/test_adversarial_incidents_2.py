"""Failure paths of incidents, round 2: what changes under a report while it is written,
faults of Telegram, long and marked-up answers — end to end through the fake Telegram."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_report_conversation import (
    LIAISON,
    _drafts,
    incidents,
    liaison_with_phone,
    to_summary,
)


async def test_an_agency_deactivated_before_gui_is_said_plainly_and_the_report_kept(
        harness: Harness) -> None:
    """The liaison's agency is deactivated while they write: «Gửi» says so (not "only
    liaisons may report"), stores nothing, and keeps the draft so that nothing typed at 2 a.m.
    is lost; once the agency is active again «Gửi» sends it."""
    h = harness
    p = await liaison_with_phone(h)
    summary = await to_summary(p)
    async with h.services.db.transaction() as conn:
        await conn.execute("UPDATE agencies SET active = 0 WHERE code = 'CAT'")
    before = len(h.fake.messages_to(LIAISON))
    answer = await p.tap(summary, summary.button_data("Gửi"))
    await h.fake.wait_for_message(LIAISON, lambda m: True, after=before)
    said = " ".join(m.plain_text or "" for m in p.since(before)) + answer
    assert "Chỉ cán bộ đầu mối" not in said, said
    assert "Công an tỉnh" in said and "ngừng" in said, said
    assert await incidents(h) == []
    assert await _drafts(h, LIAISON), "the report typed so far is kept"
    async with h.services.db.transaction() as conn:
        await conn.execute("UPDATE agencies SET active = 1 WHERE code = 'CAT'")
    again = p.since(before)[-1]
    await p.press(again, "Gửi", "Đã gửi báo cáo sự cố")
    assert len(await incidents(h)) == 1


async def test_a_closing_report_at_every_part_s_maximum_reaches_gui_and_everyone(
        harness: Harness) -> None:
    """Each part of the closing report as long as the form allows, full of markup: the
    summary with «Gửi» still arrives, the move is made, and the reporter side and the team
    get the whole report in messages within Telegram's limits — none refused with a 400."""
    from bot.domain.incidents import IncidentStatus
    from bot.telegram.render import TEXT_LIMIT
    from tests.e2e.test_incident_lifecycle import (
        AN,
        LEAD,
        asked,
        button,
        now_,
        setup,
        tap,
    )
    from tests.e2e.test_incident_lifecycle import LIAISON as REPORTER
    from tests.e2e.test_incident_lifecycle import report as file_report

    h = harness
    w = await setup(h)
    incident = await file_report(h, w)
    await tap(h, AN, "start", incident.id)
    form = h.services.lifecycle.form
    q = await asked(h, AN, "resolve", incident.id, f"(1/{len(form.closing)})")
    answers = {}
    for i, part in enumerate(form.closing):
        chunk = f"<b>{i}</b> & <script>x</script> "
        answers[part.key] = (chunk * (part.max_length // len(chunk) + 1))[:part.max_length]
        expect = (f"({i + 2}/{len(form.closing)})" if i + 1 < len(form.closing)
                  else "Bấm “Gửi”")
        q = await h.say(AN, answers[part.key], has(expect))
    before = {u: len(h.fake.messages_to(u)) for u in (REPORTER, LEAD)}
    await button(h, AN, q, "Gửi", "“Đang xử lý” → “Đã khắc phục”")
    resolved = await now_(h, incident)
    assert resolved.status is IncidentStatus.RESOLVED
    assert resolved.closing == answers
    await h.services.sender.drained()
    for user in (REPORTER, LEAD):
        got = h.fake.messages_to(user)[before[user]:]
        text = "".join(m.plain_text or "" for m in got)
        for value in answers.values():
            assert value.strip() in text, (user, len(got))
        assert all(len(m.plain_text or "") <= TEXT_LIMIT for m in got)
    async with h.services.db.reader.execute(
            "SELECT COUNT(*) FROM outbox WHERE status != 'sent'") as cur:
        assert tuple(await cur.fetchone() or ()) == (0,)


SHIPPED_LIKE = """
skip_steps_due_within: 0
directives:
  hoa_toc: {ack_within: 30m}
  thuong_khan: {ack_within: 2h}
  khan: {ack_within: 4h}
  thuong: {ack_within: 8h}
incidents:
  thap: {take_within: 8h}
  trung_binh:
    take_within: 2h
    steps:
      - {at: 0, notify: [on_duty]}
      - {at: +2h, notify: [team_lead]}
  cao: {take_within: 30m}
  nghiem_trong: {take_within: 15m}
"""


async def test_the_on_duty_responder_blocked_the_bot_the_lead_is_told_at_once(
        harness: Harness, tmp_path: Path) -> None:
    """The only responder on duty has blocked the bot (403 at the report's sending): the
    incident stands, the responder is marked unreachable, and the lead hears of the
    report at once — not two hours later when the policy's next step comes."""
    from bot.storage.people import PeopleRepository
    from tests.e2e.test_directives import FAST
    from tests.e2e.test_incident_taking import LEAD, ON_DUTY, report, start, texts

    h = harness
    path = tmp_path / "policy.yaml"
    path.write_text(SHIPPED_LIKE, encoding="utf-8")
    await start(h, tmp_path)
    await h.stop()
    await h.start(policy_file=path, **FAST)
    h.fake.block(ON_DUTY)
    incident, _ = await report(h)
    await h.services.sender.drained()
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(ON_DUTY)
    assert person is not None and not person.reachable
    await h.services.sender.drained()
    told = texts(h, LEAD, incident.code)
    assert len(told) == 1, "the lead is told, once, when nobody on duty is reachable"
    assert person.full_name in (told[0].plain_text or ""), "named, to be phoned"
    assert told[0].button_data("Tiếp nhận")
