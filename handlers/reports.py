"""«📝 Báo cáo kết quả»: a short conversation, text and files, confirm, stored, admin told."""

from __future__ import annotations

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
from bot.domain.directives import utf16_len
from bot.domain.errors import InvalidInput
from bot.services.reports import MAX_FILES, MAX_TEXT, ReportDraft
from bot.telegram import callbacks as cb
from bot.telegram.render import domain_error, plain
from bot.texts import t
from handlers.common import (
    NEW,
    best_effort,
    busy_with,
    edits_ignored,
    expect_text,
    expire_drafts,
    leave,
    message,
    user_id,
)

COLLECT = 0


def _draft(context: HoaTocContext) -> ReportDraft | None:
    return cast(ReportDraft | None, cast(dict[str, Any], context.user_data).get("rr"))


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t("rr_button_send"), callback_data=cb.ResultButton("send").encode()),
        InlineKeyboardButton(t("bc_btn_cancel"), callback_data=cb.ResultButton("cancel").encode()),
    ]])


async def begin(update: Update, context: HoaTocContext) -> int:
    """The button on a directive: check the tapper, then ask for the report."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.OpenResult)
    delivery_id = tap.delivery_id
    s = context.services
    other = busy_with(context, "rr")
    if other is not None:
        await query.answer(plain(t("conv_busy", what=t(other))), show_alert=True)
        return ConversationHandler.END
    try:
        target = await s.reports.target(user_id(update), delivery_id)
    except InvalidInput as exc:
        await query.answer(plain(domain_error(exc, s.settings)), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    cast(dict[str, Any], context.user_data)["rr"] = ReportDraft(delivery_id)
    await message(update).reply_text(
        t("rr_ask", number=target.directive.number, summary=target.directive.summary,
          agency=target.agency.name), reply_markup=_keyboard())
    return COLLECT


async def add_text(update: Update, context: HoaTocContext) -> int:
    """Report text; several messages are joined."""
    draft = _draft(context)
    assert draft is not None
    added = (message(update).text or "").strip()
    combined = f"{draft.text}\n{added}".strip()
    if utf16_len(combined) > MAX_TEXT:  # as Telegram counts: the notice must fit one message
        await message(update).reply_text(t("rr_too_long", max_len=MAX_TEXT))
        return COLLECT
    draft.text = combined
    await message(update).reply_text(t("rr_got", chars=utf16_len(draft.text), files=len(draft.files)),
                                     reply_markup=_keyboard())
    return COLLECT


async def add_file(update: Update, context: HoaTocContext) -> int:
    """A document or photo for the report."""
    draft, msg = _draft(context), message(update)
    assert draft is not None
    if len(draft.files) >= MAX_FILES:
        await msg.reply_text(t("rr_too_many_files", max_files=MAX_FILES))
        return COLLECT
    if msg.document is not None:
        draft.files.append({"file_id": msg.document.file_id, "kind": "document",
                            "name": msg.document.file_name or ""})
    else:
        draft.files.append({"file_id": msg.photo[-1].file_id, "kind": "photo", "name": ""})
    if msg.caption:
        draft.text = f"{draft.text}\n{msg.caption.strip()}".strip()[:MAX_TEXT]
    await msg.reply_text(t("rr_got", chars=len(draft.text), files=len(draft.files)),
                         reply_markup=_keyboard())
    return COLLECT


async def send(update: Update, context: HoaTocContext) -> int:
    """«Gửi báo cáo»: stored, then the admin is told."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    draft = _draft(context)
    if draft is None:
        return ConversationHandler.END
    s = context.services
    try:
        target = await s.reports.submit(user_id(update), draft)
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        if exc.key == "rr_empty":
            return COLLECT
        cast(dict[str, Any], context.user_data).pop("rr", None)  # refused for good
        return ConversationHandler.END
    # Stored: the conversation is over whatever Telegram does next, so no second report.
    cast(dict[str, Any], context.user_data).pop("rr", None)
    await best_effort(query.edit_message_reply_markup(None), "drop the report's keyboard")
    await best_effort(message(update).reply_text(
        t("rr_sent", agency=target.agency.name, number=target.directive.number)),
        "confirm a stored report")
    return ConversationHandler.END


async def cancel(update: Update, context: HoaTocContext) -> int:
    """/cancel or «Hủy»."""
    return await leave(update, context, "rr", "rr_cancelled")


def conversation() -> ConversationHandler[HoaTocContext]:
    """The result-report conversation (buttons `rep:<delivery>` and `rr:...`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(begin, pattern=cb.matches(cb.OpenResult))],
            states={ConversationHandler.TIMEOUT: [TypeHandler(Update, expire_drafts)], COLLECT: [
                MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, add_text),
                MessageHandler(NEW & (filters.Document.ALL | filters.PHOTO), add_file),
                CallbackQueryHandler(send, pattern=cb.matches(cb.ResultButton, action="send")),
            ]},
            fallbacks=[
                CommandHandler("cancel", cancel, filters=NEW),
                edits_ignored(),
                CallbackQueryHandler(cancel, pattern=cb.matches(cb.ResultButton, action="cancel")),
                MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, expect_text),
            ],
            name="result_report",
            allow_reentry=True,
            conversation_timeout=3600,
        )
