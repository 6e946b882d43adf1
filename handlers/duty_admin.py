"""/duty_set and /duty_swap: short conversations with buttons to edit the duty roster."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.clock import from_epoch, to_epoch
from bot.context import HoaTocContext
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.models import Person, Role
from bot.domain.roster import Shift
from bot.services.duty import not_on_the_bot
from bot.telegram import callbacks as cb
from bot.telegram import quick_view
from bot.telegram.render import domain_error, local_time, short_time
from bot.texts import Safe, join, label, t
from handlers import forms, quick
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
    quick: str | None = None  # the time question's buttons (handlers.quick)

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "a": self.a, "b": self.b,
                "start_at": to_epoch(self.start_at) if self.start_at else None,
                "end_at": to_epoch(self.end_at) if self.end_at else None,
                "shift_a": _shift_json(self.shift_a), "shift_b": _shift_json(self.shift_b),
                "nonce": self.nonce, "quick": self.quick}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        start, end = data.get("start_at"), data.get("end_at")
        return cls(data["mode"], data.get("a"), data.get("b"),
                   from_epoch(start) if start else None, from_epoch(end) if end else None,
                   _shift_of(data.get("shift_a")), _shift_of(data.get("shift_b")),
                   data.get("nonce"), data.get("quick"))


def _data(context: HoaTocContext) -> Fields:
    return forms.state(context, Fields)


def _button(text: str, tap: cb.Tap) -> InlineKeyboardButton:
    return InlineKeyboardButton(text[:60], callback_data=tap.encode())


def _cancel_row() -> list[InlineKeyboardButton]:
    return [_button(t("bc_btn_cancel"), cb.DutyCancel())]


def _ways_out(back: cb.DutyBackStep | None) -> list[list[InlineKeyboardButton]]:
    """Every screen's last rows: «Quay lại» (to the screen before) where there is one, «Hủy»."""
    rows = [[_button(label("duty_btn_back"), cb.DutyBack(back))]] if back else []
    return [*rows, _cancel_row()]


def _confirm_keyboard(context: HoaTocContext) -> InlineKeyboardMarkup:
    nonce = secrets.token_hex(4)
    _data(context).nonce = nonce
    return InlineKeyboardMarkup([[_button(t("button_confirm"), cb.DutyConfirm(nonce)),
                                  _button(t("bc_btn_cancel"), cb.DutyCancel())]])


async def admit(update: Update, context: HoaTocContext) -> None:
    """Admins only (the refusal names the command: /duty_set or /duty_swap)."""
    command = (message(update).text or "").split()[0].split("@")[0].lstrip("/")
    await require(update, context, Role.ADMIN, command)


# --- the screens ---------------------------------------------------------------------------

async def _people(update: Update, context: HoaTocContext, second: bool) -> str:
    """Whom to pick: for a swap only those with a shift to swap (the first one excluded for
    the second pick); an empty list says why."""
    s, d = context.services, _data(context)
    swap = d.mode == "swap"
    people = [p for p in await s.duty.responders(with_shifts=swap) if not second or p.id != d.a]
    if not people and second:
        assert d.a is not None
        who = await s.duty.person(d.a)
        await forms.save(context, PERSON_B)
        await message(update).reply_text(t("duty_no_other", name=who.full_name),
                                         reply_markup=InlineKeyboardMarkup(_ways_out("q")))
        return PERSON_B
    if not people:
        empty = "duty_swap_nothing" if swap and await s.duty.responders() else "duty_no_responders"
        await message(update).reply_text(t(empty))
        return forms.END
    rows = [[_button(p.full_name, cb.DutyPerson(second, p.id))] for p in people]
    step = PERSON_B if second else PERSON
    await forms.save(context, step)
    if second:
        assert d.a is not None
        text = t("duty_pick_second", name=(await s.duty.person(d.a)).full_name)
    else:
        text = t("duty_pick_person")
    await message(update).reply_text(text, reply_markup=InlineKeyboardMarkup(
        [*rows, *_ways_out("q" if second else None)]))
    return step


async def _shifts(update: Update, context: HoaTocContext, person_id: int, second: bool) -> str:
    """The person's coming shifts, each once; none (taken meanwhile): said, and back to the
    people."""
    s = context.services
    who = await s.duty.person(person_id)
    shifts = await s.duty.upcoming_shifts(person_id)
    if not shifts:
        await message(update).reply_text(t("duty_no_shifts", name=who.full_name))
        return await _people(update, context, second)
    tz = s.settings.tz
    rows = [[_button(label("duty_shift_label_override" if sh.override else "duty_shift_label",
                           start=short_time(sh.start_at, tz), end=short_time(sh.end_at, tz)),
                     cb.DutyShift(second, sh.start_at, sh.end_at))] for sh in shifts]
    step = SHIFT_B if second else SHIFT_A
    await forms.save(context, step)
    await message(update).reply_text(t("duty_pick_shift", name=who.full_name),
                                     reply_markup=InlineKeyboardMarkup(
                                         [*rows, *_ways_out("sb" if second else "sa")]))
    return step


async def _ask_from(update: Update, context: HoaTocContext) -> str:
    s, d = context.services, _data(context)
    d.quick = quick.nonce()
    await forms.save(context, FROM)
    rows = quick_view.rows("df", d.quick, quick.offered(s.duty.quick_start, quick_view.STARTS))
    await message(update).reply_text(t("duty_ask_from"), reply_markup=InlineKeyboardMarkup(
        [*rows, *_ways_out("f")]))
    return FROM


async def _ask_to(update: Update, context: HoaTocContext) -> str:
    s, d = context.services, _data(context)
    start = d.start_at
    assert start is not None
    d.quick = quick.nonce()
    await forms.save(context, TO)
    rows = quick_view.rows("dt", d.quick, quick.offered(
        lambda text: s.duty.check_period(start, s.duty.parse_until(text, start))))
    await message(update).reply_text(
        t("duty_ask_to", start=local_time(start, s.settings.tz)),
        reply_markup=InlineKeyboardMarkup([*rows, *_ways_out("t")]))
    return TO


# --- the steps -----------------------------------------------------------------------------

async def _begin(update: Update, context: HoaTocContext, mode: str) -> str:
    _data(context).mode = mode
    return await _people(update, context, second=False)


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
        return await _ask_from(update, context)
    return await _shifts(update, context, d.a, False)


async def back(update: Update, context: HoaTocContext) -> str:
    """«Quay lại»: the screen before this one (the step it names is the draft's: checked by
    the step's pattern)."""
    d = _data(context)
    tap = await _checked_tap(update, context)
    assert isinstance(tap, cb.DutyBack)
    if tap.step in ("sa", "f"):
        return await _people(update, context, second=False)
    if tap.step == "q":
        assert d.a is not None
        return await _shifts(update, context, d.a, False)
    if tap.step == "sb":
        return await _people(update, context, second=True)
    return await _ask_from(update, context)


async def _quick_tap(update: Update, context: HoaTocContext) -> cb.QuickTime | None:
    """A quick choice of the question on screen, from an admin still; else None (answered)."""
    tap = await quick.taken(update, _data(context).quick)
    if tap is not None:
        await require(update, context, Role.ADMIN, "duty_set")
    return tap


async def when_from(update: Update, context: HoaTocContext) -> str:
    """The start of the period, typed."""
    s = context.services
    text = message(update).text or ""
    return await _from(update, context, lambda: s.duty.parse_when(text))


async def from_quick(update: Update, context: HoaTocContext) -> str:
    """«Bây giờ», «+1 giờ» ... for the start: not one already past at the tap."""
    tap = await _quick_tap(update, context)
    if tap is None:
        return FROM
    text = quick_view.text(tap.choice)
    return await _from(update, context, lambda: context.services.duty.quick_start(text))


async def _from(update: Update, context: HoaTocContext, read: Callable[[], datetime]) -> str:
    try:
        _data(context).start_at = read()
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, context.services.settings))
        return FROM
    await quick.settled(update)
    return await _ask_to(update, context)


async def when_to(update: Update, context: HoaTocContext) -> str:
    """The end of the period, typed; then confirm."""
    return await _to(update, context, message(update).text or "")


async def to_quick(update: Update, context: HoaTocContext) -> str:
    """«+1 giờ» (from the start), «07:30 ngày mai» ... for the end."""
    tap = await _quick_tap(update, context)
    if tap is None:
        return TO
    return await _to(update, context, quick_view.text(tap.choice))


async def _to(update: Update, context: HoaTocContext, text: str) -> str:
    s, d = context.services, _data(context)
    assert d.start_at is not None and d.a is not None
    try:
        end = s.duty.parse_until(text, d.start_at)
        s.duty.check_period(d.start_at, end)
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return TO
    await quick.settled(update)
    d.end_at = end
    who = await s.duty.person(d.a)
    markup = _confirm_keyboard(context)
    await forms.save(context, CONFIRM)
    await message(update).reply_text(
        _with_reach(t("duty_confirm_set", name=who.full_name,
                      start=local_time(d.start_at, s.settings.tz),
                      end=local_time(end, s.settings.tz)), who), reply_markup=markup)
    return CONFIRM


def _with_reach(text: Safe, *people: Person) -> Safe:
    """A confirmation, then who of `people` the bot cannot reach (so the admin knows before
    confirming that they will not get the alerts of that duty)."""
    notes = [Safe(t("duty_unreachable", names=p.full_name,
                    why=t(f"duty_unreachable_{why}")).rstrip())
             for p in people if (why := not_on_the_bot(p)) is not None]
    return join([text, *notes])


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
    return await _people(update, context, second=True)


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
    return await _shifts(update, context, d.b, True)


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
    await message(update).reply_text(_with_reach(t(
        "duty_confirm_swap", a=a.full_name, b=b.full_name,
        a_shift=local_time(d.shift_a.start_at, tz), b_shift=local_time(d.shift_b.start_at, tz),
    ), a, b), reply_markup=markup)
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


def _quick(callback: forms.Callback, target: cb.QuickTarget) -> forms.Handler:
    return CallbackQueryHandler(callback, pattern=cb.matches(cb.QuickTime, target=target))


FORM = forms.Form(
    name="duty_admin", title="conv_duty", fields=Fields, cancelled="duty_cancelled",
    admit=admit,
    entry_points=[CommandHandler("duty_set", start_set, filters=NEW),
                  CommandHandler("duty_swap", start_swap, filters=NEW)],
    steps=[
        forms.Step(PERSON, "duty_step_person", [_tap(person, cb.DutyPerson, second=False)]),
        forms.Step(FROM, "duty_step_from", [
            MessageHandler(TEXT, when_from), _quick(from_quick, "df"),
            _tap(back, cb.DutyBack, step="f")]),
        forms.Step(TO, "duty_step_to", [
            MessageHandler(TEXT, when_to), _quick(to_quick, "dt"),
            _tap(back, cb.DutyBack, step="t")]),
        forms.Step(SHIFT_A, "duty_step_shift", [
            _tap(shift_a, cb.DutyShift, second=False), _tap(back, cb.DutyBack, step="sa")]),
        forms.Step(PERSON_B, "duty_step_person_b", [
            _tap(person_b, cb.DutyPerson, second=True), _tap(back, cb.DutyBack, step="q")]),
        forms.Step(SHIFT_B, "duty_step_shift", [
            _tap(shift_b, cb.DutyShift, second=True), _tap(back, cb.DutyBack, step="sb")]),
        forms.Step(CONFIRM, "duty_step_confirm", [_tap(confirm, cb.DutyConfirm)]),
    ],
    cancel_taps=cb.matches(cb.DutyCancel),
    fallbacks=[MessageHandler(NEW & ~filters.COMMAND, expect_button),
               CallbackQueryHandler(quick.stale, pattern=cb.matches(cb.QuickTime, cb.DutyBack))],
)
