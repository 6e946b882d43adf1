"""The database locked by another process (`BEGIN EXCLUSIVE` held for seconds): a tap during it
waits and succeeds, or — past the busy timeout — the person is told to try again and nothing
half-done remains; the outbox and the escalation wake-ups carry on once the lock is gone."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.services.directive_escalations import ACK
from bot.storage.db import Database
from bot.storage.escalations import EscalationRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import Harness
from tests.e2e.test_directives import is_directive
from tests.e2e.test_escalation import broadcast, set_rotation, start
from tests.faults.net import rows, running, sent_but_not_held, texts

S = timedelta(seconds=1)
HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@contextlib.contextmanager
def locked_for(h: Harness, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holds the database's write lock for `seconds`."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(h.tmp / "data" / "hoatoc.db"),
                               str(seconds)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(10)


def short_busy_timeout(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Every database the bot opens gives up on a lock after `seconds`."""
    original = Database.__init__

    def init(self: Database, path: Path | str, clock: FakeClock, *, busy_timeout: float = 5.0
             ) -> None:
        original(self, path, clock, busy_timeout=seconds)

    monkeypatch.setattr(Database, "__init__", init)


async def released(holder: subprocess.Popen[str]) -> None:
    await asyncio.to_thread(holder.wait, 10)


@contextlib.asynccontextmanager
async def scenario(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    """CAT's liaisons 101 and 102 have the directive; 103 is on duty."""
    async with running(tmp_path, clock) as h:
        await start(h, tmp_path)
        await set_rotation(h, 103)
        await broadcast(h, "CAT")
        await h.services.sender.drained()
        yield h


def copy_of(h: Harness, user_id: int) -> SentMessage:
    return next(m for m in h.fake.messages_to(user_id) if is_directive(m))


async def tap(h: Harness, user_id: int) -> str:
    """The liaison taps ✅ on their copy; the answer to the tap."""
    copy = copy_of(h, user_id)
    query = h.fake.press_button(user_id, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query, timeout=15)
    return str((h.fake.callback_answer(query) or {}).get("text", ""))


async def test_a_tap_during_a_short_lock_waits_and_succeeds(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with scenario(tmp_path, clock) as h:
        other = copy_of(h, 102)
        with locked_for(h, 1.5) as holder:
            answer = await tap(h, 101)
            assert holder.poll() is not None  # it waited for the lock
        assert "Đã ghi nhận" in answer
        assert rows(h, "SELECT count(*) FROM acknowledgements") == [(1,)]
        await h.services.sender.drained(timeout=15)
        assert "Đã xác nhận" in (other.plain_text or "")  # the edits went out


async def test_past_the_busy_timeout_the_user_is_told_to_try_again_and_the_bot_goes_on(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    short_busy_timeout(monkeypatch, 0.5)  # as if the lock outlasted the real 5 s
    async with scenario(tmp_path, clock) as h:
        before = len(h.fake.messages_to(101))
        with locked_for(h, 2.5) as holder:
            # A reminder falls due while the database is locked: the wake-up cannot run it.
            assert h.t0 is not None
            h.clock.set(h.t0 + 50 * S)
            h.services.escalation.on_schedule()
            await tap(h, 101)
            told = await h.fake.wait_for_message(101, after=before, timeout=10)
            assert "vui lòng thử lại" in (told.plain_text or "").lower()
            assert "Có lỗi" not in (told.plain_text or "")
            assert rows(h, "SELECT count(*) FROM acknowledgements") == [(0,)]
            await released(holder)
        # Nothing half-done: the copies still wait for ✅; the reminder goes out after the lock.
        reminder = await h.fake.wait_for_message(
            101, lambda m: "Nhắc hạn" in (m.plain_text or ""), timeout=10)
        assert reminder.buttons
        assert len(texts(h, 102, "Nhắc hạn")) == 1
        # A second tap, the lock gone: acknowledged.
        assert "Đã ghi nhận" in await tap(h, 101)
        assert rows(h, "SELECT count(*) FROM acknowledgements") == [(1,)]
        await h.services.sender.drained(timeout=15)
        assert sent_but_not_held(h) == []
        esc = await EscalationRepository(h.services.db.reader).of_subject(ACK, 1)
        assert esc and all(r.status == "stopped" for r in esc)
