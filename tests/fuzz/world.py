"""One bot, one fake Telegram, a few people and a little history, shared by a module's examples.

Hypothesis runs dozens of examples per property; starting a bot for each would cost seconds
apiece. So a module builds one `World` (in its own event loop, `asyncio.Runner`), every
example plays a short walk of inputs against it, and afterwards leaves it as it found it:
every draft cancelled, no domain row changed (the walks never press a button that commits).

After each input the world waits until the bot is quiet — the update fetched, processed, and
every task it spawned done — so the checks ("it was answered", "nothing raised") are exact,
not timing guesses.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.error import Forbidden

from bot.clock import FakeClock
from bot.domain.errors import DomainError
from bot.telegram import callbacks as cb
from bot.testing.fake_telegram import FakeTelegram, SentMessage
from bot.texts import t
from tests.e2e.conftest import SUPER_ADMIN, TOKEN, Harness
from tests.e2e.test_directives import agency_ids, draft, join, setup_liaisons
from tests.e2e.test_escalation import set_rotation
from tests.e2e.test_report_conversation import Person, category_to_files, up_to_category

ADMIN, LIAISON, RESPONDER = SUPER_ADMIN, 101, 9002
RESPONDER_2 = 9003  # on the rotation too: someone to reassign to, swap a shift with
ACTORS = (ADMIN, LIAISON, RESPONDER)
# Tables that may change without a confirmed flow: the audit trail, half-written drafts and
# the ids of the updates handled (the exceptions).
NOT_DOMAIN = frozenset({"audit_log", "drafts", "processed_updates", "schema_migrations"})
ERROR_TEXT = t("error_generic", hotline_hint="").split(".")[0]  # "⚠️ Có lỗi khi xử lý yêu cầu"
# What the bot may call to answer a message in its chat.
ANSWERS = frozenset({"sendMessage", "sendDocument", "sendPhoto", "editMessageText",
                     "editMessageCaption"})
QUIET_TIMEOUT = 15.0


def commits(data: str) -> bool:
    """Does this real button finish a flow (send, confirm, acknowledge, take ...)? The walks
    never press those: every other input must leave the domain untouched."""
    tap = cb.parse(data)
    if isinstance(tap, cb.Ack | cb.PendingAck | cb.Claim | cb.DutyConfirm | cb.InviteNew
                  | cb.InviteLink):
        return True
    return (
        (isinstance(tap, cb.BroadcastButton) and tap.action == "send")
        or (isinstance(tap, cb.AdminConfirm) and tap.ok)
        or (isinstance(tap, cb.ResultButton) and tap.action == "send")
        or (isinstance(tap, cb.ReportButton) and tap.action == "send")
        or (isinstance(tap, cb.IclButton) and tap.action == "ok")
        # «Trả lại», «Mở lại»: the reason typed next is the confirmation.
        or (isinstance(tap, cb.IncidentAction) and tap.verb in {"take", "start", "release",
                                                                "reopen"})
        or (isinstance(tap, cb.PhoneAck) and tap.step == "ok")
        or (isinstance(tap, cb.InviteRevoke) and tap.sure)
    )


class _Errors(logging.Handler):
    """Every ERROR record any logger writes while the world runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Outcome:
    """What one input caused: the problems found (empty when all is well)."""

    problems: list[str] = field(default_factory=list)


@dataclass(repr=False)
class World:
    h: Harness
    fake: FakeTelegram
    runner: asyncio.Runner
    incident_code: str = ""
    baseline: dict[str, list[tuple[object, ...]]] = field(default_factory=dict)
    raised: list[BaseException] = field(default_factory=list)
    log: _Errors = field(default_factory=_Errors)
    trace: list[str] = field(default_factory=list)  # the current example's inputs, for reports
    reached: set[tuple[str, str]] = field(default_factory=set)  # (form, step) walked through

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return self.runner.run(coro)

    # --- building and tearing down ---------------------------------------------------------

    async def build(self) -> None:
        h = self.h
        await setup_liaisons(h)  # 101, 102: CAT's liaisons; 103: the IT centre's
        await join(h, RESPONDER, "responder")
        await join(h, RESPONDER_2, "responder")
        # Everyone's phone on file: a typed number outside a form would otherwise be taken as
        # the answer to "share your phone" (a completed flow, not a fuzzed input's harm).
        for user_id, phone in ((LIAISON, "0912 345 678"), (RESPONDER, "0913 000 111"),
                               (ADMIN, "0914 000 222"), (RESPONDER_2, "0915 000 333")):
            before = len(h.fake.messages_to(user_id))
            h.fake.send_contact(user_id, phone, user_id)
            await h.fake.wait_for_message(user_id, lambda m, p=phone: p[:4] in (m.plain_text or ""),
                                          after=before)
        await set_rotation(h, RESPONDER, RESPONDER_2)
        # Now, not when the periodic sweep comes by in the middle of an example.
        await h.services.duty.shift_start_notices()
        # A directive with a result report asked: its copy (ack, report) and status message.
        d = draft(h, ack_deadline_at=h.clock.now() + timedelta(hours=2),
                  report_deadline_at=h.clock.now() + timedelta(days=1))
        d.agency_ids = await agency_ids(h, "CAT")
        await h.services.broadcast.send(ADMIN, d)
        await h.services.sender.drained()
        listing = await h.say(ADMIN, "/status", lambda m: bool(m.buttons))
        h.fake.press_button(ADMIN, listing.message_id, next(
            b["callback_data"] for b in listing.buttons if b["callback_data"].startswith("sto:")))
        await h.fake.wait_for_message(ADMIN, lambda m: any(
            str(b.get("callback_data")).startswith("adm:") for b in m.buttons))
        # An incident, reported through /report and taken by the responder.
        p = Person(h, LIAISON)
        files = await category_to_files(p, await up_to_category(p))
        summary = await p.press(files, "Xong", "kiểm tra trước khi gửi")
        sent = await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố")
        self.incident_code = (sent.plain_text or "").split("Đã gửi báo cáo sự cố ")[1].split()[0]
        await h.services.sender.drained()
        notice = next(m for m in h.fake.messages_to(RESPONDER)
                      if any(b.get("callback_data", "").startswith("inc:take:") for b in m.buttons))
        await Person(h, RESPONDER).tap(notice, next(
            b["callback_data"] for b in notice.buttons if b["callback_data"].startswith("inc:take")))
        await h.services.sender.drained()
        detail = await h.say(RESPONDER, f"/incident {self.incident_code}", lambda m: any(
            str(b.get("callback_data")).startswith("inc:start") for b in m.buttons))
        await Person(h, RESPONDER).tap(detail, next(
            b["callback_data"] for b in detail.buttons if b["callback_data"].startswith("inc:start")))
        await h.services.sender.drained()
        assert h.app is not None
        h.app.add_error_handler(self._record_error)
        await self.quiet()
        logging.getLogger().addHandler(self.log)
        self.baseline = await self.snapshot()

    async def _record_error(self, update: object, context: Any) -> None:
        """Beside the bot's own error handler: what escaped a handler, refusals excepted."""
        if not isinstance(context.error, DomainError | Forbidden):
            self.raised.append(context.error)

    async def close(self) -> None:
        logging.getLogger().removeHandler(self.log)
        await self.h.stop()

    # --- waiting and checking --------------------------------------------------------------

    async def quiet(self) -> None:
        """Until the fake holds no unfetched update and the bot has nothing in progress."""
        app = self.h.app
        assert app is not None
        tasks: set[asyncio.Task[Any]] = app._Application__create_task_tasks  # type: ignore[attr-defined]
        deadline = time.monotonic() + QUIET_TIMEOUT
        while True:
            busy = (self.fake.pending_updates() or app.update_queue.qsize()
                    or app.update_queue._unfinished_tasks  # type: ignore[attr-defined]
                    or any(not task.done() for task in tasks))
            if not busy:
                await asyncio.sleep(0.01)  # one more turn: a reply's own follow-ups
                if not (self.fake.pending_updates() or any(not x.done() for x in tasks)):
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot is still busy after {QUIET_TIMEOUT}s: {self.trace}")
            await asyncio.sleep(0.005)

    async def snapshot(self) -> dict[str, list[tuple[object, ...]]]:
        db = self.h.services.db.reader
        async with db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite_%'") as cur:
            names = [r[0] for r in await cur.fetchall() if r[0] not in NOT_DOMAIN]
        tables = {}
        for name in names:
            async with db.execute(f'SELECT * FROM "{name}" ORDER BY 1') as cur:
                tables[name] = [tuple(r) for r in await cur.fetchall()]
        return tables

    async def changed_tables(self) -> list[str]:
        now = await self.snapshot()
        return [name for name in now if now[name] != self.baseline.get(name)]

    def problems_since(self, calls_before: int, log_before: int) -> list[str]:
        """Errors raised, logged, told to a user, or a Bot API call refused, since then."""
        found = [f"raised {exc!r}" for exc in self.raised]
        self.raised.clear()
        found += [f"logged {r.name}: {r.getMessage()[:300]}" for r in self.log.records[log_before:]]
        for call in self.fake.calls[calls_before:]:
            text = str(call.params.get("text") or call.params.get("caption") or "")
            if ERROR_TEXT in text:
                found.append(f"told {call.chat_id} {text[:200]!r}")
            # "Not modified" is Telegram's answer to refreshing an unchanged view; the bot
            # expects it and goes on.
            if not call.ok and "message is not modified" not in (call.error or ""):
                found.append(f"{call.method} to {call.chat_id} refused: {call.status} {call.error}")
        return found

    # --- inputs ------------------------------------------------------------------------------

    def latest_with_buttons(self, user_id: int, last: int = 3) -> list[SentMessage]:
        found = [m for m in self.fake.messages_to(user_id) if m.buttons and not m.deleted]
        return found[-last:]

    def any_message(self, user_id: int) -> SentMessage:
        messages = [m for m in self.fake.messages_to(user_id) if not m.deleted]
        return messages[-1]

    async def send(self, user_id: int, label: str, act: Callable[[], object]) -> list[str]:
        """Do `act` (a message from `user_id`); wait; the problems, unanswered included."""
        self.trace.append(f"{user_id}: {label}")
        calls, logs = len(self.fake.calls), len(self.log.records)
        act()
        await self.quiet()
        self._note_steps(user_id)
        found = self.problems_since(calls, logs)
        if not any(c.method in ANSWERS and c.chat_id == user_id and c.ok
                   for c in self.fake.calls[calls:]):
            found.append(f"no answer to {label}")
        return found

    async def tap(self, user_id: int, message: SentMessage, data: str) -> list[str]:
        """`user_id` taps `data` on `message`; wait; the problems, an unanswered tap included."""
        self.trace.append(f"{user_id}: tap {data!r} on message {message.message_id}")
        calls, logs = len(self.fake.calls), len(self.log.records)
        query = self.fake.press_button(user_id, message.message_id, data)
        await self.quiet()
        self._note_steps(user_id)
        found = self.problems_since(calls, logs)
        if not any(c.method == "answerCallbackQuery" and c.ok
                   and c.params.get("callback_query_id") == query
                   for c in self.fake.calls[calls:]):
            found.append(f"tap {data!r} not answered")
        return found

    def _note_steps(self, user_id: int) -> None:
        drafts = self.h.services.drafts
        for name in drafts.conversations(user_id):
            self.reached.add((name, drafts.step(user_id, name) or "?"))

    async def reset(self) -> list[str]:
        """Cancel whatever the walk left open; the drafts go, the domain must be as it was."""
        drafts = self.h.services.drafts
        found: list[str] = []
        for user_id in ACTORS:
            for _ in range(3):
                if not drafts.conversations(user_id):
                    break
                found += await self.send(user_id, "/cancel (reset)",
                                         lambda u=user_id: self.fake.send_text(u, "/cancel"))
            if drafts.conversations(user_id):
                found.append(f"/cancel left drafts {drafts.conversations(user_id)} of {user_id}")
        changed = await self.changed_tables()
        if changed:
            found.append(f"domain tables changed without a confirmed flow: {changed}")
            self.baseline = await self.snapshot()  # report it once, not in every later example
        return found


def open_world(tmp: Path) -> World:
    """Start the fake and the bot in a fresh loop and build the scene (a few seconds)."""
    runner = asyncio.Runner()
    clock = FakeClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))

    async def start() -> World:
        fake = FakeTelegram(TOKEN)
        await fake.__aenter__()
        for user_id, name in [(SUPER_ADMIN, "Quản trị"), (101, "Lan"), (102, "Minh"),
                              (103, "Hùng"), (104, "Khách"), (RESPONDER, "Phó"),
                              (RESPONDER_2, "Tâm")]:
            fake.add_user(user_id, name, "Nguyễn")
        world = World(Harness(fake, clock, tmp), fake, runner)
        await world.build()
        return world

    try:
        return runner.run(start())
    except BaseException:
        runner.close()
        raise


def close_world(world: World) -> None:
    try:
        world.run(world.close())
        world.run(world.fake.__aexit__(None, None, None))
    finally:
        world.runner.close()
