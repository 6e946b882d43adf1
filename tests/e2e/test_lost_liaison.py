"""An agency that loses its last reachable liaison after «Gửi» goes to the on-duty responders
at once (blocked bot, or an import that deactivates or moves the liaison), not at the deadline."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import to_epoch
from bot.services.directive_escalations import ACK
from bot.storage.escalations import EscalationRepository, EscalationRow
from bot.testing.fake_telegram import SentMessage
from tests.e2e import test_inactive as inactive
from tests.e2e.conftest import Harness
from tests.e2e.test_directives import FAST, is_directive, join
from tests.e2e.test_escalation import POLICY, broadcast, set_rotation, step, texts
from tests.e2e.test_onboarding import import_province
from tests.e2e.test_robustness import _reachable, _until

S = timedelta(seconds=1)
UNREACHABLE = "không liên lạc được"


def unreachable_digest(m: SentMessage) -> bool:
    return "Đôn đốc" in (m.plain_text or "") and UNREACHABLE in (m.plain_text or "")


async def rows(h: Harness, directive_id: int) -> list[EscalationRow]:
    return await EscalationRepository(h.services.db.reader).of_subject(ACK, directive_id)


async def start_one_liaison(h: Harness, tmp_path: Path) -> None:
    """CAT has one liaison (101); 103 is the responder on duty."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    await h.start(policy_file=policy, **FAST)
    await import_province(h)
    await join(h, 101, "liaison CAT")
    await join(h, 103, "responder")
    await set_rotation(h, 103)


async def test_last_liaison_blocking_the_bot_goes_to_on_duty_before_the_deadline(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start_one_liaison(h, tmp_path)
    directive = await broadcast(h, "CAT")
    await h.fake.wait_for_message(101, is_directive)
    h.fake.block(101)
    # The reminder 10 s before the deadline answers 403: nobody at CAT can be reached now.
    # No further manual run: the wake-up tells the on-duty responder at once.
    await step(h, 50 * S)
    digest = await h.fake.wait_for_message(103, unreachable_digest, timeout=5)
    assert "Công an tỉnh" in (digest.plain_text or "")
    assert h.clock.now() < directive.ack_deadline_at
    [row] = await rows(h, directive.id)
    assert row.unreachable and row.unreachable_notified
    # Told once: a later run before the deadline says nothing more.
    await step(h, 55 * S)
    assert len(texts(h, 103, "Đôn đốc")) == 1


async def test_last_liaison_block_notice_goes_to_on_duty_at_once(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start_one_liaison(h, tmp_path)
    directive = await broadcast(h, "CAT")
    await h.fake.wait_for_message(101, is_directive)
    # Telegram tells the bot that 101 blocked it; nothing is sent to 101, no step is due yet.
    h.fake.push_raw_update({
        "update_id": 900001,
        "my_chat_member": {
            "chat": {"id": 101, "type": "private", "first_name": "Lan"},
            "from": {"id": 101, "is_bot": False, "first_name": "Lan"},
            "date": to_epoch(h.clock.now()),
            "old_chat_member": {"status": "member", "user": h.fake.bot_user()},
            "new_chat_member": {"status": "kicked", "until_date": 0, "user": h.fake.bot_user()},
        },
    })
    digest = await h.fake.wait_for_message(103, unreachable_digest, timeout=5)
    assert "Công an tỉnh" in (digest.plain_text or "")
    [row] = await rows(h, directive.id)
    assert row.unreachable and row.unreachable_notified


async def test_agency_with_another_reachable_liaison_is_not_marked_unreachable(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start_one_liaison(h, tmp_path)
    await join(h, 102, "liaison CAT du_phong")
    directive = await broadcast(h, "CAT")
    await h.fake.wait_for_message(101, is_directive)
    h.fake.block(101)
    await step(h, 50 * S)
    await _until(lambda: _reachable(h, 101), False)
    await step(h, 55 * S)
    assert len(texts(h, 102, "Nhắc hạn")) == 1
    assert [r.unreachable for r in await rows(h, directive.id)] == [False]
    assert [m for m in h.fake.messages_to(103) if unreachable_digest(m)] == []


async def test_liaison_writing_again_clears_unreachable(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start_one_liaison(h, tmp_path)
    directive = await broadcast(h, "CAT")
    await h.fake.wait_for_message(101, is_directive)
    h.fake.block(101)
    await step(h, 50 * S)
    await h.fake.wait_for_message(103, unreachable_digest, timeout=5)
    # 101 unblocks and writes: they hold the directive already, so the agency is reachable.
    h.fake.unblock(101)
    await h.say(101, "/help")
    await _until(lambda: _reachable(h, 101), True)
    assert [r.unreachable for r in await rows(h, directive.id)] == [False]
    await step(h, 60 * S)  # the on-duty step: the agency is overdue, not unreachable
    latest = texts(h, 103, "Đôn đốc")[-1]
    assert UNREACHABLE not in (latest.plain_text or "")
    assert "quá hạn" in (latest.plain_text or "").lower()


async def test_import_deactivating_the_last_liaison_goes_to_on_duty_at_once(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await inactive.start(h, tmp_path)  # AGENCY: P900 (101) and P901 (102); P902 (103) responder
    await set_rotation(h, 103)
    directive = await broadcast(h, inactive.AGENCY)
    await h.services.sender.drained()
    # One of two leaves: the agency can still be reached.
    await inactive.reimport(h, tmp_path, "P901", active=False)
    await step(h, 1 * S)  # the sweep runs
    assert [r.unreachable for r in await rows(h, directive.id)] == [False]
    assert [m for m in h.fake.messages_to(103) if unreachable_digest(m)] == []
    # The last one leaves: the next sweep tells the on-duty responder, long before the deadline.
    await inactive.reimport(h, tmp_path, "P900", active=False)
    await step(h, 2 * S)
    [digest] = [m for m in h.fake.messages_to(103) if unreachable_digest(m)]
    assert "UBND phường Bình Đức" in (digest.plain_text or "")
    assert h.clock.now() < directive.ack_deadline_at


async def test_import_moving_the_last_liaison_away_goes_to_on_duty_at_once(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await inactive.start(h, tmp_path)
    await set_rotation(h, 103)
    directive = await broadcast(h, inactive.AGENCY)
    await h.services.sender.drained()
    await inactive.reimport(h, tmp_path, "P901", active=False)
    await inactive.reimport(h, tmp_path, "P900", agency="TT_CNTT")
    await step(h, 1 * S)
    [digest] = [m for m in h.fake.messages_to(103) if unreachable_digest(m)]
    assert "UBND phường Bình Đức" in (digest.plain_text or "")
    [row] = await rows(h, directive.id)
    assert row.unreachable and row.unreachable_notified
