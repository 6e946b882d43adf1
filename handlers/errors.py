"""The error handler: rule violations get their own text; anything else is logged and admitted."""

from __future__ import annotations

import contextlib
import logging
import sqlite3

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import HoaTocContext
from bot.domain.errors import DomainError
from bot.telegram import render
from bot.texts import t

log = logging.getLogger(__name__)


async def on_error(update: object, context: HoaTocContext) -> None:
    """Tell the user something true; log unexpected failures with the update id."""
    exc = context.error
    settings = context.services.settings
    if isinstance(exc, Forbidden) and isinstance(update, Update) and update.effective_user:
        # The person blocked the bot: mark them so broadcasts and escalations know.
        await context.services.onboarding.mark_unreachable(update.effective_user.id, str(exc))
        log.warning("update %s: chat %s is not reachable: %s", update.update_id,
                    update.effective_user.id, exc)
        return
    if isinstance(exc, DomainError):
        text = render.domain_error(exc, settings)
    elif _database_busy(exc):
        # Another process held the database past the busy timeout: the transaction was
        # rolled back, nothing was done; trying again shortly will work.
        update_id = update.update_id if isinstance(update, Update) else None
        log.warning("update %s: the database is busy (%s); the user is asked to retry",
                    update_id, exc)
        hint = t("hotline_hint", hotline=settings.focal_hotline) if settings.focal_hotline else ""
        text = t("flt2_busy", hotline_hint=hint)
    else:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed: %r", update_id, exc, exc_info=exc)
        hint = t("hotline_hint", hotline=settings.focal_hotline) if settings.focal_hotline else ""
        text = t("error_generic", hotline_hint=hint)
    if isinstance(update, Update) and update.effective_chat is not None:
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        try:
            await context.bot.send_message(update.effective_chat.id, text)
        except (TelegramError, KeyError, TypeError, ValueError, AttributeError) as send_exc:
            # Refused, or an answer PTB could not read (the apology may well have arrived):
            # either way the error handler ends here, it does not raise into PTB.
            log.warning("could not tell chat %s about an error: %r",
                        update.effective_chat.id, send_exc)


def _database_busy(exc: object) -> bool:
    """SQLite gave up waiting for a lock ("database is locked" / "database is busy")."""
    return isinstance(exc, sqlite3.OperationalError) and any(
        word in str(exc).lower() for word in ("locked", "busy"))
