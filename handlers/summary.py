"""/summary [kỳ]: the half-year / annual incident summary (Mẫu 05) as an .xlsx, for admins."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.context import HoaTocContext
from bot.domain.models import Role
from bot.telegram.summary_view import caption
from handlers.common import message, require, user_id


async def summary(update: Update, context: HoaTocContext) -> None:
    """Refuse others (audited); a bad period gets the usage (via the error handler)."""
    await require(update, context, Role.ADMIN, "summary")
    made = await context.services.summaries.make(user_id(update), list(context.args or []))
    await message(update).reply_document(
        InputFile(made.content, filename=made.file_name), caption=caption(made))
