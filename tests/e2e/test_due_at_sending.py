"""No reminder that is already due when the directive is sent (issue 10, item 9).

With the shipped policy (Hỏa tốc: 30 minutes, "Nhắc hạn" at -15m, on duty at 0, lead and
admins from +30m; result reports: "Nhắc hạn" a day before), a step due at or before the moment
of sending plus one minute is skipped and recorded as skipped, never fired in the same second
as the directive.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.escalation import SubjectKind
from bot.storage.escalations import EscalationRepository, EscalationRow
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import FAST, agency_ids, draft, is_directive, join
from tests.e2e.test_escalation import set_rotation, texts
from tests.e2e.test_onboarding import import_province

S = timedelta(seconds=1)
M = timedelta(minutes=1)
ACK = SubjectKind.DIRECTIVE_ACK
RESULT = SubjectKind.DIRECTIVE_RESULT


async def start(h: Harness) -> None:
    """The shipped policy; CAT has two liaisons; 103 is on duty, 104 leads the team."""
    await h.start(**FAST)
    await import_province(h)
    await join(h, 101, "liaison CAT")
    await join(h, 102, "liaison CAT du_phong")
    await join(h, 103, "responder")
    await join(h, 104, "responder lead")
    await set_rotation(h, 103)


async def send(h: Harness, number: str, within: timedelta, **kw: object) -> int:
    d = draft(h, number=number, ack_deadline_at=h.clock.now() + within, **kw)
    d.agency_ids = await agency_ids(h, "CAT")
    directive, _ = await h.services.broadcast.send(SUPER_ADMIN, d)
    return directive.id


async def run(h: Harness) -> int:
    queued = await h.services.escalation.run_due()
    await h.services.sender.drained()
    return queued


async def row(h: Harness, kind: SubjectKind, directive_id: int) -> EscalationRow:
    [only] = await EscalationRepository(h.services.db.reader).of_subject(kind, directive_id)
    return only


async def test_a_reminder_due_before_sending_is_skipped_not_sent_with_the_directive(
    harness: Harness,
) -> None:
    h = harness
    await start(h)
    t0 = h.clock.now()
    # Ten minutes to acknowledge: the "Nhắc hạn" 15 minutes before is already past; the result
    # report is due in 3 hours: its reminder a day before is past too.
    directive_id = await send(h, "1556/UBND-KGVX", 10 * M, report_deadline_at=t0 + 3 * 60 * M)
    for user in (101, 102):
        await h.fake.wait_for_message(user, is_directive)
    assert await run(h) == 0
    for user in (101, 102):
        assert texts(h, user, "Nhắc hạn") == []  # neither the acknowledgement's nor the report's
        assert [m for m in h.fake.messages_to(user) if "1556/UBND-KGVX" in (m.plain_text or "")
                ] == [await h.fake.wait_for_message(user, is_directive)]

    # Recorded as skipped: accounted for (never fired later), and not a step reached.
    ack = await row(h, ACK, directive_id)
    assert ack.done == (1, 0, 0) and ack.skipped == (1, 0, 0)
    assert ack.next_due_at == t0 + 10 * M and ack.status == "active"
    result = await row(h, RESULT, directive_id)
    assert result.done == (1, 0, 0) and result.skipped == (1, 0, 0)
    assert result.next_due_at == t0 + 3 * 60 * M
    assert await h.services.broadcast.escalation_levels(directive_id) == {}
    _, tally = await h.services.broadcast.tally(directive_id)
    assert tally.escalated == 0 and tally.pending == 1

    # The deadline: the on-duty responder is told, and it is the first round of five.
    h.clock.set(t0 + 10 * M)
    await run(h)
    [digest] = texts(h, 103, "Đôn đốc")
    assert "Đôn đốc (lần 1/5)" in (digest.plain_text or "")
    assert texts(h, 101, "Nhắc hạn") == []  # the skipped reminder never comes


async def test_the_limit_is_the_moment_of_sending_plus_one_minute_to_the_second(
    harness: Harness,
) -> None:
    h = harness
    await start(h)
    t0 = h.clock.now()
    # "Nhắc hạn" due exactly one minute after sending: skipped; one second later: kept.
    skipped = await send(h, "1556/UBND-KGVX", 16 * M)
    kept = await send(h, "1557/UBND-KGVX", 16 * M + S)
    assert (await row(h, ACK, skipped)).skipped == (1, 0, 0)
    assert (await row(h, ACK, kept)).skipped == (0, 0, 0)
    assert await run(h) == 0
    h.clock.set(t0 + 60 * S)
    assert await run(h) == 0
    h.clock.set(t0 + 61 * S)
    await run(h)
    for user in (101, 102):
        [reminder] = texts(h, user, "Nhắc hạn")
        assert "1557/UBND-KGVX" in (reminder.plain_text or "")
        assert "1556/UBND-KGVX" not in (reminder.plain_text or "")
        assert [b["text"] for b in reminder.buttons] == ["✅ Đã nhận văn bản"]
    assert (await row(h, ACK, kept)).done == (1, 0, 0)


async def test_an_urging_step_skipped_at_sending_is_not_counted_as_a_round(
    harness: Harness,
) -> None:
    h = harness
    await start(h)
    t0 = h.clock.now()
    # Thirty seconds to acknowledge: the reminder and the on-duty step are both within the
    # minute; the lead and the admins at +30m are the first round, of four left.
    directive_id = await send(h, "1556/UBND-KGVX", 30 * S)
    assert (await row(h, ACK, directive_id)).skipped == (1, 1, 0)
    assert await run(h) == 0
    h.clock.set(t0 + 30 * S)
    assert await run(h) == 0
    assert texts(h, 103, "Đôn đốc") == [] and texts(h, 101, "Nhắc hạn") == []
    h.clock.set(t0 + 30 * S + 30 * M)
    await run(h)
    [digest] = texts(h, 104, "Đôn đốc")
    assert "Đôn đốc (lần 1/4)" in (digest.plain_text or "")
    levels = await h.services.broadcast.escalation_levels(directive_id)
    [reached] = levels.values()
    assert (reached.number, reached.total) == (1, 4)


async def test_extending_runs_every_step_again_from_the_new_deadline(harness: Harness) -> None:
    """What was skipped at sending is not carried over: the new deadline's steps all run."""
    h = harness
    await start(h)
    t0 = h.clock.now()
    directive_id = await send(h, "1556/UBND-KGVX", 10 * M)
    assert (await row(h, ACK, directive_id)).skipped == (1, 0, 0)
    await h.services.broadcast.extend(SUPER_ADMIN, directive_id, t0 + 60 * M)
    extended = await row(h, ACK, directive_id)
    assert extended.done == (0, 0, 0) and extended.skipped == (0, 0, 0)
    assert extended.next_due_at == t0 + 45 * M
    assert await h.services.broadcast.escalation_levels(directive_id) == {}
    h.clock.set(t0 + 45 * M)
    await run(h)
    for user in (101, 102):
        assert len(texts(h, user, "Nhắc hạn")) == 1
    [reached] = (await h.services.broadcast.escalation_levels(directive_id)).values()
    assert (reached.number, reached.total) == (0, 5)
