"""Escalation end to end through the fake Telegram, with a policy of seconds and a fake clock."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import JobQueue

from bot.clock import to_epoch
from bot.domain.escalation import Target
from bot.domain.roster import Rotation
from bot.storage.audit import AuditRepository
from bot.storage.duty import DutyRepository
from bot.storage.escalations import EscalationRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import FAST, agency_ids, draft, is_directive, join
from tests.e2e.test_onboarding import import_province

S = timedelta(seconds=1)

POLICY = """
skip_steps_due_within: 0
directives:
  hoa_toc:
    ack_within: 60s
    steps:
      - {at: -10s, notify: [agency_liaisons]}
      - {at: 0, notify: [on_duty]}
      - {at: +10s, notify: [team_lead, admins], repeat_every: 10s, max_repeats: 2}
  thuong_khan: {ack_within: 2h}
  khan: {ack_within: 4h}
  thuong: {ack_within: 8h}
incidents:
  thap: {take_within: 8h}
  trung_binh: {take_within: 2h}
  cao: {take_within: 30m}
  nghiem_trong: {take_within: 15m}
"""


async def start(h: Harness, tmp_path: Path, policy: str = POLICY) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(policy, encoding="utf-8")
    await h.start(policy_file=path, **FAST)
    await import_province(h)
    await join(h, 101, "liaison CAT")
    await join(h, 102, "liaison CAT du_phong")
    await join(h, 103, "responder")
    await join(h, 104, "responder lead")


async def set_rotation(h: Harness, *user_ids: int) -> None:
    people = PeopleRepository(h.services.db.reader)
    ids = []
    for user_id in user_ids:
        person = await people.by_telegram_id(user_id)
        assert person is not None
        ids.append(person.id)
    async with h.services.db.transaction() as conn:
        await DutyRepository(conn).set_rotation(
            Rotation(tuple(ids), timedelta(days=1), h.clock.now() - timedelta(hours=1)), 0)


async def broadcast(h: Harness, *codes: str, within: timedelta = 60 * S, **kw: object):
    """Send a Hỏa tốc directive to these agencies, due `within` from now; the scenario starts."""
    d = draft(h, ack_deadline_at=h.clock.now() + within, **kw)
    d.agency_ids = await agency_ids(h, *codes)
    h.t0 = h.clock.now()
    directive, _ = await h.services.broadcast.send(SUPER_ADMIN, d)
    return directive


async def step(h: Harness, to: timedelta) -> None:
    """Move the fake clock to `to` after the broadcast, run what is due, let the outbox drain."""
    assert h.t0 is not None
    h.clock.set(h.t0 + to)
    await h.services.escalation.run_due()
    await h.services.sender.drained()


def texts(h: Harness, user_id: int, fragment: str) -> list[SentMessage]:
    return [m for m in h.fake.messages_to(user_id) if fragment in (m.plain_text or "")]


async def test_reminder_then_on_duty_then_lead_and_admins_until_acknowledged(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S)
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT")  # nobody joined for TT_CNTT
    h.t0 = h.clock.now()
    directive, _ = await h.services.broadcast.send(SUPER_ADMIN, d)
    await h.services.sender.drained()

    # An agency with no reachable liaison goes to the on-duty responder at once, as a setup
    # problem (issue 10, item 11), not yet as "Đôn đốc".
    await step(h, 0 * S)
    [first] = texts(h, 103, "Chưa có đầu mối liên lạc được, đề nghị gọi điện")
    assert texts(h, 103, "Đôn đốc") == []
    assert "Trung tâm Công nghệ thông tin" in (first.plain_text or "")
    assert "không liên lạc được" in (first.plain_text or "")
    assert "Công an tỉnh" not in (first.plain_text or "")
    # A responder who did not get this digest cannot claim it.
    forged = h.fake.press_button(104, h.fake.messages_to(104)[0].message_id,
                                 first.button_data("Tôi sẽ liên hệ tất cả"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == forged)
    assert "đã nhận thông báo đôn đốc này" in (h.fake.callback_answer(forged) or {}).get("text", "")

    # -10 s: a reminder to CAT's liaisons, with the button.
    await step(h, 49 * S)
    assert texts(h, 101, "Nhắc hạn") == []  # not yet, to the second
    await step(h, 50 * S)
    for user in (101, 102):
        [reminder] = texts(h, user, "Nhắc hạn")
        assert "08:01 ngày 23/11/2026 (còn 10 giây)" in (reminder.plain_text or "")  # deadline, time left
        assert any("Đã nhận" in b["text"] for b in reminder.buttons)
    assert texts(h, 103, "Nhắc hạn") == []

    # 0: the on-duty responder gets ONE digest listing both agencies, with phone numbers.
    await step(h, 60 * S)
    digests = texts(h, 103, "Đôn đốc")
    assert len(digests) == 1
    latest = digests[-1].plain_text or ""
    assert "Công an tỉnh" in latest and "Trung tâm Công nghệ" in latest
    assert "Lan Nguyễn" in latest  # whom to call
    assert texts(h, 104, "Đôn đốc") == [] and texts(h, SUPER_ADMIN, "Đôn đốc") == []

    # CAT acknowledges: what remains stops for it.
    copy = await h.fake.wait_for_message(102, is_directive)
    query = h.fake.press_button(102, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)

    # +10 s: the lead and the admins, for the centre only.
    await step(h, 70 * S)
    for user in (104, SUPER_ADMIN):
        [digest] = texts(h, user, "Đôn đốc")
        assert "Trung tâm Công nghệ" in (digest.plain_text or "")
        assert "Công an tỉnh —" not in (digest.plain_text or "")
    # Repeats, then max_repeats ends it; running again changes nothing.
    await step(h, 80 * S)
    await step(h, 90 * S)
    await step(h, 200 * S)
    await step(h, 200 * S)
    assert len(texts(h, 104, "Đôn đốc")) == 3
    rows = await EscalationRepository(h.services.db.reader).of_subject("directive_ack", directive.id)
    assert sorted(r.status for r in rows) == ["finished", "stopped"]


async def test_forty_late_agencies_make_one_digest(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    communes = sorted(a.id for a in (await h.services.broadcast.catalog())[1]
                      if a.kind == "committee")[:40]
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S)
    d.agency_ids = set(communes)
    h.t0 = h.clock.now()
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await h.services.sender.drained()
    # Nobody joined for any of them: one page at sending (issue 10, item 11), then one digest
    # at the deadline, each split into parts only where it passes Telegram's 4,096 characters.
    at_sending = len(h.fake.messages_to(103))
    await step(h, 60 * S)
    for messages in (h.fake.messages_to(103)[:at_sending], h.fake.messages_to(103)[at_sending:]):
        parts = [m for m in messages if "• " in (m.plain_text or "")]
        assert 1 <= len(parts) <= 2
        assert sum((m.plain_text or "").count("• ") for m in parts) == 40
    async with h.services.db.reader.execute("SELECT count(*) FROM escalation_notices") as cur:
        assert (await cur.fetchone())[0] == 2


async def test_nobody_on_duty_goes_to_lead_and_admins_and_says_so(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    async with h.services.db.transaction() as conn:  # an empty roster
        await DutyRepository(conn).set_rotation(Rotation((), timedelta(days=1), h.clock.now()), 0)
    await broadcast(h, "CAT")
    await step(h, 60 * S)
    for user in (104, SUPER_ADMIN):
        [digest] = texts(h, user, "Đôn đốc")
        assert "không có thành viên nào đang trực" in (digest.plain_text or "")
    assert texts(h, 103, "Đôn đốc") == []


async def test_an_unreachable_on_duty_responder_falls_back_to_lead_and_admins(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)  # Hùng is on duty, but has blocked the bot
    await h.services.onboarding.mark_unreachable(103, "Forbidden: bot was blocked by the user")
    await broadcast(h, "CAT")
    await step(h, 60 * S)
    for user in (104, SUPER_ADMIN):
        [digest] = texts(h, user, "Đôn đốc")
        assert "Công an tỉnh" in (digest.plain_text or "")
        # The note says who is on duty and that the bot cannot reach them (/duty shows them
        # on duty: "nobody on duty" would be untrue), so the lead knows whom to phone.
        assert "không liên lạc được qua Telegram" in (digest.plain_text or "")
        assert "Hùng Nguyễn" in (digest.plain_text or "")
        assert "không có thành viên nào đang trực" not in (digest.plain_text or "")
    assert texts(h, 103, "Đôn đốc") == []


async def test_one_responder_takes_it_and_the_others_copies_say_who(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    policy = POLICY.replace("{at: 0, notify: [on_duty]}", "{at: 0, notify: [responders]}")
    await start(h, tmp_path, policy)
    await broadcast(h, "CAT")
    await step(h, 60 * S)
    [mine] = texts(h, 103, "Đôn đốc")
    [theirs] = texts(h, 104, "Đôn đốc")
    claim_all = theirs.button_data("Tôi sẽ liên hệ tất cả")
    assert any("Công an tỉnh" in b["text"] for b in theirs.buttons)  # one per agency too
    query = h.fake.press_button(103, mine.message_id, mine.button_data("Tôi sẽ liên hệ tất cả"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "Đã ghi nhận" in (h.fake.callback_answer(query) or {}).get("text", "")
    await h.services.sender.drained()
    edited = await h.fake.wait_for_message(
        104, lambda m: m.message_id == theirs.message_id and "sẽ liên hệ" in (m.plain_text or ""))
    assert "Hùng" in (edited.plain_text or "") and not edited.buttons
    # A second press changes nothing; the lead's step no longer goes to responders.
    again = h.fake.press_button(104, theirs.message_id, claim_all)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == again)
    assert "đã có cán bộ nhận" in (h.fake.callback_answer(again) or {}).get("text", "")
    await step(h, 70 * S)
    assert len(texts(h, 104, "Đôn đốc")) == 1
    assert len(texts(h, SUPER_ADMIN, "Đôn đốc")) == 1  # admins still told
    # A liaison cannot claim.
    forged = h.fake.press_button(101, mine.message_id, claim_all)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == forged)
    assert "đã nhận thông báo đôn đốc này" in (h.fake.callback_answer(forged) or {}).get("text", "")


async def test_step_due_while_down_fires_once_at_start_up(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT")
    await h.services.sender.drained()
    await h.stop()
    h.clock.set(h.t0 + 95 * S)  # down across every step
    await h.start(policy_file=tmp_path / "policy.yaml", **FAST)
    digest = await h.fake.wait_for_message(  # within 5 s of the restart
        103, lambda m: "Đôn đốc" in (m.plain_text or ""), timeout=5)
    assert "gửi chậm" in (digest.plain_text or "")  # says how late it is
    lead = await h.fake.wait_for_message(
        104, lambda m: "Đôn đốc" in (m.plain_text or ""), timeout=5)
    assert "gộp" in (lead.plain_text or "")  # missed repeats collapsed into one
    await h.services.escalation.run_due()
    await h.services.sender.drained()
    assert len(texts(h, 103, "Đôn đốc")) == 1
    assert len(texts(h, 104, "Đôn đốc")) == 1
    assert len(texts(h, 101, "Nhắc hạn")) == 1


def scheduler_starts_late(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB's JobQueue starts 200 ms after it is asked to, as on a loaded machine."""
    original = JobQueue.start

    async def late_start(self: JobQueue[Any], *args: Any, **kwargs: Any) -> None:
        await asyncio.sleep(0.2)  # well past the 10 ms a first interval run may be late by
        await original(self, *args, **kwargs)

    monkeypatch.setattr(JobQueue, "start", late_start)


async def test_step_due_while_down_fires_at_start_up_when_the_scheduler_starts_late(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT")
    await h.services.sender.drained()
    await h.stop()
    h.clock.set(h.t0 + 60 * S)  # down across the reminder and the on-duty step
    scheduler_starts_late(monkeypatch)
    await h.start(policy_file=tmp_path / "policy.yaml", **FAST)
    digest = await h.fake.wait_for_message(
        103, lambda m: "Đôn đốc" in (m.plain_text or ""), timeout=5)
    assert "Công an tỉnh" in (digest.plain_text or "")
    assert "Lan Nguyễn" in (digest.plain_text or "")
    reminders = [await h.fake.wait_for_message(u, lambda m: "Nhắc" in (m.plain_text or ""),
                                               timeout=5) for u in (101, 102)]
    assert all("1556/UBND-KGVX" in (r.plain_text or "") for r in reminders)


async def test_the_next_step_is_armed_at_start_up_when_the_scheduler_starts_late(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT")
    await h.services.sender.drained()
    await h.stop()
    # Nothing due yet at start-up: the reminder is at 50 s, 0.3 s (of the fake clock) away.
    h.clock.set(h.t0 + 50 * S - timedelta(milliseconds=300))
    scheduler_starts_late(monkeypatch)
    await h.start(policy_file=tmp_path / "policy.yaml", **FAST)
    await h.services.sender.drained()
    assert texts(h, 101, "Nhắc") == []
    h.clock.set(h.t0 + 50 * S)  # the armed wake-up, not a sweep 30 s away, must fire it
    reminder = await h.fake.wait_for_message(101, lambda m: "Nhắc" in (m.plain_text or ""),
                                             timeout=5)
    assert "1556/UBND-KGVX" in (reminder.plain_text or "")
    assert any("Đã nhận" in b["text"] for b in reminder.buttons)


async def test_policy_edited_mid_way_does_not_change_a_snapshot(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    directive = await broadcast(h, "CAT")
    t0 = h.t0
    await step(h, 50 * S)  # the reminder
    await h.stop()
    # The YAML is edited while the escalation runs: at 0, the admins instead of the on-duty.
    edited = POLICY.replace("{at: 0, notify: [on_duty]}", "{at: 0, notify: [admins]}")
    (tmp_path / "policy.yaml").write_text(edited, encoding="utf-8")
    h.clock.set(t0 + 55 * S)
    await h.start(policy_file=tmp_path / "policy.yaml", **FAST)
    # The edit is in force for what starts now ...
    later = await broadcast(h, "SNV")
    [new] = await EscalationRepository(h.services.db.reader).of_subject("directive_ack", later.id)
    assert new.steps[1].targets == (Target.ADMINS,)
    # ... but the running escalation keeps the steps it froze.
    [running] = await EscalationRepository(h.services.db.reader).of_subject(
        "directive_ack", directive.id)
    assert running.steps[1].targets == (Target.ON_DUTY,)
    h.t0 = t0
    await step(h, 60 * S)
    # (SNV, where nobody has joined, went to the on-duty at once: not counted here.)
    assert len(texts(h, 103, "Công an tỉnh —")) == 1
    assert texts(h, SUPER_ADMIN, "Đôn đốc") == []


async def test_a_late_wake_up_still_fires(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT")
    await h.services.sender.drained()
    h.clock.set(h.t0 + 60 * S - timedelta(milliseconds=300))
    h.services.escalation.on_schedule()  # arm: the next step is 0.3 s away
    await asyncio.sleep(0.05)
    h.clock.set(h.t0 + 60 * S)
    time.sleep(1.6)  # noqa: ASYNC251 (the event loop is busy: the wake-up comes 1.3 s late)
    digest = await h.fake.wait_for_message(
        103, lambda m: "Đôn đốc" in (m.plain_text or ""), timeout=5)
    assert "Công an tỉnh" in (digest.plain_text or "")
    assert "Lan Nguyễn" in (digest.plain_text or "")  # whom to call
    assert len(texts(h, 103, "Đôn đốc")) == 1  # once, however late


async def test_duty_across_handover_with_override_and_empty(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await h.say(103, "/phone 0912 345 678")
    people = PeopleRepository(h.services.db.reader)
    p103, p104 = await people.by_telegram_id(103), await people.by_telegram_id(104)
    assert p103 and p104
    handover = h.clock.now() + timedelta(hours=2)
    async with h.services.db.transaction() as conn:
        await DutyRepository(conn).set_rotation(
            Rotation((p103.id, p104.id), timedelta(days=1), handover - timedelta(days=1)), 0)
    now_view = await h.say(101, "/duty")
    text = now_view.plain_text or ""
    assert "Đang trực: Hùng Nguyễn (0912 345 678)" in text
    assert "Ca tiếp theo (từ 10:00 ngày 23/11/2026): Khách Nguyễn" in text
    h.clock.set(handover)  # across the handover, to the second
    after = await h.say(101, "/duty")
    assert "Đang trực: Khách Nguyễn" in (after.plain_text or "")
    async with h.services.db.transaction() as conn:
        await DutyRepository(conn).add_override(p103.id, handover, handover + timedelta(hours=3),
                                                None, to_epoch(h.clock.now()))
    override = await h.say(101, "/duty")
    assert "Đang trực: Hùng Nguyễn" in (override.plain_text or "")
    async with h.services.db.transaction() as conn:
        await DutyRepository(conn).set_rotation(Rotation((), timedelta(days=1), handover), 0)
        await conn.execute("DELETE FROM duty_overrides")
    empty = await h.say(101, "/duty")
    assert "không có thành viên nào đang trực" in (empty.plain_text or "")
    assert "0296 3 852 000" in (empty.plain_text or "")


async def test_duty_set_and_swap_conversations(harness: Harness, tmp_path: Path) -> None:
    from tests.e2e.test_broadcast_conversation import has, tap

    h = harness
    await start(h, tmp_path)
    people = PeopleRepository(h.services.db.reader)
    p103, p104 = await people.by_telegram_id(103), await people.by_telegram_id(104)
    assert p103 and p104
    async with h.services.db.transaction() as conn:
        await DutyRepository(conn).set_rotation(
            Rotation((p103.id, p104.id), timedelta(days=1), h.clock.now() - timedelta(hours=1)), 0)
    # /duty_set: 104 on duty for the next three hours (local times typed by the admin).
    pick = await h.say(SUPER_ADMIN, "/duty_set", has("Chọn thành viên"))
    await tap(h, pick, "Khách", "thời điểm bắt đầu trực")
    bad = await h.say(SUPER_ADMIN, "mai mốt 8 giờ")
    assert "không phải thời điểm hợp lệ" in (bad.plain_text or "")
    await h.say(SUPER_ADMIN, "23/11 09:00", has("thời điểm kết thúc trực"))
    earlier = await h.say(SUPER_ADMIN, "23/11 08:30")
    assert "phải sau" in (earlier.plain_text or "")
    confirm = await h.say(SUPER_ADMIN, "23/11 11:00", has("Xác nhận phân công"))
    await tap(h, confirm, "Xác nhận", "Đã phân công")
    await h.services.sender.drained()
    assert texts(h, 104, "Anh/Chị được phân công trực")
    h.clock.set(h.clock.now() + timedelta(minutes=90))  # 08:00 → 09:30 local
    view = await h.say(101, "/duty")
    assert "Đang trực: Khách Nguyễn" in (view.plain_text or "")

    # /duty_swap: 103's next shift against 104's next shift.
    pick = await h.say(SUPER_ADMIN, "/duty_swap", has("Chọn thành viên"))
    shifts = await tap(h, pick, "Hùng", "Chọn ca trực của Hùng")
    assert shifts is not None
    # Hùng's current shift is partly covered by Khách's override: it is not offered.
    assert not any(b["text"].startswith("07:00 23/11") for b in shifts.buttons)
    assert any(b["text"].startswith("07:00 25/11") for b in shifts.buttons)
    second = await tap(h, shifts, "→", "Chọn thành viên thứ hai")
    assert second is not None
    b_shifts = await tap(h, second, "Khách", "Chọn ca trực của Khách")
    assert b_shifts is not None
    confirm = await tap(h, b_shifts, "→", "Xác nhận đổi ca")
    assert confirm is not None
    await tap(h, confirm, "Xác nhận", "Đã đổi ca")
    overrides = await DutyRepository(h.services.db.reader).overrides()
    # Khách's first shift is his override of this morning: it changes hands (issue 10, item 5)
    # and Khách takes Hùng's shift by a new override.
    assert {o.person_id for o in overrides} == {p103.id, p104.id} and len(overrides) == 2
    refused = await h.say(101, "/duty_set")
    assert "chỉ dành cho quản trị" in (refused.plain_text or "")


async def test_shift_start_notice_goes_once(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    assert await h.services.duty.shift_start_notices() == 1
    assert await h.services.duty.shift_start_notices() == 0
    await h.services.sender.drained()
    assert len(texts(h, 103, "Bắt đầu ca trực")) == 1


async def test_status_shows_each_late_agency_escalation_level(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT")
    await step(h, 60 * S)
    view = await h.say(SUPER_ADMIN, "/status 1556/UBND-KGVX",
                       lambda m: "Chưa xác nhận" in (m.plain_text or ""))
    assert "đôn đốc lần 1/4: đã báo cán bộ đang trực" in (view.plain_text or "")
    assert "Đang đôn đốc 1 đơn vị" in (view.plain_text or "")


async def test_result_report_reminders_then_admins_and_a_report_stops_them(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    policy = POLICY + """
results:
  steps:
    - {at: -1d, notify: [agency_liaisons]}
    - {at: 0, notify: [agency_liaisons]}
    - {at: +1h, notify: [admins]}
"""
    await start(h, tmp_path, policy)
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S,
              report_deadline_at=h.clock.now() + timedelta(days=3))
    d.agency_ids = await agency_ids(h, "CAT")
    h.t0 = h.clock.now()
    await h.services.broadcast.send(SUPER_ADMIN, d)
    copy = await h.fake.wait_for_message(101, is_directive)
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    await step(h, timedelta(days=2))  # a day before the report is due
    assert len(texts(h, 101, "chưa gửi báo cáo kết quả")) == 1
    await step(h, timedelta(days=3))
    assert len(texts(h, 101, "chưa gửi báo cáo kết quả")) == 2
    await step(h, timedelta(days=3, hours=1))
    [admin] = texts(h, SUPER_ADMIN, "Đôn đốc (lần 1/1) báo cáo kết quả")
    assert "Công an tỉnh" in (admin.plain_text or "")


async def test_a_recalled_directive_stops_escalating(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    directive = await broadcast(h, "CAT")
    await step(h, 50 * S)
    assert len(texts(h, 101, "Nhắc hạn")) == 1
    await h.services.broadcast.recall(SUPER_ADMIN, directive.id)
    for later in (60, 70, 80, 200):
        await step(h, later * S)
    assert texts(h, 103, "Đôn đốc") == [] and texts(h, 104, "Đôn đốc") == []
    assert len(texts(h, 101, "Nhắc hạn")) == 1
    rows = await EscalationRepository(h.services.db.reader).of_subject("directive_ack", directive.id)
    assert [r.status for r in rows] == ["stopped"]


async def test_a_reminder_queued_but_not_sent_is_dropped_when_the_agency_acknowledges(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT")
    copy = await h.fake.wait_for_message(101, is_directive)
    await h.services.sender.drained()
    await h.services.sender.stop()  # Telegram is slow today: what is queued stays queued
    h.clock.set(h.t0 + 50 * S)
    assert await h.services.escalation.run_due() == 2  # the reminder, to 101 and 102
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "Đã ghi nhận" in (h.fake.callback_answer(query) or {}).get("text", "")
    await h.services.sender.start()
    h.services.sender.wake()
    await h.services.sender.drained()
    # The copies are edited to say who acknowledged (queued after the reminders, same chats) ...
    for user in (101, 102):
        await h.fake.wait_for_call("editMessageText", lambda c, u=user: c.params.get("chat_id") == u)
    # ... and the reminders never went out.
    assert texts(h, 101, "Nhắc") == [] and texts(h, 102, "Nhắc") == []
    async with h.services.db.reader.execute(
        "SELECT status, error FROM outbox WHERE subject_kind = 'directive_ack'"
        " AND agency_id IS NOT NULL") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("failed", "acknowledged")] * 2


async def test_unreachable_agency_goes_to_on_duty_at_once_by_the_wake_up(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    d = draft(h, ack_deadline_at=h.clock.now() + timedelta(hours=1))
    d.agency_ids = await agency_ids(h, "TT_CNTT")  # nobody reachable there
    await h.services.broadcast.send(SUPER_ADMIN, d)  # no manual run: the scheduler does it
    digest = await h.fake.wait_for_message(
        103, lambda m: "không liên lạc được" in (m.plain_text or ""), timeout=5)
    assert "Trung tâm Công nghệ" in (digest.plain_text or "")


async def test_claiming_one_agency_keeps_the_others_open(harness: Harness, tmp_path: Path) -> None:
    h = harness
    policy = POLICY.replace("{at: 0, notify: [on_duty]}", "{at: 0, notify: [responders]}")
    await start(h, tmp_path, policy)
    await broadcast(h, "CAT", "SNV")
    await step(h, 60 * S)
    [mine] = texts(h, 103, "Đôn đốc")
    [theirs] = texts(h, 104, "Đôn đốc")
    only_snv = mine.button_data("Sở Nội vụ")
    query = h.fake.press_button(103, mine.message_id, only_snv)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    await h.services.sender.drained()
    edited = await h.fake.wait_for_message(
        104, lambda m: m.message_id == theirs.message_id and "sẽ liên hệ" in (m.plain_text or ""))
    labels = [b["text"] for b in edited.buttons]
    assert any("Công an tỉnh" in label for label in labels)  # still open
    assert not any("Sở Nội vụ" in label for label in labels)  # taken
    second = h.fake.press_button(104, theirs.message_id, edited.button_data("Công an tỉnh"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == second)
    await h.services.sender.drained()
    final = await h.fake.wait_for_message(
        103, lambda m: m.message_id == mine.message_id
        and (m.plain_text or "").count("sẽ liên hệ") == 2)
    assert not final.buttons  # both taken, both names shown


async def test_extending_after_the_steps_finished_runs_them_again(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    directive = await broadcast(h, "CAT")
    for later in (50, 60, 70, 80, 90):
        await step(h, later * S)
    rows = await EscalationRepository(h.services.db.reader).of_subject("directive_ack", directive.id)
    assert [r.status for r in rows] == ["finished"]
    await h.services.broadcast.extend(SUPER_ADMIN, directive.id, h.clock.now() + 60 * S)
    await step(h, 90 * S + 60 * S)  # the new deadline
    assert len(texts(h, 103, "Đôn đốc")) == 2


async def test_a_reminder_step_is_not_recorded_as_reaching_nobody(
    harness: Harness, tmp_path: Path
) -> None:
    """A step aimed only at the agency's liaisons reaches them: no "reached nobody" record."""
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT")
    await h.services.sender.drained()
    await step(h, 50 * S)
    assert len(texts(h, 101, "Nhắc")) == 1
    assert await AuditRepository(h.services.db.reader).entries("escalation.nobody") == []


async def test_a_reminder_is_not_tried_on_a_liaison_known_to_have_blocked_the_bot(
    harness: Harness, tmp_path: Path
) -> None:
    """A liaison known to have blocked the bot since getting the copy gets no reminder
    attempt: it would only fail again. The other liaison of the agency still gets it."""
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT")
    await h.fake.wait_for_message(102, is_directive)
    h.fake.block(102)
    await h.services.onboarding.mark_unreachable(102, "blocked")  # Telegram's block notice
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(102)
    assert person is not None and not person.reachable
    tried_before = len([c for c in h.fake.calls if c.chat_id == 102])
    await step(h, 50 * S)
    assert len(texts(h, 101, "Nhắc")) == 1
    assert len([c for c in h.fake.calls if c.chat_id == 102]) == tried_before


async def claim_tap(h: Harness, user: int, msg: SentMessage, data: str) -> str:
    query = h.fake.press_button(user, msg.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return (h.fake.callback_answer(query) or {}).get("text", "")


async def test_an_agency_that_acknowledged_after_the_digest_cannot_be_claimed(
    harness: Harness, tmp_path: Path
) -> None:
    """The digest lists CAT and TT_CNTT; CAT then acknowledges. Its claim button says it
    has confirmed (nothing recorded); «tất cả» takes only the centre, and the copies say so."""
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT", "TT_CNTT")
    await step(h, 60 * S)
    digest = [m for m in texts(h, 103, "Đôn đốc") if m.buttons][-1]
    copy = await h.fake.wait_for_message(101, is_directive)
    await claim_tap(h, 101, copy, copy.button_data("Đã nhận"))
    one = next(b for b in digest.buttons if "Công an tỉnh" in b["text"])
    answer = await claim_tap(h, 103, digest, one["callback_data"])
    assert "đã xác nhận" in answer and "sẽ liên hệ" not in answer
    answer = await claim_tap(h, 103, digest, digest.button_data("Tôi sẽ liên hệ tất cả"))
    assert "Trung tâm Công nghệ thông tin" in answer and "Công an tỉnh" not in answer
    await h.services.sender.drained()
    rows = await EscalationRepository(h.services.db.reader).of_subject(
        "directive_ack", await _only_directive_id(h))
    handled = {r.agency_id: r.handled_by for r in rows}
    assert sorted(v is not None for v in handled.values()) == [False, True]
    edited = await h.fake.wait_for_message(
        103, lambda m: m.message_id == digest.message_id and "sẽ liên hệ" in (m.plain_text or ""))
    claim_line = (edited.plain_text or "").split("sẽ liên hệ", 1)[1]
    assert "Trung tâm Công nghệ thông tin" in claim_line and "Công an tỉnh" not in claim_line
    assert not any("Công an tỉnh" in b["text"] for b in edited.buttons)


async def _only_directive_id(h: Harness) -> int:
    async with h.services.db.reader.execute("SELECT id FROM directives") as cur:
        [row] = await cur.fetchall()
    return int(row[0])


async def test_a_responder_who_left_is_told_so_on_an_old_claim_button(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, "CAT")
    await step(h, 60 * S)
    digest = [m for m in texts(h, 103, "Đôn đốc") if m.buttons][-1]
    hung = await PeopleRepository(h.services.db.reader).by_telegram_id(103)
    assert hung is not None
    async with h.services.db.transaction() as conn:
        await PeopleRepository(conn).update(hung.id, {"active": False}, to_epoch(h.clock.now()))
    answer = await claim_tap(h, 103, digest, digest.button_data("Tôi sẽ liên hệ tất cả"))
    assert "đã kết thúc" in answer
    rows = await EscalationRepository(h.services.db.reader).of_subject(
        "directive_ack", await _only_directive_id(h))
    assert all(r.handled_by is None for r in rows)


async def test_an_acknowledgement_keeps_a_queued_result_reminder(
    harness: Harness, tmp_path: Path
) -> None:
    """Acknowledging drops the agency's unsent acknowledgement reminders only: a result-report
    reminder queued just before still goes out (the report is still owed)."""
    h = harness
    policy = POLICY + """
results:
  steps:
    - {at: -50s, notify: [agency_liaisons]}
"""
    await start(h, tmp_path, policy)
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S,
              report_deadline_at=h.clock.now() + 60 * S)
    d.agency_ids = await agency_ids(h, "CAT")
    h.t0 = h.clock.now()
    await h.services.broadcast.send(SUPER_ADMIN, d)
    copy = await h.fake.wait_for_message(101, is_directive)
    await h.services.sender.drained()
    await h.services.sender.stop()  # what is queued stays queued for now
    h.clock.set(h.t0 + 10 * S)
    assert await h.services.escalation.run_due() == 2  # the result reminder, to 101 and 102
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    await h.services.sender.start()
    h.services.sender.wake()
    await h.services.sender.drained()
    for user in (101, 102):
        assert len(texts(h, user, "chưa gửi báo cáo kết quả")) == 1
