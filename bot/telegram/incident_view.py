"""How an incident's report reads: its answers, field by field, as the form names them.

The form (`config/incident_form.yaml`) decides the labels and the order; this module only
formats values (a choice by its option's label, yes/no as Có/Không, a time in local time,
the agency by its name) and escapes what people typed. The conversation's summary, the
notice to responders and `/incident` all draw the answers through `answer_lines`. Below them: the lists of
`/incidents` and `/myreports`, and an incident's detail with its timeline and buttons.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import from_epoch
from bot.domain.directives import split_text
from bot.domain.durations import humanize
from bot.domain.escalation import Severity
from bot.domain.incidents import EventKind, Incident, IncidentEvent, IncidentStatus, Move
from bot.services.incident_views import IncidentDetail, IncidentList, IncidentRow
from bot.telegram import callbacks
from bot.telegram.broadcast_view import short_label
from bot.telegram.render import local_time, pack, short_time
from bot.texts import Safe, join, label, t
from config.incident_form import FieldKind, FormField, IncidentForm


def status_label(status: IncidentStatus) -> Safe:
    """Mới, Đã tiếp nhận, Đang xử lý, Đã khắc phục, Đã kết thúc ứng phó."""
    return t(f"inc_status_{status}")


def priority_label(priority: Severity) -> Safe:
    """Thấp, Trung bình, Cao, Nghiêm trọng."""
    return t(f"inc_priority_{priority}")


def answer_text(f: FormField, value: Any, agency_names: Mapping[int, str],
                tz: ZoneInfo) -> str:
    """One answer as plain text (not escaped): what the person reads after the label."""
    if f.kind is FieldKind.CHOICE:
        option = f.option(str(value))
        return option.label if option is not None else str(value)
    if f.kind is FieldKind.YESNO:
        return "Có" if value is True else "Không"
    if f.kind is FieldKind.DATETIME:
        return local_time(from_epoch(int(value)), tz)
    if f.kind is FieldKind.AGENCY:
        return agency_names.get(int(value), str(value))
    if f.kind is FieldKind.FILES:
        return str(len(value)) if isinstance(value, list) else str(value)
    return str(value)


def answer_lines(form: IncidentForm, answers: Mapping[str, Any],
                 agency_names: Mapping[int, str], tz: ZoneInfo, *,
                 groups: set[str] | None = None, titles: bool = True) -> list[Safe]:
    """"<b>Label</b>: value" for every answered field, in the form's order, under the title
    of its group (`groups`: only these; `titles`: False for a flat list)."""
    lines: list[Safe] = []
    for group in form.groups:
        if groups is not None and group.key not in groups:
            continue
        body = [Safe(f"<b>{html.escape(f.label, quote=False)}</b>: "
                     f"{html.escape(answer_text(f, answers[f.key], agency_names, tz), quote=False)}")
                for f in form.in_group(group.key)
                if f.kind is not FieldKind.FILES and answers.get(f.key) not in (None, "")]
        if not body:
            continue
        if titles:
            lines.append(Safe(f"<u>{html.escape(group.title, quote=False)}</u>"))
        lines.extend(body)
    return lines


# --- /incidents and /myreports ---------------------------------------------------------------

PAGE_SIZE = 10  # incidents on one page of a list: phone-sized
PRIORITY_ICONS: dict[Severity, str] = {
    Severity.NGHIEM_TRONG: "🔴", Severity.CAO: "🟠", Severity.TRUNG_BINH: "🟡",
    Severity.THAP: "🟢"}
# The detail's buttons: the move, its callback verb, its label.
MOVE_BUTTONS: dict[Move, tuple[callbacks.IncidentVerb, str]] = {
    Move.TAKE: ("take", "incv_move_take"),
    Move.START: ("start", "incv_move_start"),
    Move.RELEASE: ("release", "incv_move_release"),
    Move.REASSIGN: ("reassign", "incv_move_reassign"),
    Move.RESOLVE: ("resolve", "incv_move_resolve"),
    Move.REOPEN: ("reopen", "incv_move_reopen"),
    Move.CLOSE: ("close", "incv_move_close"),
    Move.FALSE_ALARM: ("false", "incv_move_false_alarm"),
    Move.PRIORITY: ("prio", "incv_move_priority"),
    Move.PROGRESS: ("progress", "incv_move_progress"),
}
LONG_LINE = 3000  # a typed text longer than this goes on several lines (never cut)


def _marks(incident: Incident) -> Safe:
    return join([t("incv_mark_late")] * incident.late
                + [t("incv_mark_confidential")] * incident.confidential, "")


def _page(rows: list[IncidentRow], page: int) -> tuple[list[IncidentRow], int, int]:
    """The rows of `page` (kept within the list), the page and the number of pages."""
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    return rows[page * PAGE_SIZE:(page + 1) * PAGE_SIZE], page, pages


def _list_markup(shown: list[IncidentRow], which: callbacks.IncidentListKind, page: int,
                 pages: int) -> InlineKeyboardMarkup | None:
    """One button per incident shown (its detail), then the pages."""
    rows = [[InlineKeyboardButton(
        short_label(label("incv_button_open", code=r.incident.code, agency=r.agency)),
        callback_data=callbacks.incident_action("view", r.incident.id))] for r in shown]
    turn = []
    if page > 0:
        turn.append(InlineKeyboardButton(label("button_page_prev"), callback_data=(
            callbacks.IncidentPage(which, page - 1).encode())))
    if page < pages - 1:
        turn.append(InlineKeyboardButton(label("button_page_next"), callback_data=(
            callbacks.IncidentPage(which, page + 1).encode())))
    if turn:
        rows.append(turn)
    return InlineKeyboardMarkup(rows) if rows else None


def open_list(found: IncidentList, page: int, tz: ZoneInfo
              ) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """/incidents: by priority (the gravest first), one line per incident: code, agency,
    status, assignee, age since it was reported, and the late and confidential marks."""
    if not found.rows:
        return t("incv_list_none"), None
    shown, page, pages = _page(found.rows, page)
    lines = [t("incv_list_header", count=len(found.rows), time=short_time(found.read_at, tz))]
    group: Severity | None = None
    for row in shown:
        i = row.incident
        if i.priority is not group:
            group = i.priority
            lines += [Safe(""), t("incv_group", icon=PRIORITY_ICONS[i.priority],
                                  priority=priority_label(i.priority))]
        lines.append(t("incv_line", code=i.code, agency=row.agency,
                       status=status_label(i.status), assignee=row.assignee or t("incv_nobody"),
                       age=humanize(found.read_at - i.reported_at), marks=_marks(i)))
    if pages > 1:
        lines += [Safe(""), t("incv_list_page", page=page + 1, pages=pages)]
    return join(lines), _list_markup(shown, "o", page, pages)


def my_list(found: IncidentList, page: int, tz: ZoneInfo
            ) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """/myreports: the agency's incidents, newest first, each with its state."""
    if not found.rows:
        return t("incv_mine_none", agency=found.agency), None
    shown, page, pages = _page(found.rows, page)
    lines = [t("incv_mine_header", agency=found.agency, count=len(found.rows))]
    lines += [t("incv_mine_line", code=r.incident.code, status=status_label(r.incident.status),
                time=short_time(r.incident.reported_at, tz), marks=_marks(r.incident))
              for r in shown]
    if pages > 1:
        lines += [Safe(""), t("incv_list_page", page=page + 1, pages=pages)]
    return join(lines), _list_markup(shown, "m", page, pages)


# --- /incident SC-… --------------------------------------------------------------------------


def _long(first: Safe, text: str) -> list[Safe]:
    """`first` then a typed text, on as many lines as it needs to fit one message each."""
    parts = split_text(text, LONG_LINE) or [""]
    return [Safe(first + html.escape(parts[0], quote=False))] + [
        Safe(html.escape(part, quote=False)) for part in parts[1:]]


# Events whose typed text (a reason, a progress report) is shown in full, and how.
REASONED: dict[EventKind, str] = {
    EventKind.RELEASED: "incv_ev_released", EventKind.REOPENED: "incv_ev_reopened",
    EventKind.FALSE_ALARM: "incv_ev_false_alarm", EventKind.PROGRESS: "incv_ev_progress"}
_SLOT = "\x00"  # where a long typed text goes in a rendered template


def _around(text: Safe) -> tuple[Safe, Safe]:
    """A template rendered with `_SLOT` for one value: what comes before it and after."""
    before, _, after = text.partition(_SLOT)
    return Safe(before), Safe(after)


def _event_lines(e: IncidentEvent, d: IncidentDetail, tz: ZoneInfo) -> list[Safe]:
    """One timeline entry: time, who, what (a reason or a report's text in full)."""
    who = d.names.get(e.person_id, "") if e.person_id is not None else t("incv_bot")
    before, after = _around(t("incv_event", time=short_time(e.at, tz), who=who, what=_SLOT))
    files = e.details.get("files")
    tail = t("incv_ev_with_files", count=files) if isinstance(files, int) and files else ""
    if e.kind in REASONED and e.text:
        opening, closing = _around(t(REASONED[e.kind], text=_SLOT))
        lines = _long(Safe(before + opening), e.text)
        lines[-1] = Safe(lines[-1] + closing + tail + after)
        return lines
    return [Safe(before + _what(e, d) + tail + after)]


def _what(e: IncidentEvent, d: IncidentDetail) -> Safe:
    """What an event without a typed text says."""
    match e.kind:
        case EventKind.REPORTED:
            return t("incv_ev_reported_phone" if e.details.get("via") == "phone"
                     else "incv_ev_reported")
        case EventKind.REASSIGNED:
            to = next((e.details[k] for k in ("assignee_id", "to_assignee_id", "to_person_id")
                       if isinstance(e.details.get(k), int)), None)
            return (t("incv_ev_reassigned", name=d.names[to]) if to in d.names
                    else t("incv_ev_reassigned_plain"))
        case EventKind.PRIORITY:
            old, new = (_severity(e.details.get(k)) for k in ("from", "to"))
            return (t("incv_ev_priority", old=priority_label(old), new=priority_label(new))
                    if old and new else t("incv_ev_priority_plain"))
        case EventKind.FALSE_ALARM:
            return t("incv_ev_false_alarm_plain")
        case EventKind.PROGRESS:
            return t("incv_ev_progress_plain")
        case _:
            return t(f"incv_ev_{e.kind}")


def _severity(value: object) -> Severity | None:
    try:
        return Severity(str(value))
    except ValueError:
        return None


def detail_messages(d: IncidentDetail, form: IncidentForm, tz: ZoneInfo,
                    report_within: timedelta) -> list[Safe]:
    """The header, the report's answers, the closing report, the timeline: as many
    messages as it takes (each within Telegram's limit; nothing cut)."""
    i = d.incident
    lines = [t("incv_title", code=i.code, mark=" 🔒" if i.confidential else ""),
             t("incv_status", status=status_label(i.status), priority=priority_label(i.priority)),
             t("incv_agency", agency=d.agency),
             t("incv_reporter_phone" if i.via == "phone" else "incv_reporter", name=d.reporter),
             t("incv_times", detected=local_time(i.detected_at, tz),
               reported=local_time(i.reported_at, tz)),
             t("incv_assignee", name=d.assignee) if d.assignee else t("incv_no_assignee")]
    if i.late:
        lines.append(t("incv_late", within=humanize(report_within)))
    if i.confidential:
        lines.append(t("incv_confidential"))
    if i.false_alarm:
        lines.append(t("incv_false_alarm"))
    lines += [Safe(""), t("incv_initial"),
              *answer_lines(form, i.answers, d.agency_names, tz)]
    closing = [(c.label, str(i.closing[c.key])) for c in form.closing
               if i.closing.get(c.key) not in (None, "")]
    if closing:
        lines += [Safe(""), t("incv_closing")]
        for name, value in closing:
            opening, _ = _around(t("incv_answer", label=name, value=_SLOT))
            lines += _long(opening, value)
    lines += [Safe(""), t("incv_timeline")]
    for e in d.events:
        lines += _event_lines(e, d, tz)
    return pack(lines)


def detail_markup(d: IncidentDetail) -> InlineKeyboardMarkup | None:
    """«Tệp đính kèm (n)», then one button per move open to the viewer now."""
    rows: list[list[InlineKeyboardButton]] = []
    if d.files:
        rows.append([InlineKeyboardButton(label("incv_button_files", count=d.files),
                                          callback_data=callbacks.incident_action(
                                              "files", d.incident.id))])
    buttons = [InlineKeyboardButton(label(MOVE_BUTTONS[m][1]), callback_data=(
        callbacks.incident_action(MOVE_BUTTONS[m][0], d.incident.id))) for m in d.moves]
    rows += [buttons[k:k + 2] for k in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows) if rows else None
