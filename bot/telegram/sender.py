"""Drains the outbox under Telegram's limits: N per second overall, one per second per chat.

Each chat's operations go out in order. A 429 delays only its chat, by its `retry_after`;
timeouts, connection errors and server errors are retried with backoff capped at a minute,
for hours (`max_attempts`), so a network outage delays a broadcast but does not fail it;
403 and "chat not found" fail the chat's queue and report the chat unreachable. An answer
that cannot be read (not JSON, a message missing its fields) is retried like an outage.
The queue lives in SQLite, so a restart resumes it; rows another process commits (late copies
queued by `hoatoc import`) wake nobody, so the queue is read again every `poll_every` seconds;
an operation is marked done only after Telegram answered, so delivery is at-least-once, and
at most `max_in_flight` operations can be repeated after a crash. A send Telegram took but
that could not be recorded (the database locked by another process, a full disk) keeps its
result and retries the commit, never the send.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import aiosqlite
from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock, to_epoch
from bot.storage.db import Database
from bot.storage.outbox import PERSON_INACTIVE, OutboxOp, OutboxRepository

log = logging.getLogger(__name__)

UNREACHABLE_ERRORS = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")
INVALID_RESPONSE = "Invalid server response"  # PTB's TelegramError for a body that is not JSON


class UnreadableAnswer(NetworkError):
    """Telegram (or whatever stands in front of it) answered something we cannot read."""


@dataclass(frozen=True, slots=True)
class Outcome:
    op_id: int
    chat_id: int
    delivery_id: int | None
    ok: bool
    message_id: int | None = None
    error: str | None = None
    unreachable: bool = False
    payload: dict[str, Any] | None = None
    subject_kind: str | None = None  # what the operation was about (its outbox columns)
    subject_id: int | None = None


class SlidingWindow:
    """At most `rate` acquisitions in any window of `period` seconds (what Telegram counts),
    evenly paced: bursts that arrive bunched at the server would trip its window on jitter."""

    # How far pacing may catch up after the event loop woke late (a busy loop would
    # otherwise allow one send per wake-up, far below the rate at high rates).
    SLACK = 0.05

    def __init__(self, rate: float, period: float = 1.0) -> None:
        self.rate = max(1, int(rate))
        self.period = period
        self.spacing = period / self.rate
        self._stamps: deque[float] = deque()
        self._next = 0.0  # the paced slot of the next acquisition
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:
            while True:
                now = loop.time()
                while self._stamps and now - self._stamps[0] >= self.period:
                    self._stamps.popleft()
                slot = max(self._next, now - self.SLACK)
                wait = slot - now
                if len(self._stamps) >= self.rate:
                    wait = max(wait, self._stamps[0] + self.period - now)
                if wait <= 0:
                    self._stamps.append(now)
                    self._next = slot + self.spacing
                    return
                await asyncio.sleep(wait)


Listener = Callable[[Outcome], Awaitable[None]]
# Told, inside the transaction that records it, of a message that landed after its operation
# was cancelled (a copy of a directive recalled while it was in flight): it may queue more.
LateLanding = Callable[[aiosqlite.Connection, OutboxOp, int | None, int], Awaitable[None]]
# The chats nothing may be sent to any more (their person was deactivated), read from the
# database: `hoatoc import` deactivates people from another process, which cannot tell this
# sender to forget what it has already loaded for them.
ClosedChats = Callable[[aiosqlite.Connection], Awaitable[frozenset[int]]]


class OutboxSender:
    RECORD_RETRY = 0.2  # first wait before a failed record is committed again
    CLOSED_EVERY = 1.0  # seconds between reads of the closed chats
    def __init__(
        self, db: Database, clock: Clock, bots: Bot | Sequence[Bot], *, rate: float = 29.0,
        per_chat_interval: float = 1.0, max_in_flight: int = 10, max_attempts: int = 200,
        max_backoff: float = 60.0, min_backoff: float = 1.0, poll_every: float = 5.0,
        on_late_landing: LateLanding | None = None, closed_chats: ClosedChats | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        # Several clients, each with a small connection pool: httpcore's pool slows down
        # sharply with many connections (its request assignment is quadratic), so 100 sends
        # in flight through one pool run slower than 20 (see docs/BENCHMARKS.md).
        self.bots = [bots] if isinstance(bots, Bot) else list(bots)
        self.per_chat_interval = per_chat_interval
        self.max_attempts = max_attempts
        self.max_backoff = max_backoff
        self.min_backoff = min_backoff
        self.max_in_flight = max_in_flight
        self._window = SlidingWindow(rate)
        self._free: asyncio.Queue[Bot] = asyncio.Queue()  # one entry per send slot
        for i in range(max_in_flight):
            self._free.put_nowait(self.bots[i % len(self.bots)])
        self._queues: dict[int, deque[int]] = {}
        self._ops: dict[int, OutboxOp] = {}  # loaded operations, by id
        self._volatile: set[int] = set()  # edits whose text a later edit may still replace
        self._done: list[tuple[OutboxOp, int | None, asyncio.Future[bool]]] = []
        self._done_ready = asyncio.Event()
        self._recorder: asyncio.Task[None] | None = None
        self._heap: list[tuple[float, int]] = []
        self._scheduled: set[int] = set()  # chats in the heap or in flight
        self._last_start: dict[int, float] = {}
        self._last_loaded = 0
        self.poll_every = poll_every
        self._next_poll = 0.0  # loop time of the next look for rows nobody woke us for
        self._dirty = True
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._sending: set[int] = set()  # chats with an operation in flight
        self._loading = False
        self._listeners: list[Listener] = []
        self.on_late_landing = on_late_landing
        self.closed_chats = closed_chats
        self._closed: frozenset[int] = frozenset()
        self._next_closed = 0.0  # loop time of the next read of the closed chats
        self._cancelled: set[int] = set()  # cancelled in the database while in flight
        self._stopping = False
        self._stop_requested = asyncio.Event()
        self._idle = asyncio.Event()

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def forget(self, op_ids: list[int]) -> None:
        """Cancelled in the database: drop them, unless already in flight."""
        for op_id in op_ids:
            op = self._ops.get(op_id)
            if op is None:
                continue
            queue = self._queues.get(op.chat_id)
            if queue and op_id in queue and queue[0] != op_id:
                queue.remove(op_id)
                self._ops.pop(op_id, None)
                self._volatile.discard(op_id)
            elif queue and queue[0] == op_id and op.chat_id not in self._sending:
                queue.popleft()
                self._ops.pop(op_id, None)
            else:  # in flight: whatever lands is withdrawn; it is not tried again
                self._cancelled.add(op_id)

    def wake(self) -> None:
        """New rows were committed: load them."""
        self._dirty = True
        self._wake.set()

    async def start(self) -> None:
        if self._task is None:
            loop = asyncio.get_running_loop()
            self._task = loop.create_task(self._run(), name="outbox")
            self._recorder = loop.create_task(self._record_loop(), name="outbox-recorder")
            self._stopping = False
            self._stop_requested.clear()
            self._next_closed = 0.0  # read the closed chats afresh before the first send

    async def stop(self) -> None:
        self._stopping = True
        self._stop_requested.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        if self._recorder is not None:
            self._recorder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recorder
            self._recorder = None

    @property
    def pending(self) -> int:
        return sum(len(q) for q in self._queues.values())

    async def drained(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until nothing is queued or in flight (tests and benchmarks)."""
        async with asyncio.timeout(timeout):
            while True:
                self._idle.clear()
                if (not self._dirty and not self._loading and self.pending == 0
                        and not self._in_flight):
                    return
                await self._idle.wait()

    # --- the loop -------------------------------------------------------------------------

    async def _load(self) -> None:
        self._dirty = False  # a wake() during the query below sets it again: nothing is missed
        now = asyncio.get_running_loop().time()
        self._next_poll = now + self.poll_every
        self._loading = True  # from here: drained() must not take the sender for idle
        try:
            if self.closed_chats is not None and now >= self._next_closed:
                # At most once a second (a wake comes with many commits): what was loaded
                # for a person an import deactivates may still go out within that second.
                self._next_closed = now + self.CLOSED_EVERY
                try:
                    self._closed = await self.closed_chats(self.db.reader)
                except Exception:  # never in the way of loading: the last list stays
                    log.exception("could not read the closed chats; trying again shortly")
                    self._next_closed = now
            rows = await OutboxRepository(self.db.reader).queued_after(self._last_loaded)
        finally:
            self._loading = False
        loop = asyncio.get_running_loop()
        for op, volatile in rows:
            op_id, chat_id = op.id, op.chat_id
            self._last_loaded = max(self._last_loaded, op_id)
            self._ops[op_id] = op
            if volatile:
                self._volatile.add(op_id)
            self._queues.setdefault(chat_id, deque()).append(op_id)
            if chat_id not in self._scheduled:
                start = self._last_start.get(chat_id, -1e9) + self.per_chat_interval
                self._schedule(chat_id, max(loop.time(), start))

    def _schedule(self, chat_id: int, at: float) -> None:
        self._scheduled.add(chat_id)
        heapq.heappush(self._heap, (at, chat_id))

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                if self._dirty or loop.time() >= self._next_poll:
                    await self._load()
                if not self._heap:
                    self._idle.set()
                    await self._wait(None)
                    continue
                at, chat_id = self._heap[0]
                delay = at - loop.time()
                if delay > 0:
                    await self._wait(delay)
                    continue
                heapq.heappop(self._heap)
                if not self._queues.get(chat_id):
                    self._scheduled.discard(chat_id)
                    continue
                await self._window.acquire()
                client = await self._free.get()
                if not self._queues.get(chat_id):
                    # A recall (`forget`) emptied the queue while we waited for a slot: give
                    # the client back; the chat is scheduled again when rows come for it.
                    self._free.put_nowait(client)
                    self._scheduled.discard(chat_id)
                    continue
                self._last_start[chat_id] = loop.time()
                self._sending.add(chat_id)
                task = loop.create_task(self._send(chat_id, self._queues[chat_id][0], client))
                self._in_flight.add(task)
                task.add_done_callback(self._task_done)
            except asyncio.CancelledError:
                raise
            except Exception:  # the loop must survive anything (e.g. a database hiccup)
                log.exception("outbox loop error; retrying in 1 s")
                await asyncio.sleep(1)
                self._dirty = True

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._idle.set()

    async def _wait(self, delay: float | None) -> None:
        self._wake.clear()
        if self._dirty:
            return
        until_poll = max(0.0, self._next_poll - asyncio.get_running_loop().time())
        delay = until_poll if delay is None else min(delay, until_poll)
        # Not wait_for: on Python 3.11 it swallows a cancel (stop()) that lands as the event
        # fires, and the loop would never end.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._wake.wait()

    # --- one operation ----------------------------------------------------------------------

    async def _send(self, chat_id: int, op_id: int, client: Bot) -> None:
        loop = asyncio.get_running_loop()
        next_at: float | None = None
        try:
            op: OutboxOp | None = self._ops.get(op_id)
            if op_id in self._volatile:  # read the latest text of a coalesced edit
                op = await OutboxRepository(self.db.reader).get(op_id)
            if op is None or op_id in self._cancelled:  # done or cancelled meanwhile
                self._pop(chat_id)
                return
            if chat_id in self._closed and self.closed_chats is not None and (
                    chat_id in await self.closed_chats(self.db.reader)):  # still, now
                await self._fail_chat(chat_id, PERSON_INACTIVE, unreachable=False)
                return
            try:
                message_id = await self._perform_readable(op, client)
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                log.info("429 for chat %s: waiting %.0f s", chat_id, wait)
                next_at = loop.time() + wait
                return
            except Forbidden as exc:
                await self._fail_chat(chat_id, str(exc), unreachable=True)
                return
            except BadRequest as exc:
                await self._bad_request(op, exc)
                return
            except NetworkError as exc:  # timeouts and 5xx: try again later
                if op.attempts + 1 >= self.max_attempts:
                    await self._finish_failed(op, f"gave up: {exc}")
                else:
                    async with self.db.transaction() as conn:
                        await OutboxRepository(conn).bump_attempts(op.id, str(exc))
                    self._ops[op.id] = replace(op, attempts=op.attempts + 1)
                    delay = min(self.max_backoff, self.min_backoff * 2.0 ** op.attempts)
                    log.info("op %s to chat %s: %s; retry %d in %s s", op.id, chat_id, exc,
                             op.attempts + 1, delay)
                    next_at = loop.time() + delay
                return
            except TelegramError as exc:
                await self._finish_failed(op, str(exc))
                return
            if not await self._record_sent(op, message_id):
                next_at = loop.time()  # rewritten meanwhile: send the newer text next
                return
            self._pop(chat_id)
            await self._notify(Outcome(op.id, chat_id, op.delivery_id, True, message_id,
                                       payload=op.payload, subject_kind=op.subject_kind,
                                       subject_id=op.subject_id))
        except Exception:
            log.exception("outbox op %s failed unexpectedly; it will be retried", op_id)
            next_at = loop.time() + 5
        finally:
            self._sending.discard(chat_id)
            self._free.put_nowait(client)
            queue = self._queues.get(chat_id)
            if queue:
                start = self._last_start.get(chat_id, loop.time()) + self.per_chat_interval
                self._schedule(chat_id, max(start, next_at or 0.0))
            else:
                self._scheduled.discard(chat_id)
                self._queues.pop(chat_id, None)
            self._wake.set()
            self._idle.set()

    def _pop(self, chat_id: int) -> None:
        """The chat's head operation is finished, one way or another."""
        op_id = self._queues[chat_id].popleft()
        self._ops.pop(op_id, None)
        self._volatile.discard(op_id)
        self._cancelled.discard(op_id)

    async def _record_sent(self, op: OutboxOp, message_id: int | None) -> bool:
        """Mark the operation done; waits for the commit. Many results share one commit.
        Telegram took it, so a commit that fails (another process holds the write lock, the
        disk is full) is retried, never the send; only a stop gives up (the op then goes out
        again after the restart, the documented in-flight window).
        False: a newer edit rewrote it while it was in flight, so it must be sent again."""
        delay = self.RECORD_RETRY
        while True:
            done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            self._done.append((op, message_id, done))
            self._done_ready.set()
            try:
                return await done
            except Exception as exc:
                if self._stopping:
                    log.error("op %s to chat %s went out but could not be recorded (%s);"
                              " it will go out again after a restart", op.id, op.chat_id, exc)
                    raise
                log.warning("op %s to chat %s went out but could not be recorded (%s);"
                            " recording it again in %.1f s", op.id, op.chat_id, exc, delay)
                with contextlib.suppress(TimeoutError):  # a stop cuts the wait short
                    await asyncio.wait_for(self._stop_requested.wait(), delay)
                delay = min(delay * 2, self.max_backoff)

    async def _record_loop(self) -> None:
        """Group commit: one transaction for every result that arrived since the last one."""
        while True:
            await self._done_ready.wait()
            self._done_ready.clear()
            batch, self._done = self._done, []
            if not batch:
                continue
            try:
                results, late = [], False
                async with self.db.transaction() as conn:
                    repo, now = OutboxRepository(conn), to_epoch(self.clock.now())
                    for op, message_id, _ in batch:
                        recorded = await repo.mark_sent(op, message_id, now)
                        results.append(recorded != "rewritten")
                        if recorded == "cancelled" and self.on_late_landing is not None:
                            late = True
                            try:
                                await self.on_late_landing(conn, op, message_id, now)
                            except sqlite3.Error:
                                raise  # the whole record is retried
                            except Exception:  # a bug there must not hold back the others
                                log.exception("op %s landed after it was cancelled;"
                                              " could not withdraw it", op.id)
            except Exception as exc:  # each waiting send decides what to do
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, _, done), result in zip(batch, results, strict=True):
                if not done.done():
                    done.set_result(result)
            if late:
                self.wake()

    async def _perform_readable(self, op: OutboxOp, bot: Bot) -> int | None:
        """`_perform`, an answer that cannot be read (not JSON, a message without its
        fields: a proxy's page, a broken middlebox) turned into a `NetworkError`: retried
        with backoff like an outage, never marked failed — Telegram may not have it (and if
        it has, the copy goes twice: at least once)."""
        try:
            return await self._perform(op, bot)
        except TelegramError as exc:
            if str(exc) != INVALID_RESPONSE:
                raise
            raise UnreadableAnswer(f"unreadable answer from Telegram: {exc}") from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # PTB parsing it
            raise UnreadableAnswer(f"unreadable answer from Telegram: {exc!r}") from exc

    async def _perform(self, op: OutboxOp, bot: Bot) -> int | None:
        p = op.payload
        markup = InlineKeyboardMarkup.de_json(p["reply_markup"], bot) if p.get(
            "reply_markup") else None
        message: Message | bool
        if op.method == "send_message":
            # A notice threads under the directive; if that copy was deleted, it goes anyway.
            reply_to = p.get("reply_to")
            if reply_to is None and p.get("reply_to_delivery") is not None:
                # Under a copy queued with it: sent before it (same chat, in order), so its
                # message id is recorded by now.
                reply_to = await OutboxRepository(self.db.reader).delivery_message_id(
                    p["reply_to_delivery"])
            reply = (ReplyParameters(reply_to, allow_sending_without_reply=True)
                     if reply_to else None)
            message = await bot.send_message(
                op.chat_id, p["text"], reply_markup=markup, reply_parameters=reply,
                disable_web_page_preview=True,
            )
        elif op.method == "send_document":
            message = await bot.send_document(
                op.chat_id, p["file_id"], caption=p.get("caption"), reply_markup=markup)
        elif op.method == "send_photo":
            message = await bot.send_photo(
                op.chat_id, p["file_id"], caption=p.get("caption"), reply_markup=markup)
        elif op.method == "edit_message_text":
            target = p.get("message_id")
            if target is None and op.delivery_id is not None:
                target = await OutboxRepository(self.db.reader).delivery_message_id(op.delivery_id)
            if target is None and p.get("target_op") is not None:
                target = await OutboxRepository(self.db.reader).op_message_id(p["target_op"])
            if target is None:
                raise BadRequest("Message to edit not found (never delivered)")
            message = await bot.edit_message_text(
                p["text"], chat_id=op.chat_id, message_id=target, reply_markup=markup,
                disable_web_page_preview=True,
            )
        else:
            raise BadRequest(f"unknown outbox method {op.method}")
        return message.message_id if isinstance(message, Message) else None

    async def _bad_request(self, op: OutboxOp, exc: BadRequest) -> None:
        text = str(exc).lower()
        if "message is not modified" in text:
            if await self._record_sent(op, None):
                self._pop(op.chat_id)
            return
        if any(marker in text for marker in UNREACHABLE_ERRORS):
            await self._fail_chat(op.chat_id, str(exc), unreachable=True)
            return
        await self._finish_failed(op, str(exc))

    async def _finish_failed(self, op: OutboxOp, error: str) -> None:
        log.warning("outbox op %s to chat %s failed: %s", op.id, op.chat_id, error)
        async with self.db.transaction() as conn:
            await OutboxRepository(conn).mark_failed(
                [op.id], error, to_epoch(self.clock.now()), blocked=False)
        self._pop(op.chat_id)
        await self._notify(Outcome(op.id, op.chat_id, op.delivery_id, False, error=error,
                                   payload=op.payload, subject_kind=op.subject_kind,
                                   subject_id=op.subject_id))

    async def _fail_chat(self, chat_id: int, error: str, *, unreachable: bool) -> None:
        """The chat cannot be written to: everything queued for it fails at once."""
        ops = list(self._queues.get(chat_id, ()))
        details = [self._ops.get(op_id) for op_id in ops]
        async with self.db.transaction() as conn:
            await OutboxRepository(conn).mark_failed(
                ops, error, to_epoch(self.clock.now()), blocked=unreachable)
        while self._queues.get(chat_id):
            self._pop(chat_id)
        log.warning("chat %s unreachable (%s): %d queued operation(s) failed",
                    chat_id, error, len(ops))
        for op in details:
            if op is not None:
                await self._notify(Outcome(op.id, chat_id, op.delivery_id, False, error=error,
                                           unreachable=unreachable, payload=op.payload,
                                           subject_kind=op.subject_kind,
                                           subject_id=op.subject_id))

    async def _notify(self, outcome: Outcome) -> None:
        for listener in self._listeners:
            try:
                await listener(outcome)
            except Exception:
                log.exception("outbox listener failed")


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
