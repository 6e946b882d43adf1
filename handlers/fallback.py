"""What nothing else answered."""

from __future__ import annotations

from telegram import Update

from bot.context import HoaTocContext
from bot.texts import t
from handlers.common import message


async def unknown_command(update: Update, context: HoaTocContext) -> None:
    """A command the bot does not have."""
    command = (message(update).text or "").split()[0][:40]
    await message(update).reply_text(t("unknown_command", command=command))


async def nothing_to_cancel(update: Update, context: HoaTocContext) -> None:
    """/cancel outside any conversation (a draft in progress takes its own /cancel)."""
    await message(update).reply_text(t("cancel_nothing"))


async def stale_button(update: Update, context: HoaTocContext) -> None:
    """A button no handler claims: old, from a removed feature, or forged."""
    query = update.callback_query
    assert query is not None
    await query.answer(t("button_unknown"), show_alert=True)


async def unexpected(update: Update, context: HoaTocContext) -> None:
    """A sticker, a voice note, ... outside any conversation."""
    await message(update).reply_text(t("unexpected_message"))
