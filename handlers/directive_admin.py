"""After sending: extend the deadline, send a correction, or recall; each confirmed first."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Self

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.clock import from_epoch, to_epoch
from bot.context import HoaTocContext
from bot.domain.directives import Directive, parse_text_field
from bot.domain.errors import InvalidInput
from bot.domain.models import Role
from bot.domain.when import Moment
from bot.telegram import callbacks as cb
from bot.telegram import quick_view
from bot.telegram.directive_view import bannered, cite
from bot.telegram.render import domain_error, local_time, short_time, typed_time
from bot.texts import label, t
from handlers import forms, quick
from handlers.common import NEW, expect_text, message, require, user_id

ASK, CONFIRM = "ask", "confirm"
MAX_CORRECTION = 3000


@dataclass
class Fields:
    """The action pending confirmation, on which directive, and what it will set."""

    action: str = ""  # ext, cor or rcl
    directive_id: int = 0
    number: str = ""
    deadline: datetime | None = None
    text: str | None = None
    nonce: str | None = None  # the current «Xác nhận»'s: an older one runs nothing
    quick: str | None = None  # the deadline question's buttons (handlers.quick)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["deadline"] = to_epoch(self.deadline) if self.deadline else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        deadline = data.get("deadline")
        return cls(**{**data, "deadline": from_epoch(deadline) if deadline else None})


def _pending(context: HoaTocContext) -> Fields:
    return forms.state(context, Fields)


def _confirm_keyboard(context: HoaTocContext) -> InlineKeyboardMarkup:
    """Buttons bound to the pending action: an old «Xác nhận» cannot run a newer action."""
    nonce = secrets.token_hex(4)
    _pending(context).nonce = nonce
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t("button_confirm"), callback_data=cb.AdminConfirm(True, nonce).encode()),
        InlineKeyboardButton(t("button_abort"), callback_data=cb.AdminConfirm(False, nonce).encode()),
    ]])


async def admit(update: Update, context: HoaTocContext) -> None:
    """Admins only."""
    await require(update, context, Role.ADMIN, "status")


async def begin(update: Update, context: HoaTocContext) -> str:
    """«Gia hạn», «Đính chính» or «Thu hồi» on a status message."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.DirectiveAction)
    # Found first: a tap naming no directive is answered once, by the error handler.
    directive = await context.services.broadcast.get(tap.directive_id)
    await query.answer()
    p = _pending(context)
    p.action, p.directive_id, p.number = tap.action, directive.id, directive.number
    if tap.action == "ext":
        return await _ask_deadline(update, context, directive)
    if tap.action == "cor":
        await forms.save(context, ASK)
        await message(update).reply_text(bannered(directive, t("adm_ask_correction",
                                                               directive=cite(directive))))
        return ASK
    markup = _confirm_keyboard(context)
    await forms.save(context, CONFIRM)
    await message(update).reply_text(bannered(directive, t("adm_confirm_recall",
                                                           directive=cite(directive))),
                                     reply_markup=markup)
    return CONFIRM


async def _ask_deadline(update: Update, context: HoaTocContext, directive: Directive) -> str:
    """The extension's question, with the quick choices later than the current deadline."""
    s, p, tz = context.services, _pending(context), context.services.settings.tz
    p.quick = quick.nonce()
    await forms.save(context, ASK)
    rows = quick_view.rows("ext", p.quick, quick.offered(
        lambda text: s.broadcast.parse_extension(text, directive)))
    try:
        default = s.broadcast.default_extension(directive)
        rows.append(quick_view.default_row("ext", p.quick, short_time(default.at, tz)))
    except InvalidInput:  # the urgency's window from now ends before the current deadline
        pass
    rows.append([InlineKeyboardButton(label("button_abort"),
                                      callback_data=cb.AdminConfirm(False, p.quick).encode())])
    await message(update).reply_text(bannered(directive, t(
        "adm_ask_deadline", directive=cite(directive),
        deadline=local_time(directive.ack_deadline_at, tz))),
        reply_markup=InlineKeyboardMarkup(rows))
    return ASK


async def answer(update: Update, context: HoaTocContext) -> str:
    """The new deadline or the correction's text; then confirm."""
    s, p = context.services, _pending(context)
    text = message(update).text or ""
    directive = await s.broadcast.get(p.directive_id)
    if p.action == "ext":
        return await _extend_to(update, context, directive,
                                lambda: s.broadcast.parse_extension(text, directive))
    try:
        p.text = parse_text_field(text, key="adm_correction_invalid", max_len=MAX_CORRECTION)
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return ASK
    return await _confirm(update, context, bannered(
        directive, t("adm_confirm_correct", directive=cite(directive), text=p.text)))


async def answer_quick(update: Update, context: HoaTocContext) -> str:
    """«+1 giờ», «17:00 hôm nay», «Mặc định» ... for the new deadline, checked at the tap."""
    s, p = context.services, _pending(context)
    tap = await quick.taken(update, p.quick)
    if tap is None:
        return ASK
    directive = await s.broadcast.get(p.directive_id)
    if tap.choice == "def":
        return await _extend_to(update, context, directive,
                                lambda: s.broadcast.default_extension(directive))
    return await _extend_to(update, context, directive, lambda: s.broadcast.parse_extension(
        quick_view.text(tap.choice), directive))


async def _extend_to(update: Update, context: HoaTocContext, directive: Directive,
                     read: Callable[[], Moment]) -> str:
    s, p = context.services, _pending(context)
    try:
        deadline = read()
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return ASK
    await quick.settled(update)
    p.deadline = deadline.at
    return await _confirm(update, context, bannered(directive, t(
        "adm_confirm_extend", directive=cite(directive),
        deadline=typed_time(deadline, s.settings.tz))))


async def _confirm(update: Update, context: HoaTocContext, prompt: str) -> str:
    markup = _confirm_keyboard(context)
    await forms.save(context, CONFIRM)
    await message(update).reply_text(prompt, reply_markup=markup)
    return CONFIRM


async def confirm(update: Update, context: HoaTocContext) -> str:
    """«Xác nhận»: do it (the service audits it)."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.AdminConfirm)
    s, p = context.services, _pending(context)
    if tap.nonce != p.nonce:
        await query.answer(t("adm_stale"), show_alert=True)
        await query.edit_message_reply_markup(None)
        return CONFIRM
    await query.answer()
    await query.edit_message_reply_markup(None)
    await require(update, context, Role.ADMIN, "status")
    done: str
    try:
        if p.action == "ext":
            assert p.deadline is not None
            d = await s.broadcast.extend(user_id(update), p.directive_id, p.deadline)
            done = bannered(d, t("adm_done_extend", directive=cite(d),
                                 deadline=local_time(d.ack_deadline_at, s.settings.tz)))
        elif p.action == "cor":
            assert p.text is not None
            d = await s.broadcast.correct(user_id(update), p.directive_id, p.text,
                                          also=forms.dropped_with(context))
            done = bannered(d, t("adm_done_correct", directive=cite(d)))
        else:
            d = await s.broadcast.recall(user_id(update), p.directive_id)
            done = bannered(d, t("adm_done_recall", directive=cite(d)))
    except InvalidInput as exc:
        done = domain_error(exc, s.settings)
    await forms.finish(context)  # done (or refused for good): a restart must not offer it again
    await message(update).reply_text(done)
    return forms.END


FORM = forms.Form(
    name="directive_admin", title="conv_admin", fields=Fields, cancelled="adm_aborted",
    admit=admit,
    entry_points=[CallbackQueryHandler(begin, pattern=cb.matches(cb.DirectiveAction))],
    steps=[
        forms.Step(ASK, "adm_step_ask", [
            CallbackQueryHandler(answer_quick, pattern=cb.matches(cb.QuickTime, target="ext")),
            MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, answer)]),
        forms.Step(CONFIRM, "adm_step_confirm", [
            CallbackQueryHandler(confirm, pattern=cb.matches(cb.AdminConfirm, ok=True))]),
    ],
    cancel_taps=cb.matches(cb.AdminConfirm, ok=False),  # «Thôi», whichever action it was for
    fallbacks=[MessageHandler(NEW & ~filters.COMMAND & ~filters.TEXT, expect_text),
               CallbackQueryHandler(quick.stale, pattern=cb.matches(cb.QuickTime))],
)
