"""Failure paths end to end: groups, blocked users, 429, malformed and forged updates, crashes."""

from __future__ import annotations

import logging
import time

import pytest

from bot.storage.audit import AuditRepository
from bot.storage.people import PeopleRepository
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_onboarding import import_province, invite


async def join_as_responder(h: Harness, user_id: int) -> None:
    await import_province(h)
    token, _ = await invite(h, "responder")
    await h.say(user_id, f"/start {token}")
    await h.fake.wait_for_message(user_id, lambda m: "Chia sẻ số điện thoại" in (m.text or ""))


async def test_added_to_a_group_it_says_why_and_leaves(harness: Harness) -> None:
    h = harness
    await h.start()
    h.fake.add_bot_to_group(-100500, by_user_id=SUPER_ADMIN, title="Nhóm điều hành")
    notice = await h.fake.wait_for_message(-100500)
    assert "chỉ làm việc qua tin nhắn riêng" in (notice.plain_text or "")
    await h.fake.wait_for_call("leaveChat", lambda c: c.params.get("chat_id") == -100500)
    assert -100500 in h.fake.left_chats
    # Nothing is ever answered in a group, not even a command.
    h.fake.send_group_text(-100500, SUPER_ADMIN, "/invite responder")
    await h.say(SUPER_ADMIN, "/help")  # a later private update is served...
    assert len(h.fake.messages_to(-100500)) == 1  # ...and the group got nothing more


async def test_blocked_user_marked_unreachable_then_reachable_again(harness: Harness) -> None:
    h = harness
    await h.start()
    await join_as_responder(h, 102)
    people = PeopleRepository(h.services.db.reader)
    # Telegram answers 403 to the bot's reply: the person is marked unreachable.
    h.fake.block(102)
    before = len(h.fake.calls)
    h.fake.send_text(102, "/help")
    await h.fake.wait_for_call("sendMessage", lambda c: c.status == 403, after=before)
    await _until(lambda: _reachable(h, 102), False)
    # They unblock and write again: reachable.
    h.fake.unblock(102)
    reply = await h.say(102, "/help")
    assert "/phone" in (reply.plain_text or "")
    person = await people.by_telegram_id(102)
    assert person is not None and person.reachable
    actions = [e.action for e in await AuditRepository(h.services.db.reader).entries()]
    assert actions.count("person.unreachable") == 1 and actions.count("person.reachable") == 1


async def test_block_notice_from_telegram_marks_unreachable(harness: Harness) -> None:
    h = harness
    await h.start()
    await join_as_responder(h, 103)
    h.fake.push_raw_update({
        "update_id": 900001,
        "my_chat_member": {
            "chat": {"id": 103, "type": "private", "first_name": "Hùng"},
            "from": {"id": 103, "is_bot": False, "first_name": "Hùng"},
            "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": h.fake.bot_user()},
            "new_chat_member": {"status": "kicked", "until_date": 0, "user": h.fake.bot_user()},
        },
    })
    await _until(lambda: _reachable(h, 103), False)


async def test_429_on_a_reply_is_retried_not_lost(harness: Harness) -> None:
    h = harness
    await h.start()
    h.fake.fail_next("sendMessage", 429, retry_after=1)
    reply = await h.say(104, "/start")
    assert "chưa được đăng ký" in (reply.plain_text or "")
    statuses = [c.status for c in h.fake.calls if c.method == "sendMessage"]
    assert statuses[:2] == [429, 200]


async def test_malformed_update_is_skipped_and_the_bot_goes_on(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await h.start()
    h.fake.push_raw_update({
        "update_id": 800001,
        "message": {"message_id": 1, "date": "not-a-date",
                    "chat": {"id": 104, "type": "private"}, "text": "/start"},
    })
    with caplog.at_level(logging.ERROR):
        reply = await h.say(104, "/start")
    assert "chưa được đăng ký" in (reply.plain_text or "")
    assert len(h.fake.messages_to(104)) == 1  # the malformed one got no answer
    assert "skipped update 800001" in caplog.text


async def test_forged_button_press_is_answered_and_changes_nothing(harness: Harness) -> None:
    h = harness
    await h.start()
    reply = await h.say(104, "/start")
    for data, expected in [("old:feature:1", "không còn hiệu lực"),
                           ("ack:999999", "không thuộc đơn vị")]:
        query_id = h.fake.press_button(104, reply.message_id, data)
        await h.fake.wait_for_call("answerCallbackQuery",
                                   lambda c, q=query_id: c.params.get("callback_query_id") == q)
        answer = h.fake.callback_answer(query_id)
        assert answer is not None and expected in answer.get("text", "")
    assert len(await AuditRepository(h.services.db.reader).entries("ack.refused")) == 1


async def test_unexpected_failure_tells_the_user_and_logs_the_update(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await h.start()

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(h.services.onboarding, "ensure_super_admin", broken)
    with caplog.at_level(logging.ERROR):
        reply = await h.say(SUPER_ADMIN, "/start")
    assert "Có lỗi khi xử lý yêu cầu" in (reply.plain_text or "")
    assert "0296 3 852 000" in (reply.plain_text or "")
    assert "disk on fire" not in (reply.plain_text or "")
    assert any("failed" in r.getMessage() and "disk on fire" in r.getMessage()
               for r in caplog.records)
    update_ids = [u["update_id"] for u in h.fake.updates_log]
    assert f"update {update_ids[-1]} failed" in caplog.text


async def test_oversized_and_html_input_is_escaped(harness: Harness) -> None:
    h = harness
    await h.start()
    await join_as_responder(h, 101)
    reply = await h.say(101, "<b>" + "9" * 4000)
    assert "không phải số điện thoại hợp lệ" in (reply.plain_text or "")
    assert "&lt;b&gt;" in (reply.text or "")  # escaped, so Telegram accepted the HTML
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(101)
    assert person is not None and person.phone is None


async def _reachable(h: Harness, user_id: int) -> bool | None:
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(user_id)
    return None if person is None else person.reachable


async def _until(probe, expected: object, attempts: int = 200) -> None:
    """Re-read the database until it shows `expected` (the bot works concurrently)."""
    import asyncio

    for _ in range(attempts):
        if await probe() == expected:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"database never showed {expected!r}")


async def test_edited_command_does_not_run_again(harness: Harness) -> None:
    h = harness
    await h.start()
    reply = await h.say(SUPER_ADMIN, "/invite responder", lambda m: "Lời mời" in (m.text or ""))
    assert "thành viên Đội ứng cứu" in (reply.plain_text or "") and "start=" in (reply.text or "")
    h.fake.push_raw_update({
        "update_id": 700001,
        "edited_message": {
            "message_id": 999, "date": int(time.time()), "edit_date": int(time.time()),
            "chat": {"id": SUPER_ADMIN, "type": "private", "first_name": "Quản trị"},
            "from": {"id": SUPER_ADMIN, "is_bot": False, "first_name": "Quản trị"},
            "text": "/invite admin",
            "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        },
    })
    listing = await h.say(SUPER_ADMIN, "/invites")
    assert (listing.plain_text or "").count("INV-") == 1
    assert "thành viên Đội ứng cứu" in (listing.plain_text or "")  # the original, not an admin's


async def test_long_invite_list_is_split_not_refused(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    from bot.domain.invites import InviteSpec
    from bot.domain.models import Rank, Role

    for _ in range(60):
        await h.services.onboarding.create_invite(
            SUPER_ADMIN, InviteSpec(Role.LIAISON, "TT_CNTT", Rank.PRIMARY), confirmed=True)
    before = len(h.fake.messages_to(SUPER_ADMIN))
    h.fake.send_text(SUPER_ADMIN, "/invites")
    await h.fake.wait_for_message(SUPER_ADMIN, lambda m: "INV-60" in (m.text or ""), after=before)
    parts = h.fake.messages_to(SUPER_ADMIN)[before:]
    assert len(parts) >= 2
    assert sum((m.plain_text or "").count("INV-") for m in parts) == 60


async def test_super_admin_may_use_phone_before_start(harness: Harness) -> None:
    h = harness
    await h.start()
    reply = await h.say(SUPER_ADMIN, "/phone 0912 345 678")
    assert "0912 345 678" in (reply.plain_text or "")
    odd = await h.say(SUPER_ADMIN, "/revoke ²")
    assert "Cách dùng" in (odd.plain_text or "")
    stranger = await h.say(104, "/phone 0912 000 000")
    assert "chưa được đăng ký" in (stranger.plain_text or "")
    denied = await AuditRepository(h.services.db.reader).entries("access.denied")
    assert [(e.actor_user_id, e.details.get("command")) for e in denied] == [(104, "/phone")]
