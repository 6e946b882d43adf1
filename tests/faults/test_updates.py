"""Updates as Telegram may really hand them out: the same update twice (same `update_id`),
malformed answers to the bot's calls, and one malformed update in a batch of good ones."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from tests.e2e.conftest import Harness
from tests.e2e.test_directives import FAST, agency_ids, draft, is_directive, setup_liaisons
from tests.e2e.test_report_conversation import LIAISON, Person, liaison_with_phone
from tests.faults.net import rows, running, until


@pytest.fixture
async def h(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    async with running(tmp_path, clock) as harness:
        yield harness


def last_update_id(h: Harness) -> int:
    return int(h.fake.updates_log[-1]["update_id"])


def skipped(caplog: pytest.LogCaptureFixture, update_id: int) -> bool:
    return f"update {update_id} was delivered again" in caplog.text


def answers(h: Harness, query: str) -> int:
    return sum(1 for c in h.fake.calls
               if c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query)


async def test_a_tap_delivered_twice_is_handled_once(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await setup_liaisons(h)
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT")
    directive, _ = await h.services.broadcast.send(9001, d)
    copy = await h.fake.wait_for_message(101, is_directive)
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    tap = last_update_id(h)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    audit_before = rows(h, "SELECT count(*) FROM audit_log")
    with caplog.at_level(logging.INFO):
        h.fake.deliver_again(tap)
        await until(lambda: skipped(caplog, tap) or answers(h, query) > 1)
    assert answers(h, query) == 1
    assert rows(h, "SELECT count(*) FROM acknowledgements WHERE directive_id = ?",
                directive.id) == [(1,)]
    assert rows(h, "SELECT count(*) FROM audit_log") == audit_before


async def test_a_command_delivered_twice_is_answered_once_also_after_a_restart(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await h.start(**FAST)
    await h.say(104, "/help")
    command = last_update_id(h)
    with caplog.at_level(logging.INFO):
        h.fake.deliver_again(command)
        await until(lambda: skipped(caplog, command) or len(h.fake.messages_to(104)) > 1)
        assert len(h.fake.messages_to(104)) == 1
        # Telegram hands it out again after a restart (the offset was never confirmed).
        await h.stop()
        await h.start(**FAST)
        h.fake.deliver_again(command)
        caplog.clear()
        await until(lambda: skipped(caplog, command) or len(h.fake.messages_to(104)) > 1)
    assert len(h.fake.messages_to(104)) == 1


async def test_a_report_answer_delivered_twice_is_not_taken_for_the_next_question(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    p: Person = await liaison_with_phone(h)
    confirm = await p.say("/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    await p.press(confirm, "Đúng", "Tên hệ thống bị sự cố")
    await p.say("Cổng thông tin điện tử tỉnh", "Tên miền, địa chỉ IP")
    answer = last_update_id(h)
    before = len(h.fake.messages_to(LIAISON))
    with caplog.at_level(logging.INFO):
        h.fake.deliver_again(answer)
        # The next real answer comes after it (one person's updates are handled in order).
        level = await p.say("portal.angiang.gov.vn", "Cấp độ an toàn")
    assert len(h.fake.messages_to(LIAISON)) == before + 1, p.since(before)
    assert skipped(caplog, answer)
    assert "portal.angiang.gov.vn" in str(
        rows(h, "SELECT answers FROM drafts WHERE user_id = ?", LIAISON))
    assert level.buttons


def copies_to(h: Harness, user_id: int) -> int:
    return sum(1 for m in h.fake.messages_to(user_id) if is_directive(m))


@pytest.mark.parametrize("how", ["invalid_json", "missing_fields"])
async def test_an_unreadable_answer_to_a_send_is_retried_not_lost(
    h: Harness, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    await setup_liaisons(h)
    await h.services.sender.drained()
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT")
    h.fake.garble_next("sendMessage", how)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO):
        await h.services.broadcast.send(9001, d)
        await until(lambda: copies_to(h, 101) and copies_to(h, 102))
        await h.services.sender.drained(timeout=20)
    # Telegram took the garbled one, so that chat may hold it twice (at least once), never 0.
    assert sorted([copies_to(h, 101), copies_to(h, 102)]) == [1, 2]
    assert rows(h, "SELECT DISTINCT status FROM outbox") == [("sent",)]
    assert "unreadable answer" in caplog.text
    # The bot goes on.
    reply = await h.say(104, "/start")
    assert "chưa được đăng ký" in (reply.plain_text or "")


@pytest.mark.parametrize("how", ["invalid_json", "not_a_list"])
async def test_an_unreadable_getupdates_answer_does_not_stop_polling(h: Harness, how: str) -> None:
    await h.start(**FAST)
    await h.fake.wait_for_long_poll()
    h.fake.garble_next("getUpdates", how)  # type: ignore[arg-type]
    reply = await h.say(104, "/start")
    assert "chưa được đăng ký" in (reply.plain_text or "")
    assert len(h.fake.messages_to(104)) == 1
    assert any(c.error == f"garbled: {how}" for c in h.fake.calls)


async def test_one_malformed_update_in_a_batch_of_good_ones(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await h.start(**FAST)
    await h.fake.wait_for_long_poll()
    with caplog.at_level(logging.ERROR):
        # One batch: all enqueued before the long poll answers (same tick of the loop).
        h.fake.send_text(101, "/start")
        h.fake.send_text(102, "/start")
        h.fake.push_raw_update({
            "update_id": 700500,
            "callback_query": {"id": "1", "from": {"id": 103}, "data": "ack:1"},  # no is_bot
        })
        h.fake.send_text(103, "/start")
        h.fake.send_text(104, "/start")
        for user in (101, 102, 103, 104):
            await h.fake.wait_for_message(user)
    assert all(len(h.fake.messages_to(u)) == 1 for u in (101, 102, 103, 104))
    assert "skipped update 700500" in caplog.text
    # The offset moved past the batch: nothing of it is handed out again.
    await h.fake.wait_for_call("getUpdates", lambda c: (c.params.get("offset") or 0) > 700500)
    reply = await h.say(104, "/help")  # and the bot goes on
    assert "/start" in (reply.plain_text or "")



async def test_an_unreadable_answer_to_a_reply_and_to_its_apology_stays_in_the_error_handler(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Against telegram-test-api (whose sent messages come back with the request's fields)
    a reply's answer could not be read, then neither could the error handler's apology: the
    handler let PTB's parsing error out ("an uncaught error was raised while handling the
    error"), as it caught only TelegramError. The apology that cannot be confirmed is a
    warning, like one Telegram refused."""
    await h.start(**FAST)
    await h.fake.wait_for_long_poll()

    def garbled() -> int:
        return sum(1 for c in h.fake.calls if c.error == "garbled: missing_fields")

    h.fake.garble_next("sendMessage", "missing_fields", count=2)
    with caplog.at_level(logging.WARNING):
        h.fake.send_text(104, "/start")
        await until(lambda: garbled() == 2)
        await until(lambda: "could not tell chat 104 about an error" in caplog.text
                    or "while handling the error" in caplog.text)
    assert "while handling the error" not in caplog.text, caplog.text
    # The bot goes on.
    reply = await h.say(104, "/start")
    assert "chưa được đăng ký" in (reply.plain_text or "")
