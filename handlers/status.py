"""/status for admins, /pending for liaisons, and the status view's refresh button."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import HoaTocContext
from bot.domain.directives import AgencyAckState
from bot.domain.errors import InvalidInput
from bot.domain.models import Role
from bot.domain.phones import display_phone
from bot.telegram import directive_view as view
from bot.telegram.render import local_time, pack
from bot.texts import TEXTS, t
from handlers.common import message, require, user_id


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
        callback_data=f"st:{d.id}")] for d, tally in recent]
    await message(update).reply_text(t("status_recent_header"),
                                     reply_markup=InlineKeyboardMarkup(rows))


async def status_button(update: Update, context: HoaTocContext) -> None:
    """A directive picked from /status, or «Cập nhật» on a status message."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await require(update, context, Role.ADMIN, "status")
    await query.answer()
    await _show(update, context, int(query.data.split(":")[1]))


async def _show(update: Update, context: HoaTocContext, directive_id: int) -> None:
    s = context.services
    d, tally = await s.broadcast.tally(directive_id)
    rows = await s.broadcast.agency_rows(directive_id)
    lines = [s.broadcast.status_text(d, tally)]
    waiting = [r for r in rows if r.state in (AgencyAckState.PENDING, AgencyAckState.UNREACHABLE)]
    if waiting:
        lines.append(t("status_pending_header", count=len(waiting)))
        for row in waiting:
            contact = (t("status_contact", name=row.primary.full_name,
                         phone=display_phone(row.primary.phone) or "—")
                       if row.primary else t("status_no_liaison"))
            lines.append(t("status_pending_line", agency=row.agency.name, contact=contact,
                           level=t("status_level", level=row.level) if row.level else ""))
    parts = pack(lines)
    for i, part in enumerate(parts):
        markup = view.admin_buttons(d) if i == len(parts) - 1 else None
        await message(update).reply_text(part, reply_markup=markup)


async def pending(update: Update, context: HoaTocContext) -> None:
    """/pending: directives still awaiting my agency's acknowledgement."""
    s = context.services
    await s.access.member(user_id(update), "/pending")
    found = await s.broadcast.pending_for(user_id(update))
    if found is None:
        await s.onboarding.audit_refusal(user_id(update), "/pending", "not_liaison")
        await message(update).reply_text(t("pending_not_liaison"))
        return
    agency, directives = found
    if not directives:
        await message(update).reply_text(t("pending_none"))
        return
    now = s.broadcast.now()
    lines = [t("pending_header", agency=agency.name, count=len(directives))] + [
        t("pending_line", urgency=view.urgency_header(d), number=d.number, summary=d.summary,
          deadline=local_time(d.ack_deadline_at, s.settings.tz),
          overdue=t("status_overdue") if now > d.ack_deadline_at else "")
        for d in directives
    ]
    for part in pack(lines):
        await message(update).reply_text(part)
