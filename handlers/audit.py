"""/audit [n]: the latest audited actions, for admins."""

from __future__ import annotations

from telegram import Update

from bot.context import HoaTocContext
from bot.domain.models import Role
from bot.services.audit_view import parse_count
from bot.telegram.audit_log_view import audit_lines
from bot.telegram.render import pack
from bot.texts import t
from handlers.common import message, require


async def audit(update: Update, context: HoaTocContext) -> None:
    """Newest first, one line each: when, who, what, about what."""
    await require(update, context, Role.ADMIN, "audit")
    count = parse_count(list(context.args or []))
    if count is None:
        await message(update).reply_text(t("aud_usage"))
        return
    s = context.services
    page = await s.audit.latest(count)
    for part in pack(audit_lines(page, s.settings.tz)):
        await message(update).reply_text(part)
