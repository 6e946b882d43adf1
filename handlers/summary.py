"""/summary [kỳ]: the half-year / annual incident summary (Mẫu 05) as an .xlsx, for admins."""

from __future__ import annotations

import logging

from telegram import InputFile, Update
from telegram.error import Forbidden, TelegramError

from bot.context import HoaTocContext
from bot.domain.models import Role
from bot.telegram.summary_view import DAY, caption
from bot.texts import t
from handlers.common import message, require, user_id

log = logging.getLogger(__name__)


async def summary(update: Update, context: HoaTocContext) -> None:
    """Refuse others (audited); a bad period gets the usage (via the error handler)."""
    await require(update, context, Role.ADMIN, "summary")
    made = await context.services.summaries.make(user_id(update), list(context.args or []))
    try:
        await message(update).reply_document(
            InputFile(made.content, filename=made.file_name), caption=caption(made))
    except Forbidden:
        raise  # the admin blocked the bot: the error handler marks them unreachable
    except TelegramError:
        # Built, but Telegram did not take the upload: say that, not the generic error.
        log.exception("the summary %s for %s could not be sent", made.file_name,
                      user_id(update))
        await message(update).reply_text(t(
            "sum_send_failed", start=f"{made.span.start:{DAY}}", end=f"{made.span.end:{DAY}}"))
