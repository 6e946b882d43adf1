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
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import from_epoch
from bot.domain.directives import split_text
from bot.domain.durations import humanize
from bot.domain.escalation import Severity
from bot.domain.incidents import EventKind, Incident, IncidentEvent, IncidentStatus, Move
from bot.domain.models import Agency, Person
from bot.domain.notices import Lateness
from bot.domain.phones import display_phone
from bot.services.incident_views import IncidentDetail, IncidentList, IncidentRow
from bot.telegram import callbacks
from bot.telegram.broadcast_view import short_label
from bot.telegram.render import agency_phone, local_time, pack, plain, short_time
from bot.texts import TEXTS, Safe, join, label, t
from config.incident_form import FieldKind, FormField, IncidentForm
from config.settings import Settings


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


def row_label(text: str) -> str:
    """A question's label as the name of a row: "Đề xuất hỗ trợ?" reads "Đề xuất hỗ trợ: Có"."""
    return text.rstrip(" ?")


def in_sentence(text: str) -> str:
    """A label inside a sentence: its first letter in lower case ("Hệ điều hành" → "hệ điều
    hành"), unless the first word is an abbreviation ("IDS", "IP")."""
    first = text.split(" ", 1)[0]
    return text if first.isupper() or len(first) < 2 else text[0].lower() + text[1:]


def answer_lines(form: IncidentForm, answers: Mapping[str, Any],
                 agency_names: Mapping[int, str], tz: ZoneInfo, *,
                 groups: set[str] | None = None, titles: bool = True) -> list[Safe]:
    """"<b>Label</b>: value" for every answered field, in the form's order, under the title
    of its group (`groups`: only these; `titles`: False for a flat list)."""
    lines: list[Safe] = []
    for group in form.groups:
        if groups is not None and group.key not in groups:
            continue
        body = [Safe(f"<b>{html.escape(row_label(f.label), quote=False)}</b>: "
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
        case EventKind.ESCALATED:
            return _escalated(e)
        case _:
            return t(f"incv_ev_{e.kind}")


def _escalated(e: IncidentEvent) -> Safe:
    """"đôn đốc (lần 1/3): cán bộ đang trực, Đội trưởng" — or a reminder of no progress."""
    d = e.details
    who = ", ".join(TEXTS[f"target_{target}"] for target in d.get("targets", ())
                    if f"target_{target}" in TEXTS)
    if d.get("kind") == "incident_no_progress":
        return t("incv_ev_no_progress", who=who)
    if isinstance(d.get("round"), int) and isinstance(d.get("total"), int) and d["round"]:
        return t("incv_ev_escalated_round", number=d["round"], total=d["total"], who=who)
    return t("incv_ev_escalated")


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
# --- notices to the team: the report, the rounds of "nobody took it", "no progress" ------


def _secret(incident: Incident) -> Safe:
    return t("inc_n_secret") if incident.confidential else Safe("")


def _phone(phone: str | None) -> Safe:
    shown = display_phone(phone) if phone else None
    return t("inc_n_phone", phone=shown) if shown else Safe("")


def _taken(v: Mapping[str, Any], tz: ZoneInfo) -> list[Safe]:
    """On top of a copy drawn again once someone took the incident."""
    taken = v.get("taken")
    if taken is None:
        return []
    return [t("inc_n_taken_line", name=taken.name, time=local_time(taken.at, tz))]


def _tail(v: Mapping[str, Any]) -> list[Safe]:
    """How late the notice is, and who hears it when nobody is on duty (as digests say)."""
    out: list[Safe] = []
    late: Lateness | None = v.get("late")
    if late is not None:
        out.append(t("esc_late_note", late=humanize(late.by), collapsed=late.collapsed)
                   if late.collapsed else t("esc_late_note_plain", late=humanize(late.by)))
    if v.get("nobody_on_duty"):
        names = v.get("unreachable_on_duty") or ()
        out.append(t("esc_on_duty_unreachable", names=", ".join(names)) if names
                   else t("esc_nobody_on_duty"))
    return out


def report_lines(v: Mapping[str, Any], settings: Settings) -> list[Safe]:
    """The report as the on-duty responders (and the admins) get it: code, priority, agency,
    who reported, the late flag, the secrecy mark, then every answer as the form names it;
    "Đã được … tiếp nhận" on top once someone took it."""
    incident: Incident = v["incident"]
    agency: Agency = v["agency"]
    reporter: Person = v["reporter"]
    tz = settings.tz
    a = incident.answers
    out = _taken(v, tz)
    out.append(t("inc_n_report_head", code=incident.code, secret=_secret(incident)))
    out.append(t("inc_n_priority", priority=priority_label(incident.priority)))
    out.append(t("inc_n_agency", agency=agency.name))
    if incident.via == "phone":  # the caller's name and phone are answers; who logged it
        out.append(t("inc_n_reporter_call", name=str(a.get("reporter_name") or "—"),
                     phone=_phone(a.get("reporter_phone")), logger=reporter.full_name))
    else:
        out.append(t("inc_n_reporter", name=reporter.full_name,
                     phone=_phone(reporter.phone or a.get("reporter_phone"))))
    out.append(t("inc_n_reported_at", time=local_time(incident.reported_at, tz)))
    if incident.late:
        out.append(t("inc_n_late", within=humanize(v["report_within"])))
    out.append(Safe(""))
    out += answer_lines(v["form"], a, {agency.id: agency.name}, tz)
    if v.get("files"):
        out += [Safe(""), t("inc_n_files", count=len(v["files"]))]
    return out + _tail(v)


def digest_lines(v: Mapping[str, Any], settings: Settings) -> list[Safe]:
    """A round of "nobody has taken it": the incident, how old, whom to call at the agency."""
    incident: Incident = v["incident"]
    agency: Agency = v["agency"]
    tz = settings.tz
    done, total = v["rounds"]
    title = t("esc_round", number=done, total=total) if done else t("esc_round_none")
    now: datetime = v["now"]
    out = _taken(v, tz)
    out.append(t("inc_n_digest_taken_head" if v.get("taken") else "inc_n_digest_head",
                 title=title, code=incident.code, secret=_secret(incident),
                 priority=priority_label(incident.priority), agency=agency.name,
                 reported=local_time(incident.reported_at, tz),
                 age=humanize(max(now - incident.reported_at, timedelta(seconds=1)))))
    callers: list[tuple[str, str | None]] = v["callers"]
    if callers:
        out.append(t("inc_n_callers", people=join([
            t("status_contact", name=name, phone=display_phone(phone)) if phone
            else t("status_contact_no_phone", name=name) for name, phone in callers], ", "),
            phone=agency_phone(agency)))
    else:
        out.append(t("inc_n_no_callers", phone=agency_phone(agency)))
    return out + _tail(v)


def stale_lines(v: Mapping[str, Any], settings: Settings) -> list[Safe]:
    """A round of "no progress": to the assignee (and the lead), with the last sign of work."""
    incident: Incident = v["incident"]
    agency: Agency = v["agency"]
    assignee: Person | None = v["assignee"]
    tz = settings.tz
    done, total = v["rounds"]
    title = t("esc_round", number=done, total=total) if done else t("esc_round_none")
    since: datetime = v["since"]
    now: datetime = v["now"]
    who = (join([Safe(html.escape(assignee.full_name, quote=False)), _phone(assignee.phone)], "")
           if assignee is not None else Safe("—"))
    ask = t("inc_n_stale_ask")
    if assignee is not None and not assignee.active:  # left: the lead reads this, to reassign
        who = join([who, t("inc_n_assignee_left")], "")
        ask = t("inc_n_stale_ask_left", code=incident.code)
    return [t("inc_n_stale_head", title=title, code=incident.code, secret=_secret(incident),
              priority=priority_label(incident.priority), agency=agency.name,
              status=status_label(incident.status), assignee=who,
              since=local_time(since, tz), ask=ask,
              age=humanize(max(now - since, timedelta(seconds=1)))), *_tail(v)]


def file_captions(v: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, file_id, caption) of each attachment sent after the report's text."""
    incident: Incident = v["incident"]
    files: list[dict[str, str]] = v.get("files") or []
    return [(f["kind"], f["file_id"],
             t("inc_n_file_caption", code=incident.code, number=i, total=len(files),
                   name=f" — {f['name']}" if f.get("name") else ""))
            for i, f in enumerate(files, 1)]


def take_answer(status: str, code: str, name: str | None, at: datetime | None,
                incident_status: IncidentStatus | None, settings: Settings) -> str:
    """What the tapper of «Tiếp nhận» reads (a callback answer: plain text)."""
    tz = settings.tz
    if status == "taken" and at is not None:
        return plain(t("inc_n_taken", code=code, time=local_time(at, tz)))
    if status in ("already", "mine") and at is not None:
        key = "inc_n_already_self" if status == "mine" else "inc_n_already"
        return plain(t(key, code=code, name=name or "", time=local_time(at, tz)))
    if status == "closed" and incident_status is not None:
        return plain(t("inc_n_take_closed", code=code, status=status_label(incident_status)))
    if status == "ended":
        return plain(t("access_ended_tap"))
    if status == "missing":
        return plain(t("not_found"))
    return plain(t("inc_n_take_refused"))
