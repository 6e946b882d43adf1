"""After sending: extend the deadline, send a correction, or recall; each confirmed first."""

from __future__ import annotations

import secrets
import warnings
from typing import Any, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import HoaTocContext
from bot.domain.directives import parse_text_field
from bot.domain.errors import InvalidInput
from bot.domain.models import Role
from bot.telegram import callbacks as cb
from bot.telegram.render import domain_error, local_time, plain
from bot.texts import t
from handlers.common import (
    NEW,
    busy_with,
    edits_ignored,
    expect_text,
    expire_drafts,
    leave,
    message,
    require,
    user_id,
)

ASK, CONFIRM = range(2)
MAX_CORRECTION = 3000


def _pending(context: HoaTocContext) -> dict[str, Any]:
    data = cast(dict[str, Any], context.user_data)
    return cast(dict[str, Any], data.setdefault("adm", {}))


def _confirm_keyboard(context: HoaTocContext) -> InlineKeyboardMarkup:
    """Buttons bound to the pending action: an old «Xác nhận» cannot run a newer action."""
    nonce = secrets.token_hex(4)
    _pending(context)["nonce"] = nonce
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t("button_confirm"), callback_data=cb.AdminConfirm(True, nonce).encode()),
        InlineKeyboardButton(t("button_abort"), callback_data=cb.AdminConfirm(False, nonce).encode()),
    ]])


async def begin(update: Update, context: HoaTocContext) -> int:
    """«Gia hạn», «Đính chính» or «Thu hồi» on a status message."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.DirectiveAction)
    await require(update, context, Role.ADMIN, "status")
    other = busy_with(context, "adm")
    if other is not None:
        await query.answer(plain(t("conv_busy", what=t(other))), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    action = tap.action
    directive = await context.services.broadcast.get(tap.directive_id)
    _pending(context).clear()
    _pending(context).update(action=action, directive_id=directive.id, number=directive.number)
    if action == "ext":
        await message(update).reply_text(t("adm_ask_deadline", number=directive.number))
        return ASK
    if action == "cor":
        await message(update).reply_text(t("adm_ask_correction", number=directive.number))
        return ASK
    await message(update).reply_text(t("adm_confirm_recall", number=directive.number),
                                     reply_markup=_confirm_keyboard(context))
    return CONFIRM


async def answer(update: Update, context: HoaTocContext) -> int:
    """The new deadline or the correction's text; then confirm."""
    s, p = context.services, _pending(context)
    text = message(update).text or ""
    try:
        if p["action"] == "ext":
            deadline = s.broadcast.parse_deadline(text)
            current = (await s.broadcast.get(p["directive_id"])).ack_deadline_at
            if deadline <= current:
                raise InvalidInput("adm_extend_earlier",
                                   deadline=local_time(current, s.settings.tz))
            p["deadline"] = deadline
            prompt = t("adm_confirm_extend", number=p["number"],
                       deadline=local_time(deadline, s.settings.tz))
        else:
            p["text"] = parse_text_field(text, key="adm_correction_invalid", max_len=MAX_CORRECTION)
            prompt = t("adm_confirm_correct", number=p["number"], text=p["text"])
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return ASK
    await message(update).reply_text(prompt, reply_markup=_confirm_keyboard(context))
    return CONFIRM


async def confirm(update: Update, context: HoaTocContext) -> int:
    """«Xác nhận»: do it (the service audits it)."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.AdminConfirm)
    if tap.nonce != _pending(context).get("nonce"):
        await query.answer(t("adm_stale"), show_alert=True)
        await query.edit_message_reply_markup(None)
        return CONFIRM if _pending(context).get("action") else ConversationHandler.END
    await query.answer()
    await query.edit_message_reply_markup(None)
    await require(update, context, Role.ADMIN, "status")
    s, p = context.services, _pending(context)
    done: str
    try:
        if p["action"] == "ext":
            d = await s.broadcast.extend(user_id(update), p["directive_id"], p["deadline"])
            done = t("adm_done_extend", number=d.number,
                     deadline=local_time(d.ack_deadline_at, s.settings.tz))
        elif p["action"] == "cor":
            d = await s.broadcast.correct(user_id(update), p["directive_id"], p["text"])
            done = t("adm_done_correct", number=d.number)
        else:
            d = await s.broadcast.recall(user_id(update), p["directive_id"])
            done = t("adm_done_recall", number=d.number)
    except InvalidInput as exc:
        done = domain_error(exc, s.settings)
    p.clear()
    await message(update).reply_text(done)
    return ConversationHandler.END


async def abort(update: Update, context: HoaTocContext) -> int:
    """«Thôi» or /cancel."""
    return await leave(update, context, "adm", "adm_aborted")


def conversation() -> ConversationHandler[HoaTocContext]:
    """Extend / correct / recall a sent directive."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(begin, pattern=cb.matches(cb.DirectiveAction))],
            states={
                ASK: [MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, answer)],
                CONFIRM: [CallbackQueryHandler(confirm, pattern=cb.matches(cb.AdminConfirm, ok=True))],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, expire_drafts)],
            },
            fallbacks=[
                CommandHandler("cancel", abort, filters=NEW),
                edits_ignored(),
                CallbackQueryHandler(abort, pattern=cb.matches(cb.AdminConfirm, ok=False)),
                MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND & ~filters.TEXT,
                               expect_text),
            ],
            name="directive_admin",
            allow_reentry=True,
            conversation_timeout=3600,
        )
