"""How a directive looks in Telegram: the recipients' message, its buttons, the status view."""

from __future__ import annotations

import html
from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.directives import (
    Acknowledgement,
    Directive,
    DirectiveStatus,
    Tally,
    Urgency,
    split_text,
)
from bot.domain.escalation import Reached
from bot.domain.notices import Acknowledge, copy_actions, status_actions
from bot.telegram import callbacks
from bot.telegram.keyboards import keyboard
from bot.telegram.render import local_time, short_time, tg_len
from bot.texts import TEXTS, Safe, join, t
from config.settings import Settings

# Room left in the last part for the acknowledgement or recall footer (UTF-16 units).
PART_LIMIT = 3800
CAPTION_LIMIT = 1024
# The header (urgency, number, issuer, summary) may take this much of a part: the body
# always has room beside it. /broadcast refuses an issuer or summary that would pass it.
HEAD_LIMIT = 1000


def drill_lines(d: Directive) -> list[Safe]:
    """The banner that opens every message about a drill (none for a real directive)."""
    return [t("dr_banner")] if d.drill else []


def bannered(d: Directive, text: Safe, sep: str = "\n") -> Safe:
    """`text` with the drill banner on its first line when `d` is a drill."""
    return join([*drill_lines(d), text], sep)


def urgency_header(d: Directive) -> Safe:
    """The red stamp that heads a directive's copy (never pasted into a sentence: `cite`)."""
    return t(f"urgency_{d.urgency}")


def cite(d: Directive, *, start: bool = False) -> Safe:
    """The directive as running text names it: "văn bản số 1556/UBND-KGVX ngày 30/8/2022
    (Hỏa tốc)", the urgency by its name (none for an ordinary one). `start`: capitalised, to open a sentence.
    The one place a citation is made, so its form changes in one place."""
    if d.urgency is Urgency.THUONG:
        text = t("directive_ref_plain", cited=issued_text(d))
    else:
        text = t("directive_ref", cited=issued_text(d), urgency=t(f"urgency_name_{d.urgency}"))
    if d.drill:  # in a list of several directives the drill is marked where it is named
        text = t("dr_cite", cited=text)
    return Safe(text[:1].upper() + text[1:]) if start else text


def date_text(day: date) -> str:
    """`30/8/2022`: a document's date as officials write it (no leading zeros)."""
    return f"{day.day}/{day.month}/{day.year}"


# The widest date_text: the header's budget counts it whether the date is known yet or not.
_WIDEST_DATE = date(2000, 12, 31)


def _head(urgency: Urgency, number: str, issuer: str, summary: str,
          issued_on: date | None) -> Safe:
    issued = (t("directive_head_issued", date=date_text(issued_on)) if issued_on is not None
              else "")
    return t("directive_head", urgency=t(f"urgency_{urgency}"), number=number, issued=issued,
             issuer=issuer, summary=summary)


def head(d: Directive) -> Safe:
    """Urgency, "Số: 1556/UBND-KGVX, ngày 30/8/2022", issuer and summary."""
    return _head(d.urgency, d.number, d.issuer, d.summary, d.issued_on)


def head_fits(urgency: Urgency | None, number: str | None, issuer: str | None,
              summary: str | None) -> bool:
    """Would a directive with these fields (and any date of issue) have a header within
    HEAD_LIMIT?"""
    return tg_len(_head(urgency or Urgency.HOA_TOC, number or "", issuer or "", summary or "",
                        _WIDEST_DATE)) <= HEAD_LIMIT


def issued_text(d: Directive) -> Safe:
    """"số 1556/UBND-KGVX ngày 30/8/2022", how running text cites a directive (without the
    date when it is not known)."""
    issued = (t("directive_cited_issued", date=date_text(d.issued_on))
              if d.issued_on is not None else "")
    return t("directive_cited", number=d.number, issued=issued)


def message_parts(d: Directive, settings: Settings, lead: Safe | None = None) -> list[Safe]:
    """The text messages a recipient gets, in order; the last one carries the buttons.
    `lead` goes before the header (a late copy's mark), counted in the first part's length.

    Lengths are counted as Telegram counts them (UTF-16 units after HTML parsing).
    """
    tz = settings.tz
    top = head(d)
    if lead is not None:
        top = join([lead, top], "\n\n")
    top = bannered(d, top, "\n\n")
    # When the bot sent it, apart from the header's date of issue.
    tail = [t("directive_sent_at", time=local_time(d.created_at, tz)),
            t("directive_deadline", deadline=local_time(d.ack_deadline_at, tz))]
    if d.report_deadline_at is not None:
        tail.append(t("directive_report_deadline", deadline=local_time(d.report_deadline_at, tz)))
    if settings.focal_hotline:
        tail.append(t("directive_hotline", focal_name=settings.focal_name,
                      hotline=settings.focal_hotline))
    body = Safe(html.escape(d.body or "", quote=False))
    whole = join([top, body, join(tail)], "\n\n") if body else join([top, join(tail)], "\n\n")
    if tg_len(whole) <= PART_LIMIT:
        return [whole]
    # Split the plain body (escaping changes nothing Telegram counts); raises if no room.
    blocks = [Safe(html.escape(c, quote=False))
              for c in split_text(d.body or "", PART_LIMIT - tg_len(top) - 100)]
    tail_text = join(tail)
    # A single block shares its part with the header: the tail must fit beside both.
    beside = tg_len(top) + 2 if len(blocks) == 1 else 0
    if beside + tg_len(blocks[-1]) + tg_len(tail_text) + 2 <= PART_LIMIT - 100:
        blocks[-1] = join([blocks[-1], tail_text], "\n\n")  # the deadline rides on the last
    else:
        blocks.append(tail_text)
    total = len(blocks)
    parts = [join([top, blocks[0]], "\n\n")]
    for i, block in enumerate(blocks[1:], start=2):
        parts.append(join([t("directive_continued", number=d.number, part=i, total=total),
                           block], "\n\n"))
    return parts


def late_head(d: Directive, settings: Settings) -> Safe:
    return t("directive_late_head", time=local_time(d.created_at, settings.tz))


def late_parts(d: Directive, settings: Settings, now: datetime) -> list[Safe]:
    """The parts of a copy sent after «Gửi» ("Gửi bổ sung"), saying so if it is overdue."""
    parts = message_parts(d, settings, late_head(d, settings))
    if now > d.ack_deadline_at:
        parts[-1] = join([parts[-1], t("directive_late_overdue",
                                       deadline=local_time(d.ack_deadline_at, settings.tz))],
                         "\n\n")
    return parts


def file_caption(d: Directive) -> Safe:
    return bannered(d, t("directive_file_caption", urgency=urgency_header(d),
                         cited=issued_text(d)))


def buttons(d: Directive, delivery_id: int, *, acked: bool) -> InlineKeyboardMarkup | None:
    return keyboard(copy_actions(d, delivery_id, acked=acked))


def last_part(d: Directive, settings: Settings, late_copy: bool) -> Safe:
    """The part that carries the buttons, as an edit rewrites it: a late copy keeps its mark
    (no longer asking to acknowledge at once: the edit says what became of it)."""
    return message_parts(d, settings, late_head(d, settings) if late_copy else None)[-1]


def acked_text(d: Directive, settings: Settings, name: str, at: datetime, late: bool,
               via: str = "telegram", *, late_copy: bool = False) -> Safe:
    """The last part with who acknowledged and when (and how: recorded by an admin, or with
    a result report)."""
    key = {"phone": "acked_phone", "report": "acked_report"}.get(via, "acked")
    footer = t(f"{key}_late_footer" if late else f"{key}_footer", name=name,
               time=local_time(at, settings.tz))
    return join([last_part(d, settings, late_copy), footer], "\n\n")


def recalled_text(d: Directive, settings: Settings, *, late_copy: bool = False) -> Safe:
    assert d.recalled_at is not None
    footer = t("recalled_footer", time=local_time(d.recalled_at, settings.tz))
    return join([last_part(d, settings, late_copy), footer], "\n\n")


def ack_state(d: Directive, ack: Acknowledgement | None, name: str | None,
              settings: Settings) -> Safe:
    """An agency's acknowledgement in words, saying how when an admin recorded it."""
    if ack is None:
        return t("ph_state_recalled" if d.status is DirectiveStatus.RECALLED
                 else "ph_state_pending")
    key = "ph_state_phone" if ack.via == "phone" else "ph_state_acked"
    return t(key, name=name or "—", time=local_time(ack.acked_at, settings.tz))


# /pending shows this many directives, one message each; a last line counts the rest.
PENDING_SHOWN = 10


def pending_item(agency: str, d: Directive, number: int, count: int, *, report: bool,
                 settings: Settings, now: datetime) -> Safe:
    """One directive the agency owes: to acknowledge, or (`report`) its result report."""
    tz = settings.tz
    if report:
        assert d.report_deadline_at is not None
        return join([*drill_lines(d), t("pending_report_header", agency=agency, number=number, count=count),
                     t("pending_report_line", directive=cite(d, start=True), summary=d.summary,
                       deadline=short_time(d.report_deadline_at, tz),
                       overdue=t("status_overdue") if now > d.report_deadline_at else "")])
    return join([*drill_lines(d), t("pending_header", agency=agency, number=number, count=count),
                 t("pending_line", directive=cite(d, start=True), summary=d.summary,
                   deadline=short_time(d.ack_deadline_at, tz),
                   overdue=t("status_overdue") if now > d.ack_deadline_at else "")])


def pending_settled(d: Directive, ack: Acknowledgement | None, name: str | None,
                    settings: Settings) -> Safe:
    """A /pending item once tapped: who acknowledged and when, or that it was recalled."""
    line = t("pending_line", directive=cite(d, start=True), summary=d.summary,
             deadline=short_time(d.ack_deadline_at, settings.tz), overdue="")
    if ack is None:
        assert d.recalled_at is not None
        footer = t("recalled_footer", time=local_time(d.recalled_at, settings.tz))
    else:
        key = {"phone": "acked_phone", "report": "acked_report"}.get(ack.via, "acked")
        footer = t(f"{key}_late_footer" if ack.late else f"{key}_footer", name=name or "—",
                   time=local_time(ack.acked_at, settings.tz))
    return join([*drill_lines(d), line, footer])


def pending_buttons(d: Directive, delivery_id: int | None, *,
                    acked: bool) -> InlineKeyboardMarkup | None:
    """The buttons of the directive's copy, for the /pending item (✅ answers in place)."""
    if delivery_id is None:
        return None
    buttons = [InlineKeyboardButton(
        t("button_ack") if isinstance(action, Acknowledge) else t("button_report"),
        callback_data=callbacks.pending_ack(delivery_id) if isinstance(action, Acknowledge)
        else callbacks.open_result(delivery_id))
        for action in copy_actions(d, delivery_id, acked=acked)]
    return InlineKeyboardMarkup([buttons]) if buttons else None


def phone_ack_buttons(directive_id: int, agency_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        t("button_phone_ack"), callback_data=callbacks.phone("ask", directive_id, agency_id))]])


def phone_confirm_buttons(directive_id: int, agency_id: int) -> InlineKeyboardMarkup:
    ok, no = (callbacks.phone(step, directive_id, agency_id) for step in ("ok", "no"))
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t("button_confirm"), callback_data=ok),
        InlineKeyboardButton(t("ph_btn_cancel"), callback_data=no),
    ]])


def status_text(d: Directive, tally: Tally, settings: Settings, now: datetime,
                reports: tuple[int, int] | None = None) -> Safe:
    """The counts that head a status message; `reports`: agencies that reported, and the
    supplements they sent after (None: no result report asked)."""
    tz = settings.tz
    lines = [t("status_title", directive=cite(d), summary=d.summary)]
    lines.append(t(
        "status_people", sent=tally.sent, total=tally.people_total,
        queued=t("status_queued", count=tally.queued) if tally.queued else "",
        failed=t("status_failed", count=tally.failed) if tally.failed else "",
        blocked=t("status_blocked", count=tally.blocked) if tally.blocked else "",
    ))
    lines.append(t("status_agencies", acked=tally.acked + tally.acked_late,
                   total=tally.agencies_total, pending=tally.pending,
                   late=t("status_acked_late", count=tally.acked_late) if tally.acked_late else "",
                   unreachable=tally.unreachable))
    overdue = t("status_overdue") if now > d.ack_deadline_at and tally.pending else ""
    lines.append(t("status_deadline", deadline=local_time(d.ack_deadline_at, tz),
                   overdue=overdue))
    if reports is not None:
        reported, supplements = reports
        late = (d.report_deadline_at is not None and now > d.report_deadline_at
                and reported < tally.agencies_total)
        lines.append(t("status_reports", reported=reported, total=tally.agencies_total,
                       supplements=t("status_supplements", count=supplements)
                       if supplements else "",
                       overdue=t("status_overdue") if late else ""))
    if tally.escalated:
        lines.append(t("status_escalated", count=tally.escalated))
    if d.status is DirectiveStatus.RECALLED and d.recalled_at is not None:
        lines.append(t("status_recalled", time=local_time(d.recalled_at, tz)))
    return join(lines)


def level_text(reached: Reached) -> Safe:
    """How far an agency's escalation has climbed, in words (/status)."""
    who = ", ".join(TEXTS[f"target_{target}"] for target in reached.targets)
    handled = t("level_handled") if reached.handled else ""
    if reached.number == 0:  # only the agency's liaisons were reminded so far
        return t("level_reminded", who=who, handled=handled)
    return t("level_text", number=reached.number, total=reached.total, who=who,
             handled=handled)


def admin_buttons(d: Directive) -> InlineKeyboardMarkup:
    markup = keyboard(status_actions(d))
    assert markup is not None
    return markup
