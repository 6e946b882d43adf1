"""Quick choices beside a typed time, the same way in every form that asks one.

A prompt's buttons carry a nonce kept in the form's draft: a button from an earlier prompt
(another step, a previous run of the same step) no longer matches it and is answered as stale,
changing nothing. What a choice means is its label read as typed (`bot.telegram.quick_view`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from telegram import Update

from bot.context import HoaTocContext
from bot.domain.errors import InvalidInput
from bot.telegram import callbacks as cb
from bot.telegram.quick_view import CHOICES, text
from bot.telegram.render import plain
from bot.texts import t
from handlers.common import best_effort


def nonce() -> str:
    return secrets.token_hex(4)


def offered(check: Callable[[str], object],
            choices: Sequence[cb.QuickChoice] = CHOICES) -> list[cb.QuickChoice]:
    """The choices the step's own rules (`check`, given the label as typed) accept now."""
    found: list[cb.QuickChoice] = []
    for choice in choices:
        try:
            check(text(choice))
        except InvalidInput:  # past, too far, before another deadline ...: not offered
            continue
        found.append(choice)
    return found


async def taken(update: Update, expected: str | None) -> cb.QuickTime | None:
    """The tap, answered, if it belongs to the prompt the draft waits on; else None, and the
    tap answered as stale."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    if not isinstance(tap, cb.QuickTime) or expected is None or tap.nonce != expected:
        await query.answer(plain(t("qt_stale")), show_alert=True)
        return None
    await query.answer()
    return tap


async def settled(update: Update) -> None:
    """A tap answered its question: the question's buttons go (a typed answer leaves them,
    stale, to be answered as such)."""
    query = update.callback_query
    if query is not None:
        await best_effort(query.edit_message_reply_markup(None), "drop a time prompt's buttons")


async def stale(update: Update, context: HoaTocContext) -> None:
    """A quick choice or «Quay lại» from a prompt the form has left."""
    query = update.callback_query
    assert query is not None
    await query.answer(plain(t("qt_stale")), show_alert=True)
