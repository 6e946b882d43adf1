"""The "✅ Đã nhận văn bản" button: recorded first, then answered; never behind a conversation."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import TelegramError

from bot.context import HoaTocContext
from bot.services.acks import AckResult, AckStatus
from bot.telegram import callbacks
from bot.telegram import directive_view as view
from bot.telegram.directive_view import cite
from bot.telegram.render import local_time, plain
from bot.texts import t
from config.settings import Settings
from handlers.common import best_effort, user_id

log = logging.getLogger(__name__)

async def acknowledge(update: Update, context: HoaTocContext) -> None:
    """Record the agency's acknowledgement, then answer the tap."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.Ack)
    result = await context.services.acks.acknowledge(user_id(update), tap.delivery_id)
    await _answer(query, result, context.services.settings)


async def acknowledge_listed(update: Update, context: HoaTocContext) -> None:
    """«✅ Đã nhận văn bản» on a /pending item: the same acknowledgement, then the item says
    who acknowledged (or that the directive was recalled) and keeps only what is still owed."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.PendingAck)
    s = context.services
    result = await s.acks.acknowledge(user_id(update), tap.delivery_id)
    await _answer(query, result, s.settings)
    d = result.directive
    if d is None or result.status is AckStatus.REFUSED or result.status is AckStatus.ENDED:
        return  # not theirs: their message stays as it was
    await best_effort(query.edit_message_text(
        view.pending_settled(d, result.ack, result.acker.full_name if result.acker else None,
                             s.settings),
        reply_markup=view.pending_buttons(d, tap.delivery_id, acked=True)),
        "update a /pending item")


async def _answer(query: CallbackQuery, result: AckResult, settings: Settings) -> None:
    """Say what became of the tap (an alert unless it was recorded)."""
    if result.status is AckStatus.RECORDED:
        assert result.agency and result.directive
        text = t("ack_done", agency=result.agency.name, directive=cite(result.directive))
    elif result.status is AckStatus.ALREADY:
        assert result.agency and result.ack and result.acker
        text = t("ack_already_phone" if result.ack.via == "phone" else "ack_already",
                 agency=result.agency.name, name=result.acker.full_name,
                 time=local_time(result.ack.acked_at, settings.tz))
    elif result.status is AckStatus.RECALLED:
        assert result.directive
        text = t("ack_recalled", directive=cite(result.directive))
    elif result.status is AckStatus.ENDED:
        text = t("access_ended_tap")
    else:
        text = t("ack_refused")
    try:
        # Plain text: callback answers are not HTML.
        await query.answer(plain(text), show_alert=result.status is not AckStatus.RECORDED)
    except TelegramError as exc:  # the record stands whatever happens to the answer
        log.warning("could not answer ack tap %s: %s", query.id, exc)
