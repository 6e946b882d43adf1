"""/chart <number>: a picture of a directive's time to acknowledge per agency."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update

from bot.context import HoaTocContext
from bot.domain.models import Role
from bot.exports.chart import render
from bot.texts import t
from handlers.common import message, user_id

# The file name of the chart's upload (ASCII: a directive number holds '/').
CHART_FILE_NAME = "bieu-do-thoi-gian-xac-nhan.png"


async def chart(update: Update, context: HoaTocContext) -> None:
    """For responders and admins; drawn in a worker thread, so taps are answered meanwhile."""
    s = context.services
    number = " ".join(context.args or [])
    if not number:
        await s.figures.chart_access(user_id(update))
        await message(update).reply_text(t("chart_usage"))
        return
    data = await s.figures.chart(user_id(update), number)
    acked = sum(1 for r in data.rows if r.acked_at is not None)
    if not acked:  # each is pointed at a command they may use: /status is for admins
        person = await s.access.person(user_id(update))
        admin = Role.ADMIN in s.access.effective_roles(user_id(update), person)
        await message(update).reply_text(
            t("chart_nobody" if admin else "chart_nobody_responder", number=data.number))
        return
    png = await asyncio.to_thread(render, data)
    # Named, so the part is declared image/png: raw bytes go as "application.octet-stream".
    await message(update).reply_photo(
        InputFile(png, filename=CHART_FILE_NAME),
        caption=t("chart_caption", number=data.number, acked=acked, total=len(data.rows)))
