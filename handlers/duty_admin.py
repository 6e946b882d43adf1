"""/duty_set and /duty_swap: short conversations with buttons to edit the duty roster."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.clock import from_epoch, to_epoch
from bot.context import HoaTocContext
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.models import Role
from bot.domain.roster import Shift
from bot.telegram import callbacks as cb
from bot.telegram.render import domain_error, local_time, short_time
from bot.texts import t
from handlers import forms
from handlers.common import NEW, expect_button, message, require, take_button, user_id

PERSON, FROM, TO, CONFIRM, SHIFT_A, PERSON_B, SHIFT_B = (
    "person", "from", "to", "confirm", "shift_a", "person_b", "shift_b")


def _shift_json(shift: Shift | None) -> list[Any] | None:
    if shift is None:
        return None
    return [shift.person_id, to_epoch(shift.start_at), to_epoch(shift.end_at), shift.override]


def _shift_of(data: list[Any] | None) -> Shift | None:
    if data is None:
        return None
    person_id, start, end, override = data
    return Shift(person_id, from_epoch(start), from_epoch(end), override)


@dataclass
class Fields:
    """The roster change being prepared: who, when or which shifts, and its «Xác nhận»."""

    mode: str = "set"  # set or swap
    a: int | None = None  # the first person's id
    b: int | None = None  # the second person's (a swap)
    start_at: datetime | None = None  # the period of a /duty_set
    end_at: datetime | None = None
    shift_a: Shift | None = None  # the shifts a swap exchanges
    shift_b: Shift | None = None
    nonce: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "a": self.a, "b": self.b,
                "start_at": to_epoch(self.start_at) if self.start_at else None,
                "end_at": to_epoch(self.end_at) if self.end_at else None,
                "shift_a": _shift_json(self.shift_a), "shift_b": _shift_json(self.shift_b),
                "nonce": self.nonce}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        start, end = data.get("start_at"), data.get("end_at")
        return cls(data["mode"], data.get("a"), data.get("b"),
                   from_epoch(start) if start else None, from_epoch(end) if end else None,
                   _shift_of(data.get("shift_a")), _shift_of(data.get("shift_b")),
                   data.get("nonce"))


def _data(context: HoaTocContext) -> Fields:
    return forms.state(context, Fields)


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
    _data(context).nonce = nonce
    return InlineKeyboardMarkup([[_button(t("button_confirm"), cb.DutyConfirm(nonce)),
                                  _button(t("bc_btn_cancel"), cb.DutyCancel())]])


async def admit(update: Update, context: HoaTocContext) -> None:
    """Admins only (the refusal names the command: /duty_set or /duty_swap)."""
    command = (message(update).text or "").split()[0].split("@")[0].lstrip("/")
    await require(update, context, Role.ADMIN, command)


async def _begin(update: Update, context: HoaTocContext, mode: str) -> str:
    _data(context).mode = mode
    markup = await _people_keyboard(context, second=False)
    if markup is None:
        await message(update).reply_text(t("duty_no_responders"))
        return forms.END
    await forms.save(context, PERSON)
    await message(update).reply_text(t("duty_pick_person"), reply_markup=markup)
    return PERSON


async def start_set(update: Update, context: HoaTocContext) -> str:
    """/duty_set: a person on duty for a period."""
    return await _begin(update, context, "set")


async def start_swap(update: Update, context: HoaTocContext) -> str:
    """/duty_swap: two people exchange one shift each."""
    return await _begin(update, context, "swap")


async def _checked_tap(update: Update, context: HoaTocContext) -> cb.Tap | None:
    """Answer the tap; what it says, once the tapper is checked to be an admin still."""
    data = await take_button(update)
    await require(update, context, Role.ADMIN, f"duty_{_data(context).mode}")
    return cb.parse(data)


async def _refused(update: Update, context: HoaTocContext, exc: DomainError) -> str:
    """A tap the database does not back (forged or stale): say why; the roster is unchanged."""
    await message(update).reply_text(domain_error(exc, context.services.settings))
    return forms.END


async def person(update: Update, context: HoaTocContext) -> str:
    """The first person."""
    d = _data(context)
    try:
        tap = await _checked_tap(update, context)
        assert isinstance(tap, cb.DutyPerson)
        d.a = (await context.services.duty.responder(user_id(update), tap.person_id)).id
    except DomainError as exc:
        return await _refused(update, context, exc)
    if d.mode == "set":
        await forms.save(context, FROM)
        await message(update).reply_text(t("duty_ask_from"))
        return FROM
    return await _ask_shift(update, context, d.a, False, SHIFT_A)


async def _ask_shift(update: Update, context: HoaTocContext, person_id: int, second: bool,
                     state: str) -> str:
    s = context.services
    who = await s.duty.person(person_id)
    shifts = await s.duty.upcoming_shifts(person_id)
    if not shifts:
        await message(update).reply_text(t("duty_no_shifts", name=who.full_name))
        return forms.END
    rows = [[_button(f"{short_time(sh.start_at, s.settings.tz)} → "
                     f"{short_time(sh.end_at, s.settings.tz)}",
                     cb.DutyShift(second, sh.start_at, sh.end_at))]
            for sh in shifts]
    await forms.save(context, state)
    await message(update).reply_text(t("duty_pick_shift", name=who.full_name),
                                     reply_markup=InlineKeyboardMarkup([*rows, _cancel_row()]))
    return state


async def when_from(update: Update, context: HoaTocContext) -> str:
    """The start of the period."""
    s = context.services
    try:
        _data(context).start_at = s.duty.parse_when(message(update).text or "")
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return FROM
    await forms.save(context, TO)
    await message(update).reply_text(t("duty_ask_to"))
    return TO


async def when_to(update: Update, context: HoaTocContext) -> str:
    """The end of the period; then confirm."""
    s, d = context.services, _data(context)
    assert d.start_at is not None and d.a is not None
    try:
        end = s.duty.parse_until(message(update).text or "", d.start_at)
        s.duty.check_period(d.start_at, end)
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return TO
    d.end_at = end
    who = await s.duty.person(d.a)
    markup = _confirm_keyboard(context)
    await forms.save(context, CONFIRM)
    await message(update).reply_text(
        t("duty_confirm_set", name=who.full_name, start=local_time(d.start_at, s.settings.tz),
          end=local_time(end, s.settings.tz)), reply_markup=markup)
    return CONFIRM


def _shift(tap: cb.Tap | None, person_id: int | None) -> Shift:
    assert isinstance(tap, cb.DutyShift) and person_id is not None
    return Shift(person_id, tap.start_at, tap.end_at)


async def shift_a(update: Update, context: HoaTocContext) -> str:
    """The first person's shift; then the second person."""
    d = _data(context)
    assert d.a is not None
    try:
        tap = await _checked_tap(update, context)
        d.shift_a = await context.services.duty.shift(user_id(update), _shift(tap, d.a))
    except DomainError as exc:
        return await _refused(update, context, exc)
    who = await context.services.duty.person(d.a)
    markup = await _people_keyboard(context, second=True, exclude=d.a)
    if markup is None:
        await message(update).reply_text(t("duty_no_responders"))
        return forms.END
    await forms.save(context, PERSON_B)
    await message(update).reply_text(t("duty_pick_second", name=who.full_name), reply_markup=markup)
    return PERSON_B


async def person_b(update: Update, context: HoaTocContext) -> str:
    """The second person."""
    d = _data(context)
    try:
        tap = await _checked_tap(update, context)
        assert isinstance(tap, cb.DutyPerson)
        d.b = (await context.services.duty.responder(
            user_id(update), tap.person_id, other_than=d.a)).id
    except DomainError as exc:
        return await _refused(update, context, exc)
    return await _ask_shift(update, context, d.b, True, SHIFT_B)


async def shift_b(update: Update, context: HoaTocContext) -> str:
    """The second person's shift; then confirm."""
    s, d = context.services, _data(context)
    assert d.a is not None and d.b is not None and d.shift_a is not None
    try:
        tap = await _checked_tap(update, context)
        d.shift_b = await s.duty.shift(user_id(update), _shift(tap, d.b))
    except DomainError as exc:
        return await _refused(update, context, exc)
    a, b = await s.duty.person(d.a), await s.duty.person(d.b)
    tz = s.settings.tz
    markup = _confirm_keyboard(context)
    await forms.save(context, CONFIRM)
    await message(update).reply_text(t(
        "duty_confirm_swap", a=a.full_name, b=b.full_name,
        a_shift=local_time(d.shift_a.start_at, tz), b_shift=local_time(d.shift_b.start_at, tz),
    ), reply_markup=markup)
    return CONFIRM


async def confirm(update: Update, context: HoaTocContext) -> str:
    """«Xác nhận»: write the override(s); the people concerned are told."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.DutyConfirm)
    d, s = _data(context), context.services
    if tap.nonce != d.nonce:
        await query.answer(t("adm_stale"), show_alert=True)
        return CONFIRM
    tz = s.settings.tz
    done: str
    try:
        await _checked_tap(update, context)
        if d.mode == "set":
            assert d.a is not None and d.start_at is not None and d.end_at is not None
            who = await s.duty.assign(user_id(update), d.a, d.start_at, d.end_at)
            done = t("duty_done_set", name=who.full_name, start=local_time(d.start_at, tz),
                     end=local_time(d.end_at, tz))
        else:
            assert d.shift_a is not None and d.shift_b is not None
            a, b = await s.duty.swap(user_id(update), d.shift_a, d.shift_b)
            done = t("duty_done_swap", a=a.full_name, b=b.full_name)
    except DomainError as exc:
        done = domain_error(exc, s.settings)
    await forms.finish(context)  # done (or refused for good): a restart must not offer it again
    await message(update).reply_text(done)
    return forms.END


TEXT = NEW & filters.TEXT & ~filters.COMMAND


def _tap(callback: forms.Callback, kind: type[cb.Tap], **fields: object) -> forms.Handler:
    return CallbackQueryHandler(callback, pattern=cb.matches(kind, **fields))


FORM = forms.Form(
    name="duty_admin", title="conv_duty", fields=Fields, cancelled="duty_cancelled",
    admit=admit,
    entry_points=[CommandHandler("duty_set", start_set, filters=NEW),
                  CommandHandler("duty_swap", start_swap, filters=NEW)],
    steps=[
        forms.Step(PERSON, "duty_step_person", [_tap(person, cb.DutyPerson, second=False)]),
        forms.Step(FROM, "duty_step_from", [MessageHandler(TEXT, when_from)]),
        forms.Step(TO, "duty_step_to", [MessageHandler(TEXT, when_to)]),
        forms.Step(SHIFT_A, "duty_step_shift", [_tap(shift_a, cb.DutyShift, second=False)]),
        forms.Step(PERSON_B, "duty_step_person_b", [_tap(person_b, cb.DutyPerson, second=True)]),
        forms.Step(SHIFT_B, "duty_step_shift", [_tap(shift_b, cb.DutyShift, second=True)]),
        forms.Step(CONFIRM, "duty_step_confirm", [_tap(confirm, cb.DutyConfirm)]),
    ],
    cancel_taps=cb.matches(cb.DutyCancel),
    fallbacks=[MessageHandler(NEW & ~filters.COMMAND, expect_button)],
)
