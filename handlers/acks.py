"""The "✅ Đã nhận văn bản" button: recorded first, then answered; never behind a conversation."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import HoaTocContext
from bot.services.acks import AckStatus
from bot.telegram import callbacks
from bot.telegram.directive_view import cite
from bot.telegram.render import local_time, plain
from bot.texts import t
from handlers.common import user_id

log = logging.getLogger(__name__)

async def acknowledge(update: Update, context: HoaTocContext) -> None:
    """Record the agency's acknowledgement, then answer the tap."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.Ack)
    s = context.services
    result = await s.acks.acknowledge(user_id(update), tap.delivery_id)
    if result.status is AckStatus.RECORDED:
        assert result.agency and result.directive
        text = t("ack_done", agency=result.agency.name, directive=cite(result.directive))
    elif result.status is AckStatus.ALREADY:
        assert result.agency and result.ack and result.acker
        text = t("ack_already_phone" if result.ack.via == "phone" else "ack_already",
                 agency=result.agency.name, name=result.acker.full_name,
                 time=local_time(result.ack.acked_at, s.settings.tz))
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

