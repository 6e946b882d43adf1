"""Telegram unreachable for a few seconds (502 from the proxy, or connections dropped), then
back: what was queued meanwhile goes out after, in order per chat, nothing lost, nothing
recorded as sent that Telegram never got, and the bot hears taps again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from tests.e2e.test_directives import is_directive
from tests.e2e.test_escalation import broadcast, set_rotation, start
from tests.faults.net import rows, running, sent_but_not_held, texts, until

S = timedelta(seconds=1)
OUTAGE = 2.5  # seconds of real time


@pytest.mark.parametrize("drop", [False, True], ids=["502", "dropped"])
async def test_queued_sends_and_due_steps_go_out_after_an_outage(
    tmp_path: Path, clock: FakeClock, drop: bool
) -> None:
    async with running(tmp_path, clock) as h:
        await start(h, tmp_path)  # CAT: liaisons 101, 102; 103 responder, 104 lead
        await set_rotation(h, 103)
        await h.services.sender.drained()
        began = len(h.fake.calls)
        h.fake.outage(OUTAGE, drop=drop)

        # While Telegram is down: a broadcast, then its reminder and the on-duty digest fall due.
        directive = await broadcast(h, "CAT")
        for at in (50, 60):
            h.clock.set(h.t0 + at * S)
            await h.services.escalation.run_due()
        await until(lambda: not h.fake.in_outage, timeout=OUTAGE + 2)
        await h.services.sender.drained(timeout=30)

        failed = [c for c in h.fake.calls[began:] if c.status in (0, 502)]
        assert {c.method for c in failed} >= {"sendMessage", "getUpdates"}, "no outage seen"
        for user in (101, 102):  # the copy, then the reminder under it: once each, in order
            sent = h.fake.messages_to(user)
            reminder = [i for i, m in enumerate(sent) if "Nhắc hạn" in (m.plain_text or "")]
            copy = [i for i, m in enumerate(sent) if is_directive(m) and i not in reminder]
            assert len(copy) == 1 and len(reminder) == 1 and copy[0] < reminder[0]
        [digest] = texts(h, 103, "Đôn đốc")
        assert "Công an tỉnh" in (digest.plain_text or "")
        assert rows(h, "SELECT DISTINCT status FROM outbox") == [("sent",)]
        assert sent_but_not_held(h) == []

        # Polling came back: a tap on the copy is heard and acknowledged once.
        copy_message = next(m for m in h.fake.messages_to(101)
                            if is_directive(m) and "Nhắc hạn" not in (m.plain_text or ""))
        query = h.fake.press_button(101, copy_message.message_id,
                                    copy_message.button_data("Đã nhận"))
        await h.fake.wait_for_call(
            "answerCallbackQuery", lambda c: c.params.get("callback_query_id") == query,
            timeout=10)
        assert "Đã ghi nhận" in (h.fake.callback_answer(query) or {}).get("text", "")
        assert rows(h, "SELECT count(*) FROM acknowledgements WHERE directive_id = ?",
                    directive.id) == [(1,)]
