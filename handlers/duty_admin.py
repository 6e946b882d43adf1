"""/duty_set and /duty_swap: short conversations with buttons to edit the duty roster."""

from __future__ import annotations

import secrets
import warnings
from datetime import datetime
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
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.models import Role
from bot.domain.roster import Shift
from bot.telegram import callbacks as cb
from bot.telegram.render import domain_error, local_time
from bot.texts import t
from handlers.common import (
    NEW,
    busy_with,
    edits_ignored,
    expect_button,
    expire_drafts,
    leave,
    message,
    require,
    take_button,
    user_id,
)

PERSON, FROM, TO, CONFIRM, SHIFT_A, PERSON_B, SHIFT_B = range(7)


def _data(context: HoaTocContext) -> dict[str, Any]:
    return cast(dict[str, Any], cast(dict[str, Any], context.user_data).setdefault("duty", {}))


def _button(text: str, tap: cb.Tap) -> InlineKeyboardButton:
    return InlineKeyboardButton(text[:60], callback_data=tap.encode())


def _cancel_row() -> list[InlineKeyboardButton]:
    return [_button(t("bc_btn_cancel"), cb.DutyCancel())]


async def _people_keyboard(context: HoaTocContext, second: bool,
                           exclude: int | None = None) -> InlineKeyboardMarkup | None:
    people = [p for p in await context.services.duty.responders() if p.id != exclude]
    if not people:
        return None
    rows = [[_button(p.full_name, cb.DutyPerson(second, p.id))] for p in people]
    return InlineKeyboardMarkup([*rows, _cancel_row()])


def _confirm_keyboard(context: HoaTocContext) -> InlineKeyboardMarkup:
    nonce = secrets.token_hex(4)
    _data(context)["nonce"] = nonce
    return InlineKeyboardMarkup([[_button(t("button_confirm"), cb.DutyConfirm(nonce)),
                                  _button(t("button_abort"), cb.DutyCancel())]])


async def _begin(update: Update, context: HoaTocContext, mode: str) -> int:
    await require(update, context, Role.ADMIN, f"duty_{mode}")
    other = busy_with(context, "duty")
    if other is not None:
        await message(update).reply_text(t("conv_busy", what=t(other)))
        return ConversationHandler.END
    _data(context).clear()
    _data(context)["mode"] = mode
    markup = await _people_keyboard(context, second=False)
    if markup is None:
        await message(update).reply_text(t("duty_no_responders"))
        _data(context).clear()
        return ConversationHandler.END
    await message(update).reply_text(t("duty_pick_person"), reply_markup=markup)
    return PERSON


async def start_set(update: Update, context: HoaTocContext) -> int:
    """/duty_set: a person on duty for a period."""
    return await _begin(update, context, "set")


async def start_swap(update: Update, context: HoaTocContext) -> int:
    """/duty_swap: two people exchange one shift each."""
    return await _begin(update, context, "swap")


async def _checked_tap(update: Update, context: HoaTocContext) -> cb.Tap | None:
    """Answer the tap; what it says, once the tapper is checked to be an admin still."""
    data = await take_button(update)
    await require(update, context, Role.ADMIN, f"duty_{_data(context).get('mode', 'set')}")
    return cb.parse(data)


async def _refused(update: Update, context: HoaTocContext, exc: DomainError) -> int:
    """A tap the database does not back (forged or stale): say why; the roster is unchanged."""
    _data(context).clear()
    await message(update).reply_text(domain_error(exc, context.services.settings))
    return ConversationHandler.END


async def person(update: Update, context: HoaTocContext) -> int:
    """The first person."""
    d = _data(context)
    try:
        tap = await _checked_tap(update, context)
        assert isinstance(tap, cb.DutyPerson)
        d["a"] = (await context.services.duty.responder(user_id(update), tap.person_id)).id
    except DomainError as exc:
        return await _refused(update, context, exc)
    if d["mode"] == "set":
        await message(update).reply_text(t("duty_ask_from"))
        return FROM
    return await _ask_shift(update, context, d["a"], False, SHIFT_A)


async def _ask_shift(update: Update, context: HoaTocContext, person_id: int, second: bool,
                     state: int) -> int:
    s = context.services
    who = await s.duty.person(person_id)
    shifts = await s.duty.upcoming_shifts(person_id)
    if not shifts:
        await message(update).reply_text(t("duty_no_shifts", name=who.full_name))
        _data(context).clear()
        return ConversationHandler.END
    rows = [[_button(f"{local_time(sh.start_at, s.settings.tz)} → "
                     f"{local_time(sh.end_at, s.settings.tz)}",
                     cb.DutyShift(second, sh.start_at, sh.end_at))]
            for sh in shifts]
    await message(update).reply_text(t("duty_pick_shift", name=who.full_name),
                                     reply_markup=InlineKeyboardMarkup([*rows, _cancel_row()]))
    return state


async def when_from(update: Update, context: HoaTocContext) -> int:
    """The start of the period."""
    s = context.services
    try:
        _data(context)["from"] = s.duty.parse_when(message(update).text or "")
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return FROM
    await message(update).reply_text(t("duty_ask_to"))
    return TO


async def when_to(update: Update, context: HoaTocContext) -> int:
    """The end of the period; then confirm."""
    s, d = context.services, _data(context)
    try:
        end = s.duty.parse_when(message(update).text or "")
        start: datetime = d["from"]
        s.duty.check_period(start, end)
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return TO
    d["to"] = end
    who = await s.duty.person(d["a"])
    await message(update).reply_text(
        t("duty_confirm_set", name=who.full_name, start=local_time(start, s.settings.tz),
          end=local_time(end, s.settings.tz)), reply_markup=_confirm_keyboard(context))
    return CONFIRM


def _shift(tap: cb.Tap | None, person_id: int) -> Shift:
    assert isinstance(tap, cb.DutyShift)
    return Shift(person_id, tap.start_at, tap.end_at)


async def shift_a(update: Update, context: HoaTocContext) -> int:
    """The first person's shift; then the second person."""
    d = _data(context)
    try:
        tap = await _checked_tap(update, context)
        d["shift_a"] = await context.services.duty.shift(user_id(update), _shift(tap, d["a"]))
    except DomainError as exc:
        return await _refused(update, context, exc)
    who = await context.services.duty.person(d["a"])
    markup = await _people_keyboard(context, second=True, exclude=d["a"])
    if markup is None:
        await message(update).reply_text(t("duty_no_responders"))
        d.clear()
        return ConversationHandler.END
    await message(update).reply_text(t("duty_pick_second", name=who.full_name), reply_markup=markup)
    return PERSON_B


async def person_b(update: Update, context: HoaTocContext) -> int:
    """The second person."""
    d = _data(context)
    try:
        tap = await _checked_tap(update, context)
        assert isinstance(tap, cb.DutyPerson)
        d["b"] = (await context.services.duty.responder(
            user_id(update), tap.person_id, other_than=d["a"])).id
    except DomainError as exc:
        return await _refused(update, context, exc)
    return await _ask_shift(update, context, d["b"], True, SHIFT_B)


async def shift_b(update: Update, context: HoaTocContext) -> int:
    """The second person's shift; then confirm."""
    s, d = context.services, _data(context)
    try:
        tap = await _checked_tap(update, context)
        d["shift_b"] = await s.duty.shift(user_id(update), _shift(tap, d["b"]))
    except DomainError as exc:
        return await _refused(update, context, exc)
    a, b = await s.duty.person(d["a"]), await s.duty.person(d["b"])
    tz = s.settings.tz
    await message(update).reply_text(t(
        "duty_confirm_swap", a=a.full_name, b=b.full_name,
        a_shift=local_time(d["shift_a"].start_at, tz), b_shift=local_time(d["shift_b"].start_at, tz),
    ), reply_markup=_confirm_keyboard(context))
    return CONFIRM


async def confirm(update: Update, context: HoaTocContext) -> int:
    """«Xác nhận»: write the override(s); the people concerned are told."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.DutyConfirm)
    d, s = _data(context), context.services
    if tap.nonce != d.get("nonce"):
        await query.answer(t("adm_stale"), show_alert=True)
        return CONFIRM
    tz = s.settings.tz
    done: str
    try:
        await _checked_tap(update, context)
        if d["mode"] == "set":
            who = await s.duty.assign(user_id(update), d["a"], d["from"], d["to"])
            done = t("duty_done_set", name=who.full_name, start=local_time(d["from"], tz),
                     end=local_time(d["to"], tz))
        else:
            a, b = await s.duty.swap(user_id(update), d["shift_a"], d["shift_b"])
            done = t("duty_done_swap", a=a.full_name, b=b.full_name)
    except DomainError as exc:
        done = domain_error(exc, s.settings)
    d.clear()
    await message(update).reply_text(done)
    return ConversationHandler.END


async def cancel(update: Update, context: HoaTocContext) -> int:
    """«Hủy» or /cancel."""
    return await leave(update, context, "duty", "duty_cancelled")


def conversation() -> ConversationHandler[HoaTocContext]:
    """/duty_set and /duty_swap (buttons `dt:...`)."""
    text = NEW & filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("duty_set", start_set, filters=NEW),
                          CommandHandler("duty_swap", start_swap, filters=NEW)],
            states={
                ConversationHandler.TIMEOUT: [TypeHandler(Update, expire_drafts)],
                PERSON: [CallbackQueryHandler(person, pattern=cb.matches(cb.DutyPerson, second=False))],
                FROM: [MessageHandler(text, when_from)],
                TO: [MessageHandler(text, when_to)],
                SHIFT_A: [CallbackQueryHandler(shift_a, pattern=cb.matches(cb.DutyShift, second=False))],
                PERSON_B: [CallbackQueryHandler(person_b, pattern=cb.matches(cb.DutyPerson, second=True))],
                SHIFT_B: [CallbackQueryHandler(shift_b, pattern=cb.matches(cb.DutyShift, second=True))],
                CONFIRM: [CallbackQueryHandler(confirm, pattern=cb.matches(cb.DutyConfirm))],
            },
            fallbacks=[
                CommandHandler("cancel", cancel, filters=NEW),
                edits_ignored(),
                CallbackQueryHandler(cancel, pattern=cb.matches(cb.DutyCancel)),
                MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, expect_button),
            ],
            name="duty_admin",
            allow_reentry=True,
            conversation_timeout=3600,
        )
