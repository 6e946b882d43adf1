"""/export: the oversight workbook (or CSV), sent to the admin who asked."""

from __future__ import annotations

import logging

from telegram import InputFile, Update

from bot.context import HoaTocContext
from bot.domain.models import Role
from bot.exports.worker import WITHIN
from bot.texts import t
from handlers.common import message, require, user_id

log = logging.getLogger(__name__)


async def export(update: Update, context: HoaTocContext) -> None:
    """Registered non-blocking: the admin's next update is not held behind a long build, and
    a second /export while one runs is told to wait."""
    await require(update, context, Role.ADMIN, "export")
    s, msg, uid = context.services, message(update), user_id(update)
    request = s.exports.request(list(context.args or []))
    with s.exports.slot(uid) as mine:
        if not mine:
            await msg.reply_text(t("exp_busy"))
            return
        plan = await s.exports.plan(request)
        what = s.exports.what(request)
        await msg.reply_text(t("exp_started", what=what))
        try:
            result = await s.exports.export(uid, plan)
            await msg.reply_document(InputFile(result.file.content, filename=result.filename),
                                     caption=result.caption)
        except TimeoutError:
            # The worker was killed at its limit: the same request would meet it again.
            log.exception("the export (%s) for %s outlived %s s", what, uid, WITHIN)
            await msg.reply_text(t("exp_too_long", what=what, minutes=int(WITHIN // 60)))
        except Exception:
            log.exception("the export (%s) for %s failed", what, uid)
            await msg.reply_text(t("exp_failed", what=what))
