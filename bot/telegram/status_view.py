"""A directive's status message, sized for a phone, and the paged lists behind its buttons.

The message holds the counts, then whom to call among the agencies still to confirm (a few,
one contact each), then one line for the agencies with nobody on the bot. Everything longer
(every agency still to confirm, those with nobody on the bot, the result reports) is a list
of its own, paged, opened by a button: the message stays one message within Telegram's
limits whatever the number of agencies, so «Cập nhật» can always rewrite it in place.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.directives import DirectiveStatus
from bot.domain.durations import humanize
from bot.domain.figures import AckFigures, TimeFigures
from bot.domain.phones import display_phone
from bot.services.broadcast import AgencyRow, Overview, ReportRow
from bot.services.figures import PERIOD_DAYS, PeriodFigures
from bot.telegram import callbacks
from bot.telegram import directive_view as view
from bot.telegram.broadcast_view import short_label
from bot.telegram.keyboards import keyboard
from bot.telegram.render import TEXT_LIMIT, local_time, short_time, tg_len
from bot.texts import Safe, join, t
from config.settings import Settings

# The agencies still to confirm named in the message itself; the rest are behind a button.
SHOWN_WAITING = 5
SHOWN_PHONE = 3
# A list page: at most this many agencies (one button each) within this many UTF-16 units.
PAGE_SIZE = 10
BUDGET = TEXT_LIMIT - 196
SNIPPET = 80  # how much of a report's text its list line quotes


def _contact(row: AgencyRow) -> Safe:
    """Whom to call about an agency: its first contact on the bot (with a phone when known),
    then the agency's own phone (issue 10 item 2: people on the bot first, then the agency)."""
    found: list[Safe] = []
    if row.primary is not None:
        phone = display_phone(row.primary.phone)
        found.append(t("status_contact", name=row.primary.full_name, phone=phone) if phone
                     else t("status_contact_no_phone", name=row.primary.full_name))
    if row.agency.phone:
        found.append(t("sl_agency_phone",
                       phone=display_phone(row.agency.phone) or row.agency.phone))
    return join(found, " · ") if found else t("sl_no_phone")


def _line(row: AgencyRow) -> Safe:
    level = t("status_level", level=view.level_text(row.level)) if row.level else ""
    return t("sl_line", agency=row.agency.name, contact=_contact(row), level=level)


def _reports(ov: Overview) -> tuple[int, int] | None:
    return (len(ov.reports), ov.supplements) if ov.reports_due else None


def status_message(ov: Overview, settings: Settings, now: datetime) -> Safe:
    """Counts first, then a few agencies to call, then what the buttons open; one message."""
    d = ov.directive
    head = [*view.drill_lines(d), view.status_text(d, ov.tally, settings, now, _reports(ov))]
    fig = ov.figures
    if fig.median is not None and fig.p90 is not None:  # nothing to say before a first ✅
        head.append(t("fig_ack_line", acked=fig.acknowledged, total=fig.agencies,
                      percent=fig.percent, median=humanize(fig.median), p90=humanize(fig.p90)))
    tail: list[Safe] = []
    by_phone = ov.by_phone
    if by_phone:
        tail.append(t("status_phone_header", count=len(by_phone)))
        tail += [t("status_phone_line", agency=r.agency.name, name=r.acker or "—",
                   time=local_time(r.ack.acked_at, settings.tz))
                 for r in by_phone[:SHOWN_PHONE] if r.ack is not None]
        if len(by_phone) > SHOWN_PHONE:
            tail.append(t("status_more_phone", count=len(by_phone) - SHOWN_PHONE))
    if ov.unreached and d.status is DirectiveStatus.ACTIVE:
        tail.append(t("status_unreached", count=len(ov.unreached)))
    tail.append(t("status_as_of", time=local_time(now, settings.tz)))
    waiting = ov.waiting if d.status is DirectiveStatus.ACTIVE else []
    middle: list[Safe] = []
    if waiting:
        # As many as fit beside the rest (a long name or summary leaves room for fewer).
        room = BUDGET - tg_len(join(head + tail)) - 200
        middle.append(t("status_pending_header", count=len(waiting)))
        for row in waiting[:SHOWN_WAITING]:
            line = _line(row)
            room -= tg_len(line) + 1
            if room < 0:
                break
            middle.append(line)
        shown = len(middle) - 1
        if shown < len(waiting):
            middle.append(t("status_more_waiting", count=len(waiting) - shown))
    return join(head + middle + tail)


def _times(fig: AckFigures) -> Safe:
    if fig.median is None or fig.p90 is None:
        return Safe("")
    return t("fig_times", median=humanize(fig.median), p90=humanize(fig.p90))


def _spread(key: str, none_key: str, fig: TimeFigures) -> Safe:
    if fig.median is None or fig.p90 is None:
        return t(none_key)
    return t(key, median=humanize(fig.median), p90=humanize(fig.p90), count=fig.count)


def period_block(pf: PeriodFigures, settings: Settings, *, recent: bool) -> Safe:
    """The figures over a period, real directives only: a few short lines (at most three
    agencies are named, so the block stays well within one message)."""
    if recent:
        lines = [t("fig_period_recent", days=PERIOD_DAYS)]
    else:
        last_day = pf.until.astimezone(settings.tz) - timedelta(days=1)
        lines = [t("fig_period_range", since=pf.since.astimezone(settings.tz).strftime("%d/%m/%Y"),
                   until=last_day.strftime("%d/%m/%Y"))]
    o = pf.overall
    if not pf.directives:
        lines.append(t("fig_no_directives"))
    else:
        lines.append(t("fig_directives", count=pf.directives, acked=o.acknowledged,
                       total=o.agencies, percent=o.percent, times=_times(o)))
        lines.append(t("fig_slowest_header"))
        lines += [t("fig_slowest_line", agency=agency.name, acked=fig.acknowledged,
                    total=fig.agencies, percent=fig.percent,
                    median=t("fig_slowest_median", median=humanize(fig.median))
                    if fig.median is not None else "")
                  for agency, fig in pf.slowest]
    inc = pf.incidents
    if not inc.incidents:
        lines.append(t("fig_no_incidents"))
    else:
        lines += [t("fig_incidents", count=inc.incidents),
                  _spread("fig_take", "fig_take_none", inc.take),
                  _spread("fig_resolve", "fig_resolve_none", inc.resolve)]
    return join(lines)


def status_markup(ov: Overview) -> InlineKeyboardMarkup | None:
    return keyboard(ov.actions())


# --- the lists behind the buttons -------------------------------------------------------------

def _pages(entries: list[Safe], fixed: int) -> list[list[int]]:
    """Entries (by index) split into pages of at most PAGE_SIZE that fit beside `fixed`."""
    pages: list[list[int]] = [[]]
    size = fixed
    for i, entry in enumerate(entries):
        length = tg_len(entry) + 1
        if pages[-1] and (len(pages[-1]) >= PAGE_SIZE or size + length > BUDGET):
            pages.append([])
            size = fixed
        pages[-1].append(i)
        size += length
    return pages


def _nav(which: callbacks.StatusListKind, directive_id: int, page: int,
         pages: int) -> list[InlineKeyboardButton]:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(t("button_page_prev"), callback_data=callbacks.status_list(
            which, directive_id, page - 1)))
    if page < pages - 1:
        row.append(InlineKeyboardButton(t("button_page_next"), callback_data=callbacks.status_list(
            which, directive_id, page + 1)))
    return row


def _paged(head: Safe, entries: list[Safe], page: int,
           footer: Safe | None = None) -> tuple[Safe, list[int], int, int]:
    """The page's text, the indices of its entries, the page (clamped) and the page count."""
    if not entries:
        return join([head, t("sl_empty")]), [], 0, 1
    fixed = tg_len(head) + tg_len(t("sl_page", page=999, pages=999)) + 4
    if footer is not None:
        fixed += tg_len(footer) + 1
    pages = _pages(entries, fixed)
    # A page past the end (the list got shorter, or the data was made up): the last one.
    page = min(max(page, 0), len(pages) - 1)
    lines = [head, *(entries[i] for i in pages[page])]
    if len(pages) > 1:
        lines.append(t("sl_page", page=page + 1, pages=len(pages)))
    if footer is not None:
        lines.append(footer)
    return join(lines), pages[page], page, len(pages)


def agency_page(ov: Overview, which: callbacks.StatusListKind, page: int, settings: Settings
                ) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """The agencies with nobody on the bot (`nb`) or still to confirm (`pd`), a page of
    them, each with a button to its card (to record a receipt by phone or on paper)."""
    d = ov.directive
    if d.status is not DirectiveStatus.ACTIVE:  # nobody is to confirm a recalled directive
        assert d.recalled_at is not None
        return join([*view.drill_lines(d), t("sl_waiting_head", count=0, directive=view.cite(d)),
                     t("status_recalled", time=local_time(d.recalled_at, settings.tz))]), None
    rows = ov.unreached if which == "nb" else ov.waiting
    key = "sl_unreached_head" if which == "nb" else "sl_waiting_head"
    head = view.bannered(d, t(key, count=len(rows), directive=view.cite(d)))
    entries = [_line(r) for r in rows]
    text, shown, page, pages = _paged(head, entries, page, t("sl_pick") if rows else None)
    buttons = [InlineKeyboardButton(short_label(f"☎️ {rows[i].agency.name}"),
                                    callback_data=callbacks.phone("ag", d.id, rows[i].agency.id))
               for i in shown]
    markup = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    nav = _nav(which, d.id, page, pages)
    if nav:
        markup.append(nav)
    return text, InlineKeyboardMarkup(markup) if markup else None


def _report_line(r: ReportRow, settings: Settings) -> Safe:
    text = (r.text or "").strip().replace("\n", " ")
    if len(text) > SNIPPET:
        text = text[:SNIPPET - 1].rstrip() + "…"
    if not text:
        text = t("res_no_text")
    line = t("rp_line", agency=r.agency.name, name=r.name, time=short_time(r.first_at, settings.tz),
             late=t("res_notice_late") if r.late else "", text=text)
    if r.supplements and r.last_at is not None:
        line = Safe(line + t("rp_supplement", count=r.supplements,
                             time=short_time(r.last_at, settings.tz)))
    return line


def report_page(ov: Overview, page: int, settings: Settings
                ) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """Which agencies reported (and their supplements), then those that have not, paged."""
    d = ov.directive
    head = view.bannered(d, t(
        "rp_head", directive=view.cite(d), reported=len(ov.reports),
        total=ov.tally.agencies_total,
        supplements=t("status_supplements", count=ov.supplements) if ov.supplements else ""))
    reported = {r.agency.id for r in ov.reports}
    entries = [_report_line(r, settings) for r in ov.reports]
    entries += [t("rp_not_yet", agency=row.agency.name) for row in ov.rows
                if row.agency.id not in reported]
    text, _, page, pages = _paged(head, entries, page)
    nav = _nav("rp", d.id, page, pages)
    return text, InlineKeyboardMarkup([nav]) if nav else None
