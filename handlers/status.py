"""/status for admins, /pending for liaisons, and the status view's refresh button."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import HoaTocContext
from bot.domain.directives import AgencyAckState, Directive, DirectiveStatus
from bot.domain.errors import InvalidInput
from bot.domain.models import Role
from bot.domain.phones import display_phone
from bot.services.acks import AckStatus
from bot.services.broadcast import AgencyRow
from bot.telegram import callbacks
from bot.telegram import directive_view as view
from bot.telegram.broadcast_view import short_label
from bot.telegram.render import agency_phone, contact_names, local_time, pack
from bot.texts import TEXTS, join, t
from handlers.common import best_effort, message, require, user_id


async def status(update: Update, context: HoaTocContext) -> None:
    """/status [number]: recent directives, or one directive's view."""
    await require(update, context, Role.ADMIN, "status")
    s = context.services
    if context.args:
        number = " ".join(context.args)
        directive = await s.broadcast.find(number)
        if directive is None:
            raise InvalidInput("status_not_found", number=number[:60])
        await _show(update, context, directive.id)
        return
    recent = await s.broadcast.recent()
    if not recent:
        await message(update).reply_text(t("status_none"))
        return
    # Button labels are plain text, not HTML: build them without escaping.
    rows = [[InlineKeyboardButton(
        f"{TEXTS[f'urgency_name_{d.urgency}']} · {d.number} · "
        f"{tally.acked + tally.acked_late}/{tally.agencies_total}",
        callback_data=callbacks.status(d.id))] for d, tally in recent]
    await message(update).reply_text(t("status_recent_header"),
                                     reply_markup=InlineKeyboardMarkup(rows))


async def status_button(update: Update, context: HoaTocContext) -> None:
    """A directive picked from /status, or «Cập nhật» on a status message."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.Status)
    await require(update, context, Role.ADMIN, "status")
    await query.answer()
    await _show(update, context, tap.directive_id)


async def _show(update: Update, context: HoaTocContext, directive_id: int) -> None:
    s = context.services
    d, tally = await s.broadcast.tally(directive_id)
    rows = await s.broadcast.agency_rows(directive_id)
    lines = [view.status_text(d, tally, s.settings, s.clock.now())]
    waiting = [r for r in rows if r.state in (AgencyAckState.PENDING, AgencyAckState.UNREACHABLE)]
    if waiting:
        lines.append(t("status_pending_header", count=len(waiting)))
        for row in waiting:
            contact = join([t("status_contact", name=row.primary.full_name,
                                phone=display_phone(row.primary.phone) or "—")
                              if row.primary else t("status_no_liaison"),
                              agency_phone(row.agency)], "")
            lines.append(t("status_pending_line", agency=row.agency.name, contact=contact,
                           level=t("status_level", level=view.level_text(row.level))
                           if row.level else ""))
    by_phone = [r for r in rows if r.ack is not None and r.ack.via == "phone"]
    if by_phone:
        lines.append(t("status_phone_header", count=len(by_phone)))
        lines += [t("status_phone_line", agency=r.agency.name, name=r.acker or "—",
                    time=local_time(r.ack.acked_at, s.settings.tz))
                  for r in by_phone if r.ack is not None]
    if waiting and d.status is DirectiveStatus.ACTIVE:
        lines.append(t("status_pick_agency"))
    parts = pack(lines)
    for i, part in enumerate(parts):
        markup = _status_markup(d, waiting) if i == len(parts) - 1 else None
        await message(update).reply_text(part, reply_markup=markup)


# Telegram allows 100 buttons in a keyboard; the admin's own buttons take 4.
MAX_AGENCY_BUTTONS = 90


def _status_markup(d: Directive, waiting: list[AgencyRow]) -> InlineKeyboardMarkup:
    """The directive's admin buttons, then one button per agency still awaited."""
    rows = list(view.admin_buttons(d).inline_keyboard)
    if d.status is DirectiveStatus.ACTIVE:
        agencies = [InlineKeyboardButton(short_label(f"☎️ {r.agency.name}"),
                                         callback_data=callbacks.phone("ag", d.id, r.agency.id))
                    for r in waiting[:MAX_AGENCY_BUTTONS]]
        rows += [tuple(agencies[i:i + 2]) for i in range(0, len(agencies), 2)]
    return InlineKeyboardMarkup(rows)


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
        await message(update).reply_text(t("ph_recalled", directive=view.cite(d)))
    elif confirm:
        await message(update).reply_text(
            t("ph_confirm", agency=row.agency.name, directive=view.cite(d)),
            reply_markup=view.phone_confirm_buttons(d.id, agency_id))
    else:
        contacts = join([contact_names(row.liaisons) if row.liaisons
                         else t("status_no_liaison"), agency_phone(row.agency)], "")
        await message(update).reply_text(
            t("ph_card", agency=row.agency.name, directive=view.cite(d), state=state,
              contacts=contacts), reply_markup=view.phone_ack_buttons(d.id, agency_id))


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
    """/pending: directives awaiting my agency's acknowledgement or result report."""
    s = context.services
    await s.access.member(user_id(update), "/pending")
    found = await s.broadcast.pending_for(user_id(update))
    if found is None:
        await s.onboarding.audit_refusal(user_id(update), "/pending", "not_liaison")
        await message(update).reply_text(t("pending_not_liaison"))
        return
    agency, directives, reports = found
    if not directives and not reports:
        await message(update).reply_text(t("pending_none"))
        return
    lines = view.pending_lines(agency.name, directives, reports, s.settings, s.broadcast.now())
    for part in pack(lines):
        await message(update).reply_text(part)
