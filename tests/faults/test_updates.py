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
