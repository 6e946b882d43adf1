"""Results: «📝 Báo cáo kết quả» opens a short conversation (text, files, «Gửi báo cáo»); stored."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Self

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import HoaTocContext
from bot.domain.directives import utf16_len
from bot.domain.errors import InvalidInput
from bot.services.results import MAX_FILES, MAX_TEXT, ResultDraft
from bot.telegram import callbacks as cb
from bot.telegram.directive_view import bannered, cite
from bot.telegram.render import domain_error, plain
from bot.texts import join, t
from handlers import forms
from handlers.common import NEW, best_effort, expect_text, message, user_id

COLLECT = "collect"


@dataclass
class Fields:
    """The result report being written: for which copy, its text, its files."""

    draft: ResultDraft = field(default_factory=lambda: ResultDraft(0))

    def to_json(self) -> dict[str, Any]:
        return asdict(self.draft)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(ResultDraft(**data))


def _draft(context: HoaTocContext) -> ResultDraft:
    return forms.state(context, Fields).draft


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t("res_button_send"), callback_data=cb.ResultButton("send").encode()),
        InlineKeyboardButton(t("bc_btn_cancel"), callback_data=cb.ResultButton("cancel").encode()),
    ]])


async def begin(update: Update, context: HoaTocContext) -> str:
    """The button on a directive: check the tapper, then ask for the report."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.OpenResult)
    s = context.services
    try:
        target = await s.results.target(user_id(update), tap.delivery_id)
    except InvalidInput as exc:
        await query.answer(plain(domain_error(exc, s.settings)), show_alert=True)
        return forms.END
    await query.answer()
    _draft(context).delivery_id = tap.delivery_id
    await forms.save(context, COLLECT)
    await message(update).reply_text(bannered(
        target.directive,
        t("res_ask", directive=cite(target.directive), summary=target.directive.summary,
          agency=target.agency.name,
          supplement=t("res_ask_supplement") if target.earlier else "")),
        reply_markup=_keyboard())
    return COLLECT


async def add_text(update: Update, context: HoaTocContext) -> str:
    """Report text; several messages are joined."""
    draft = _draft(context)
    added = (message(update).text or "").strip()
    combined = f"{draft.text}\n{added}".strip()
    if utf16_len(combined) > MAX_TEXT:  # as Telegram counts: the notice must fit one message
        await message(update).reply_text(t("res_too_long", max_len=MAX_TEXT))
        return COLLECT
    draft.text = combined
    await forms.save(context, COLLECT)
    await message(update).reply_text(t("res_got", chars=utf16_len(draft.text), files=len(draft.files)),
                                     reply_markup=_keyboard())
    return COLLECT


async def add_file(update: Update, context: HoaTocContext) -> str:
    """A document or photo for the report."""
    draft, msg = _draft(context), message(update)
    if len(draft.files) >= MAX_FILES:
        await msg.reply_text(t("res_too_many_files", max_files=MAX_FILES))
        return COLLECT
    if msg.document is not None:
        draft.files.append({"file_id": msg.document.file_id, "kind": "document",
                            "name": msg.document.file_name or ""})
    else:
        draft.files.append({"file_id": msg.photo[-1].file_id, "kind": "photo", "name": ""})
    if msg.caption:
        draft.text = f"{draft.text}\n{msg.caption.strip()}".strip()[:MAX_TEXT]
    await forms.save(context, COLLECT)
    await msg.reply_text(t("res_got", chars=len(draft.text), files=len(draft.files)),
                         reply_markup=_keyboard())
    return COLLECT


async def send(update: Update, context: HoaTocContext) -> str:
    """«Gửi báo cáo»: stored, then the admins are told."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    s = context.services
    try:
        target = await s.results.submit(user_id(update), _draft(context),
                                        also=forms.dropped_with(context))
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        if exc.key == "res_empty":
            return COLLECT
        return forms.END  # refused for good
    # Stored: the conversation is over whatever Telegram does next, so no second report.
    await forms.finish(context)
    await best_effort(query.edit_message_reply_markup(None), "drop the report's keyboard")
    said = t("res_sent_supplement" if target.earlier else "res_sent", agency=target.agency.name,
             directive=cite(target.directive))
    if target.acknowledged:
        said = join([said, t("res_sent_acked", agency=target.agency.name)])
    said = bannered(target.directive, said)
    await best_effort(message(update).reply_text(said), "confirm a stored report")
    return forms.END


FORM = forms.Form(
    name="results", title="conv_results", fields=Fields, cancelled="res_cancelled",
    entry_points=[CallbackQueryHandler(begin, pattern=cb.matches(cb.OpenResult))],
    steps=[forms.Step(COLLECT, "res_step_collect", [
        MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, add_text),
        MessageHandler(NEW & (filters.Document.ALL | filters.PHOTO), add_file),
        CallbackQueryHandler(send, pattern=cb.matches(cb.ResultButton, action="send")),
    ])],
    cancel_taps=cb.matches(cb.ResultButton, action="cancel"),
    fallbacks=[MessageHandler(NEW & ~filters.COMMAND, expect_text)],
)
