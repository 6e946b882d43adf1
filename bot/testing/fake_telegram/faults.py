"""Fault switches: make the fake answer as Telegram does when things go wrong."""

from __future__ import annotations

import time
from collections import deque
from http import HTTPStatus

from bot.testing.fake_telegram.methods import canonical_method
from bot.testing.fake_telegram.state import Failure, FakeState, Garble, as_int


class FaultSwitches(FakeState):
    """Blocked and lost chats, queued errors and delays, a rate limit (and ``latency``),
    outages, garbled answers and updates delivered twice."""

    def block(self, chat_id: int) -> None:
        """Sends to that chat answer 403 (the user blocked the bot)."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def lose_chat(self, chat_id: int) -> None:
        """Every request about that chat answers 400 chat not found."""
        self._lost.add(chat_id)

    def restore_chat(self, chat_id: int) -> None:
        self._lost.discard(chat_id)

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` get an error with that HTTP status.

        429 always carries ``parameters.retry_after`` (default 1).
        """
        if status == HTTPStatus.TOO_MANY_REQUESTS and retry_after is None:
            retry_after = 1
        queue = self._failures.setdefault(canonical_method(method), deque())
        queue.extend(Failure(status, retry_after, description) for _ in range(count))

    def hang_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Delay the response of the next ``count`` calls of ``method`` by ``seconds``.

        The request is still processed after the delay, even if the client gave up.
        """
        queue = self._hangs.setdefault(canonical_method(method), deque())
        queue.extend(seconds for _ in range(count))

    async def wait_for_hangs(self, method: str, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every delay set by ``hang_next`` for ``method`` has begun (its request
        arrived and is being held)."""
        name = canonical_method(method)
        started = await self._signal.wait_for(
            lambda: True if not self._hangs.get(name) else None, timeout)
        if started is None:
            raise AssertionError(f"{len(self._hangs.get(name, ()))} {name} call(s) never came")

    def set_rate_limit(
        self,
        per_second: int | None,
        per_chat_per_second: int | None = 1,
        retry_after: int = 1,
    ) -> None:
        """Sliding one-second window over successful sending methods; None disables a limit."""
        self._rate_per_second = per_second
        self._rate_per_chat = per_chat_per_second
        self._rate_retry_after = retry_after
        self._rate_window.clear()

    def outage(self, seconds: float, *, drop: bool = False) -> None:
        """Telegram is unreachable for ``seconds`` of real time from now: every request (file
        downloads too) answers 502 Bad Gateway, or with ``drop`` the connection is closed
        without an answer. Nothing a request asked for is done; a long poll that would
        answer during the outage fails the same way (its updates stay pending)."""
        self._outage_until = time.monotonic() + seconds
        self._outage_drops = drop

    def end_outage(self) -> None:
        self._outage_until = 0.0

    @property
    def in_outage(self) -> bool:
        return time.monotonic() < self._outage_until

    def garble_next(self, method: str, how: Garble, *, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` are carried out, but answered 200 with a
        spoiled body (see ``Garble``): the bot cannot read what Telegram did."""
        queue = self._garbles.setdefault(canonical_method(method), deque())
        queue.extend(how for _ in range(count))

    def deliver_again(self, update_id: int) -> None:
        """Telegram hands out an update the bot already fetched once more, with the same
        ``update_id`` (as after a restart before the offset was confirmed, or a webhook
        retry): first in the next ``getUpdates`` batch, whatever its offset."""
        for update in self.updates_log:
            if as_int(update.get("update_id")) == update_id:
                self._pending.insert(0, dict(update))
                self._again.add(update_id)
                self._signal.notify_all()
                return
        raise ValueError(f"no update {update_id} was ever enqueued")
