"""What services need from the outside world, as protocols the composition root fills in.

Services speak in notices (`bot.domain.notices`); a channel implements `Notifier` and turns
them into messages (Telegram: `bot.telegram.notifier.TelegramNotifier`). Every queuing
method runs inside the caller's transaction, so a notice is queued exactly when what it
reports is committed; `flush` is called after the commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Protocol

import aiosqlite

from bot.domain.directives import Delivery, Directive
from bot.domain.models import Person
from bot.domain.notices import Account, Kind, Notice

# Handles of queued messages a cancel dropped: given back to `flush` after the commit.
Cancelled = tuple[int, ...]
# Work the caller adds to a service's transaction (a conversation's draft dropped with the
# directive or report it produced: a crash between the two must not offer «Gửi» again).
InCommit = Callable[[aiosqlite.Connection], Awaitable[None]]


class Notifier(Protocol):
    def reachable(self, person: Person) -> bool:
        """Can this channel reach the person now?"""
        ...

    async def send(self, conn: aiosqlite.Connection, to: Person | Account | Delivery,
                   notice: Notice,
                   now: int, *, keep_as: int | None = None) -> int:
        """Queue a notice to someone (to a copy: into the chat it went to); returns how many
        messages that took. `keep_as`: a copy of that escalation notice, kept so that
        `edit_notice` can rewrite it later."""
        ...

    async def send_copy(self, conn: aiosqlite.Connection, copy: Delivery, notice: Notice,
                        now: int) -> None:
        """Queue a directive's copy itself (a delivery), in as many messages as it takes."""
        ...

    async def edit_copy(self, conn: aiosqlite.Connection, copy: Delivery, notice: Notice,
                        now: int, *, landed: int | None = None) -> None:
        """Rewrite a copy; a later edit of the same copy still queued replaces this one.
        `landed`: the channel's handle of the message to rewrite, when it is not the copy's
        recorded one."""
        ...

    async def edit_status(self, conn: aiosqlite.Connection, directive: Directive,
                          notice: Notice, now: int) -> bool:
        """Rewrite the directive's status message; False if it has none."""
        ...

    async def edit_notice(self, conn: aiosqlite.Connection, notice_id: int, notice: Notice,
                          now: int) -> None:
        """Rewrite every kept copy of an escalation notice."""
        ...

    async def edit_notice_copy(self, conn: aiosqlite.Connection, notice_id: int,
                               person_id: int, notice: Notice, now: int) -> None:
        """Draw one person's kept copy of an escalation notice again, every part of it: the
        notice as it was sent, with what changed since (and `handlers`: who takes which)."""
        ...

    async def edit_reminders(self, conn: aiosqlite.Connection, copy: Delivery,
                             kinds: Collection[Kind], notice: Notice, now: int) -> None:
        """The reminders of these kinds sent under a copy (to its chat) say why they are no
        longer due (the notice, under their text) and offer the notice's actions instead."""
        ...

    async def cancel(self, conn: aiosqlite.Connection, kinds: Collection[Kind],
                     subject_id: int, reason: str, now: int, *,
                     agency_id: int | None = None) -> Cancelled:
        """Drop what is still unsent about a subject (for one agency, when given)."""
        ...

    def flush(self, cancelled: Cancelled = ()) -> None:
        """After the commit: send what was queued, forget what was cancelled."""
        ...


class Signal:
    """Plain callbacks told that something happened (e.g. the earliest due time moved)."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[], None]] = []

    def connect(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def __call__(self) -> None:
        for callback in self._callbacks:
            callback()

