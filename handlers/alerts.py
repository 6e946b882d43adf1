"""/alerts: for responders (and admins), the open escalations and who is calling whom."""

from __future__ import annotations

from telegram import Update

from bot.context import HoaTocContext
from bot.telegram.alerts_view import alerts_lines
from bot.telegram.render import pack
from handlers.common import message, user_id


async def alerts(update: Update, context: HoaTocContext) -> None:
    """Open escalations, most pressing first: round, agencies awaited, who calls them."""
    s = context.services
    found, read_at = await s.alerts.open_alerts(user_id(update))
    for part in pack(alerts_lines(found, s.settings, read_at)):
        await message(update).reply_text(part)
