"""How an incident's report reads: its answers, field by field, as the form names them.

The form (`config/incident_form.yaml`) decides the labels and the order; this module only
formats values (a choice by its option's label, yes/no as Có/Không, a time in local time,
the agency by its name) and escapes what people typed. The conversation's summary, the
notice to responders and `/incident` all draw the answers through `answer_lines`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import from_epoch
from bot.domain.durations import humanize
from bot.domain.escalation import Severity
from bot.domain.incidents import Incident, IncidentStatus
from bot.domain.models import Agency, Person
from bot.domain.notices import Lateness
from bot.domain.phones import display_phone
from bot.telegram.render import agency_phone, local_time, plain
from bot.texts import Safe, join, t
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
    return [t("inc_n_stale_head", title=title, code=incident.code, secret=_secret(incident),
              priority=priority_label(incident.priority), agency=agency.name,
              status=status_label(incident.status), assignee=who,
              since=local_time(since, tz),
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
