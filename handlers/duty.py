"""/duty, and «Tôi sẽ liên hệ» on escalation digests."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import HoaTocContext
from bot.domain.phones import display_phone
from bot.services.duty import AlertCover
from bot.telegram import callbacks
from bot.telegram.keyboards import keyboard
from bot.telegram.render import local_time, plain
from bot.texts import Safe, join, t
from handlers.common import message, user_id

log = logging.getLogger(__name__)

async def duty(update: Update, context: HoaTocContext) -> None:
    """Who is on duty now and next, with phone numbers, and the hotline."""
    s = context.services
    await s.access.member(user_id(update), "/duty")
    current, nxt = await s.duty.duty_view()
    tz = s.settings.tz
    lines = [t("duty_header")]
    if current:
        lines.append(t("duty_now", people=join([
            t("duty_person", name=p.full_name, phone=display_phone(p.phone) or "—",
              end=local_time(shift.end_at, tz)) for shift, p in current], "; ")))
        lines += _cover_lines(await s.duty.alert_cover())
    else:
        lines.append(t("duty_nobody"))
    if nxt is not None:
        shift, person = nxt
        lines.append(t("duty_next", person=t("duty_person", name=person.full_name,
                                             phone=display_phone(person.phone) or "—",
                                             end=local_time(shift.end_at, tz)),
                       start=local_time(shift.start_at, tz)))
    elif current:
        lines.append(t("duty_no_next"))
    if s.settings.focal_hotline:
        lines.append(t("duty_hotline", focal_name=s.settings.focal_name,
                       hotline=s.settings.focal_hotline))
    await message(update).reply_text(join(lines))


def _cover_lines(cover: AlertCover) -> list[Safe]:
    """Who on duty cannot be reached, one line per reason, then who gets the alerts."""
    if not cover.unreachable:
        return []
    by_why: dict[str, list[str]] = {}
    for person, why in cover.unreachable:
        by_why.setdefault(why, []).append(person.full_name)
    text = "".join(t("duty_unreachable", names=", ".join(names), why=t(f"duty_unreachable_{why}"))
                   for why, names in by_why.items())
    names = ", ".join(p.full_name for p in cover.instead)
    if cover.fallback:
        return [Safe(text + t("duty_alerts_to_lead", leads=f" ({names})" if names else ""))]
    return [Safe(text + t("duty_alerts_only_to", names=names))]


async def claim(update: Update, context: HoaTocContext) -> None:
    """«Tôi sẽ liên hệ»: the first responder to press it handles those agencies."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.Claim)
    outcome, names = await context.services.escalation.claim(
        user_id(update), tap.notice_id, tap.escalation_id)
    text = (t("esc_claimed", agencies=", ".join(names)) if outcome == "claimed"
            else t("esc_claimed_none") if outcome == "none"
            else t("esc_claim_done") if outcome == "done"
            else t("esc_claim_extended") if outcome == "extended"
            else t("access_ended_tap") if outcome == "ended" else t("esc_claim_refused"))
    try:
        await query.answer(plain(text), show_alert=outcome != "claimed")
    except TelegramError as exc:
        log.warning("could not answer claim %s: %s", query.id, exc)


async def claim_page(update: Update, context: HoaTocContext) -> None:
    """«Trang tiếp» / «Trang trước» on a digest: the same message shows that page's buttons."""
    query = update.callback_query
    assert query is not None
    tap = callbacks.parse(query.data)
    assert isinstance(tap, callbacks.TurnClaims)
    outcome, actions = await context.services.escalation.claim_page(
        user_id(update), tap.notice_id, tap.page)
    if outcome == "ok":
        try:
            await query.edit_message_reply_markup(keyboard(actions))
        except TelegramError as exc:  # "not modified" (the same page again), a message gone
            log.info("claims of %s not turned: %s", query.id, exc)
    text = ("" if outcome == "ok" else t("access_ended_tap") if outcome == "ended"
            else t("esc_claim_refused"))
    try:
        await query.answer(plain(text) or None, show_alert=bool(text))
    except TelegramError as exc:
        log.warning("could not answer a claims page %s: %s", query.id, exc)
