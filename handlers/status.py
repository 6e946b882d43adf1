"""/status for admins (one message per directive, rewritten in place by «Cập nhật», the
longer lists behind its buttons), /pending for liaisons, and receipts recorded by phone."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import HoaTocContext
from bot.domain.directives import DirectiveStatus
from bot.domain.errors import InvalidInput
from bot.domain.models import Role
from bot.services.acks import AckStatus
from bot.services.broadcast import Pending
from bot.services.figures import is_period
from bot.telegram import callbacks, status_view
from bot.telegram import directive_view as view
from bot.telegram.render import agency_phone, contact_names
from bot.texts import TEXTS, Safe, join, label, t
from config.settings import Settings
from handlers.common import best_effort, message, require, user_id

log = logging.getLogger(__name__)


async def status(update: Update, context: HoaTocContext) -> None:
    """/status [number | two dates]: figures and recent directives, one directive's status
    message, or the figures over a period."""
    await require(update, context, Role.ADMIN, "status")
    s = context.services
    args = list(context.args or [])
    if is_period(args):
        since, until = s.figures.parse_period(args)
        block = status_view.period_block(await s.figures.period(since, until), s.settings,
                                         recent=False)
        await message(update).reply_text(block)
        return
    if args:
        number = " ".join(args)
        directive = await s.broadcast.find(number)
        if directive is None:
            raise InvalidInput("status_not_found", number=number[:60])
        text, markup = await _view(context, directive.id)
        await message(update).reply_text(text, reply_markup=markup)
        return
    recent = await s.broadcast.recent()
    block = status_view.period_block(await s.figures.recent(), s.settings, recent=True)
    if not recent:
        await message(update).reply_text(join([block, t("status_none")], "\n\n"))
        return
    # Button labels are plain text, not HTML: build them without escaping.
    rows = [[InlineKeyboardButton((label("dr_label_prefix") if d.drill else "") + label(
        "status_recent_label_recalled" if d.recalled_at else "status_recent_label",
        urgency=TEXTS[f"urgency_name_{d.urgency}"], number=d.number,
        acked=tally.acked + tally.acked_late, total=tally.agencies_total),
        callback_data=callbacks.status_open(d.id))] for d, tally in recent]
    await message(update).reply_text(join([block, t("status_recent_header")], "\n\n"),
                                     reply_markup=InlineKeyboardMarkup(rows))


async def status_open(update: Update, context: HoaTocContext) -> None:
    """A directive picked from the /status list: its status message, below the list."""
    query = _query(update)
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.StatusOpen)
    await require(update, context, Role.ADMIN, "status")
    text, markup = await _view(context, tap.directive_id)
    await message(update).reply_text(text, reply_markup=markup)
    await query.answer()


async def status_button(update: Update, context: HoaTocContext) -> None:
    """«Cập nhật» on a status message: the same message, rewritten with what is true now."""
    query = _query(update)
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.Status)
    await require(update, context, Role.ADMIN, "status")
    text, markup = await _view(context, tap.directive_id)
    await query.answer(t("status_refreshed") if await _rewrite(update, text, markup)
                       else t("status_unchanged"))


async def status_list(update: Update, context: HoaTocContext) -> None:
    """A list behind a status message's button: opened below it, or turned to another page."""
    query = _query(update)
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.StatusList)
    await require(update, context, Role.ADMIN, "status")
    s = context.services
    ov = await s.broadcast.overview(tap.directive_id)
    page = tap.page or 0
    text, markup = (status_view.report_page(ov, page, s.settings) if tap.which == "rp"
                    else status_view.agency_page(ov, tap.which, page, s.settings))
    if tap.page is None:
        await message(update).reply_text(text, reply_markup=markup)
    else:
        await _rewrite(update, text, markup)
    await query.answer()


def _query(update: Update) -> CallbackQuery:
    assert update.callback_query is not None
    return update.callback_query


async def _view(context: HoaTocContext, directive_id: int
                ) -> tuple[str, InlineKeyboardMarkup | None]:
    s = context.services
    ov = await s.broadcast.overview(directive_id)
    return (status_view.status_message(ov, s.settings, ov.read_at),
            status_view.status_markup(ov))


async def _rewrite(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Edit the tapped message in place; False when nothing changed. A message that can no
    longer be edited (deleted) gets the view as a new one rather than nothing."""
    try:
        await _query(update).edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return False
        log.warning("could not rewrite a status message in place: %s", exc)
        await message(update).reply_text(text, reply_markup=markup)
    return True


async def phone_ack(update: Update, context: HoaTocContext) -> None:
    """An agency picked in /status; «Ghi nhận đã nhận qua điện thoại», confirmed, recorded."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.PhoneAck)
    await require(update, context, Role.ADMIN, "status")
    step, directive_id, agency_id = tap.step, tap.directive_id, tap.agency_id
    await query.answer()
    if step == "no":
        await best_effort(query.edit_message_reply_markup(None), "drop a used confirmation")
        await message(update).reply_text(t("ph_cancelled"))
    elif step == "ok":
        # Recorded first; what follows is best-effort, so a failed reply never asks for a
        # second try of something already saved (a second tap would say "already").
        text = await _record_phone_ack(update, context, directive_id, agency_id)
        await best_effort(query.edit_message_reply_markup(None), "drop a used confirmation")
        await best_effort(message(update).reply_text(text), "confirm a phone acknowledgement")
    else:
        await _agency_card(update, context, directive_id, agency_id, confirm=step == "ask")


async def _agency_card(update: Update, context: HoaTocContext, directive_id: int,
                       agency_id: int, *, confirm: bool) -> None:
    """One agency's acknowledgement and liaisons; the button or the confirmation prompt."""
    s = context.services
    if await s.acks.phone_subject(user_id(update), directive_id, agency_id) is None:
        await message(update).reply_text(t("ph_refused"))
        return
    d = await s.broadcast.get(directive_id)
    row = next(r for r in await s.broadcast.agency_rows(directive_id) if r.agency.id == agency_id)
    state = view.ack_state(d, row.ack, row.acker, s.settings)
    if row.ack is not None:
        await message(update).reply_text(t("ph_already", agency=row.agency.name, state=state))
    elif d.status is not DirectiveStatus.ACTIVE:
        await message(update).reply_text(view.bannered(d, t("ph_recalled",
                                                            directive=view.cite(d))))
    elif confirm:
        await message(update).reply_text(
            view.bannered(d, t("ph_confirm", agency=row.agency.name, directive=view.cite(d))),
            reply_markup=view.phone_confirm_buttons(d.id, agency_id))
    else:
        contacts = join([contact_names(row.liaisons) if row.liaisons
                         else t("status_no_liaison"), agency_phone(row.agency)], "")
        await message(update).reply_text(
            view.bannered(d, t("ph_card", agency=row.agency.name, directive=view.cite(d),
                               state=state, contacts=contacts)),
            reply_markup=view.phone_ack_buttons(d.id, agency_id))


async def _record_phone_ack(update: Update, context: HoaTocContext, directive_id: int,
                            agency_id: int) -> str:
    """Record it; the reply to give."""
    s = context.services
    result = await s.acks.acknowledge_by_phone(user_id(update), directive_id, agency_id)
    if result.status is AckStatus.REFUSED:
        text = t("ph_refused")
    elif result.status is AckStatus.RECALLED:
        assert result.directive is not None
        text = t("ph_recalled", directive=view.cite(result.directive))
    else:
        assert result.directive and result.agency and result.ack and result.acker
        if result.status is AckStatus.RECORDED:
            text = t("ph_done", agency=result.agency.name, directive=view.cite(result.directive),
                     name=result.acker.full_name)
        else:
            text = t("ph_already", agency=result.agency.name, state=view.ack_state(
                result.directive, result.ack, result.acker.full_name, s.settings))
    return text


async def pending(update: Update, context: HoaTocContext) -> None:
    """/pending: each directive my agency owes, one message each, with the directive's own
    buttons (a tap there acknowledges as on the directive: handlers.acks)."""
    s = context.services
    await s.access.member(user_id(update), "/pending")
    found = await s.broadcast.pending_for(user_id(update))
    if found is None:
        await s.onboarding.audit_refusal(user_id(update), "/pending", "not_liaison")
        await message(update).reply_text(t("pending_not_liaison"))
        return
    if not found.to_ack and not found.to_report:
        await message(update).reply_text(t("pending_none"))
        return
    items = _pending_items(found, s.settings, s.broadcast.now())
    for text, markup in items[:view.PENDING_SHOWN]:
        await message(update).reply_text(text, reply_markup=markup)
    if len(items) > view.PENDING_SHOWN:
        await message(update).reply_text(t("pending_more", count=len(items) - view.PENDING_SHOWN))


def _pending_items(found: Pending, settings: Settings, now: datetime
                   ) -> list[tuple[Safe, InlineKeyboardMarkup | None]]:
    """What to acknowledge first (most urgent first), then the result reports still owed."""
    return [(view.pending_item(found.agency.name, owed.directive, number, len(owed_list),
                               report=report, settings=settings, now=now),
             view.pending_buttons(owed.directive, owed.delivery_id, acked=report))
            for owed_list, report in ((found.to_ack, False), (found.to_report, True))
            for number, owed in enumerate(owed_list, start=1)]
