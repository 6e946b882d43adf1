"""/overdue: for responders (and admins), everything late now and whom to call."""

from __future__ import annotations

from telegram import Update

from bot.context import HoaTocContext
from bot.telegram.overdue_view import overdue_messages
from handlers.common import message, user_id


async def overdue(update: Update, context: HoaTocContext) -> None:
    """Late acknowledgements, result reports and incidents, by kind, oldest first."""
    s = context.services
    found, read_at = await s.overdue.overdue(user_id(update))
    for part in overdue_messages(found, s.settings, read_at):
        await message(update).reply_text(part)
