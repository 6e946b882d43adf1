"""Incident buttons answered outside any conversation: «Tiếp nhận» (recorded, then
answered, like «✅ Đã nhận văn bản»: never behind a conversation or a slow update)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import HoaTocContext
from bot.telegram import callbacks
from bot.telegram.incident_view import take_answer
from handlers.common import user_id

log = logging.getLogger(__name__)


async def take(update: Update, context: HoaTocContext) -> None:
    """«Tiếp nhận»: the service decides (re-read from the database), then the tap is
    answered: an alert unless this person took it now."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.IncidentAction)
    result = await context.services.incidents.take(user_id(update), tap.incident_id)
    incident = result.incident
    text = take_answer(result.status, incident.code if incident else "", result.name, result.at,
                       incident.status if incident else None, context.services.settings)
    try:
        await query.answer(text, show_alert=result.status != "taken")
    except TelegramError as exc:  # the record stands whatever happens to the answer
        log.warning("could not answer take tap %s: %s", query.id, exc)
