"""The /export file: directive, incident, timeline and figures sheets (drills on their own
sheets, never in the real ones), as one `.xlsx` or as a zip of CSV files. Runs in a worker
thread: nothing here touches the event loop.

CSV comes as ONE zip holding one UTF-8 (with BOM) CSV per sheet: a CSV holds one table, and
six separate documents in the chat would be easy to miss one of; Windows opens a zip with a
double click and Excel then opens each CSV with its accents intact.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.figures import (
    AckFigures,
    AckRecord,
    IncidentTimes,
    agency_ack_figures,
    incident_figures,
    overall_ack_figures,
)
from bot.exports.sheets import Column, Kind, Sheet, write_csv, write_xlsx
from bot.storage.exports import DirectiveRow, EventRow, ExportData, IncidentRow
from bot.texts import TEXTS

T, N, DT, MIN = Kind.TEXT, Kind.NUMBER, Kind.DATETIME, Kind.MINUTES


def _h(key: str) -> str:
    return TEXTS[f"exp_h_{key}"]


def _cols(*spec: tuple[str, int, Kind]) -> list[Column]:
    return [Column(_h(key), width, kind) for key, width, kind in spec]


DIRECTIVE_COLUMNS = _cols(
    ("number", 18, T), ("summary", 40, T), ("urgency", 12, T), ("agency", 32, T),
    ("groups", 24, T), ("liaisons", 36, T), ("sent_at", 17, DT), ("deadline", 17, DT),
    ("acked_at", 17, DT), ("acked_by", 22, T), ("via", 12, T), ("late", 10, T),
    ("escalation", 14, N), ("report_at", 17, DT), ("report_by", 22, T), ("reports", 10, N))
INCIDENT_COLUMNS = _cols(
    ("code", 16, T), ("agency", 32, T), ("category", 22, T), ("priority", 14, T),
    ("system_level", 10, N), ("detected_at", 17, DT), ("reported_at", 17, DT),
    ("late_report", 10, T), ("taken_at", 17, DT), ("resolved_at", 17, DT),
    ("assignee", 22, T), ("support", 10, T), ("status", 18, T))
EVENT_COLUMNS = _cols(("code", 16, T), ("at", 17, DT), ("who", 22, T), ("what", 30, T),
                      ("text", 40, T), ("details", 40, T))
FIGURE_COLUMNS = _cols(
    ("agency", 32, T), ("received", 10, N), ("acked", 10, N), ("rate", 10, N),
    ("median", 12, MIN), ("p90", 12, MIN), ("incidents", 10, N), ("take_median", 12, MIN),
    ("take_p90", 12, MIN), ("resolve_median", 12, MIN), ("resolve_p90", 12, MIN))

# Sheet titles (Excel: at most 31 characters).
REAL_DIRECTIVES, INCIDENTS, TIMELINE, FIGURES = (
    TEXTS["exp_sheet_directives"], TEXTS["exp_sheet_incidents"], TEXTS["exp_sheet_timeline"],
    TEXTS["exp_sheet_figures"])
DRILL_DIRECTIVES, DRILL_FIGURES = TEXTS["exp_sheet_drill_directives"], TEXTS["exp_sheet_drill_figures"]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else TEXTS["exp_yes" if value else "exp_no"]


def _late(r: DirectiveRow, at: datetime | None) -> bool | None:
    """Acknowledged: as recorded. Never acknowledged: late once the deadline has passed at
    `at` (the export's time), unless the directive was recalled; otherwise blank."""
    if r.late is not None:
        return r.late
    if at is None or r.recalled or r.acked_at is not None or at < r.ack_deadline_at:
        return None
    return True


def _no_report(r: DirectiveRow) -> str:
    return TEXTS["exp_no_report" if r.report_asked else "exp_report_not_asked"]


def _directive_rows(rows: Sequence[DirectiveRow], at: datetime | None) -> Iterator[list[Any]]:
    for r in rows:
        yield [r.number, r.summary, TEXTS.get(f"urgency_name_{r.urgency}", r.urgency), r.agency,
               r.groups, r.liaisons, r.sent_at, r.ack_deadline_at, r.acked_at, r.acked_by,
               TEXTS.get(f"exp_via_{r.via}", r.via) if r.via else None, _yes_no(_late(r, at)),
               r.escalation_level, r.report_at,
               r.report_by if r.report_at else _no_report(r), r.reports]


def _incident_rows(rows: Sequence[IncidentRow],
                   categories: dict[str, str]) -> Iterator[list[Any]]:
    for i in rows:
        status = "exp_status_false_alarm" if i.false_alarm else f"inc_status_{i.status}"
        category = categories.get(i.category, i.category) if i.category else None
        yield [i.code, i.agency, category, TEXTS.get(f"inc_priority_{i.priority}", i.priority),
               i.system_level, i.detected_at, i.reported_at, _yes_no(i.late), i.first_taken_at,
               i.resolved_at, i.assignee, _yes_no(i.support_requested),
               TEXTS.get(status, i.status)]


# What each event was, without its typed text (that has a column of its own).
EVENT_LABELS = {
    "reported": "incv_ev_reported", "taken": "incv_ev_taken", "started": "incv_ev_started",
    "released": "exp_ev_released", "reassigned": "incv_ev_reassigned_plain",
    "resolved": "incv_ev_resolved", "reopened": "exp_ev_reopened", "closed": "incv_ev_closed",
    "false_alarm": "incv_ev_false_alarm_plain", "progress": "incv_ev_progress_plain",
    "priority": "incv_ev_priority_plain", "escalated": "incv_ev_escalated"}


def _event_rows(rows: Sequence[EventRow]) -> Iterator[list[Any]]:
    for e in rows:
        details = json.dumps(e.details, ensure_ascii=False, sort_keys=True) if e.details else ""
        yield [e.code, e.at, e.who or TEXTS["exp_bot"], TEXTS.get(EVENT_LABELS.get(e.kind, ""), e.kind),
               e.text, details]


def _figure_row(name: str, ack: AckFigures | None, incidents: list[IncidentTimes]) -> list[Any]:
    inc = incident_figures(incidents)
    ack_part: list[Any] = ([None] * 5 if ack is None else
                           [ack.agencies, ack.acknowledged, ack.percent, ack.median, ack.p90])
    return [name, *ack_part, inc.incidents or None, inc.take.median, inc.take.p90,
            inc.resolve.median, inc.resolve.p90]


def _figures(rows: Sequence[DirectiveRow], incidents: Sequence[IncidentRow]) -> list[list[Any]]:
    """Per agency (by name), then a total line over every copy and every incident."""
    records = [AckRecord(r.directive_id, r.agency_id, r.sent_at, r.acked_at, r.drill)
               for r in rows]
    per_agency = agency_ack_figures(records)
    names = {r.agency_id: r.agency for r in rows} | {i.agency_id: i.agency for i in incidents}
    times: dict[int, list[IncidentTimes]] = {}
    for i in incidents:
        times.setdefault(i.agency_id, []).append(
            IncidentTimes(i.reported_at, i.first_taken_at, i.resolved_at))
    out = [_figure_row(names[a], per_agency.get(a), times.get(a, []))
           for a in sorted(names, key=lambda a: (names[a], a))]
    out.append(_figure_row(TEXTS["exp_total"], overall_ack_figures(records) if records else None,
                           [t for ts in times.values() for t in ts]))
    return out


@dataclass(frozen=True)
class Built:
    content: bytes
    counts: dict[str, int]  # data rows by sheet title


def sheets(data: ExportData, categories: dict[str, str] | None = None, *,
           at: datetime | None = None) -> list[Sheet]:
    """The workbook's sheets. `categories`: the form's label of each category key (a key the
    form no longer has is written as it is stored); `at` (when the export is made) decides
    who is late so far."""
    real = [r for r in data.directives if not r.drill]
    drills = [r for r in data.directives if r.drill]
    return [
        Sheet(REAL_DIRECTIVES, DIRECTIVE_COLUMNS, _directive_rows(real, at)),
        Sheet(INCIDENTS, INCIDENT_COLUMNS, _incident_rows(data.incidents, categories or {})),
        Sheet(TIMELINE, EVENT_COLUMNS, _event_rows(data.events)),
        Sheet(FIGURES, FIGURE_COLUMNS, _figures(real, data.incidents)),
        Sheet(DRILL_DIRECTIVES, DIRECTIVE_COLUMNS, _directive_rows(drills, at)),
        Sheet(DRILL_FIGURES, FIGURE_COLUMNS, _figures(drills, [])),
    ]


# Each sheet's file inside the zip: ASCII, so every unzip tool names them alike.
CSV_NAMES = {REAL_DIRECTIVES: "van-ban.csv", INCIDENTS: "su-co.csv",
             TIMELINE: "dien-bien-su-co.csv", FIGURES: "so-lieu.csv",
             DRILL_DIRECTIVES: "dien-tap-van-ban.csv", DRILL_FIGURES: "dien-tap-so-lieu.csv"}


def build(data: ExportData, tz: ZoneInfo, *, csv: bool,
          categories: dict[str, str] | None = None, at: datetime | None = None) -> Built:
    """The file's bytes (CPU-bound: call it in a worker thread)."""
    out = io.BytesIO()
    if not csv:
        counts = write_xlsx(sheets(data, categories, at=at), out, tz)
        return Built(out.getvalue(), counts)
    counts = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets(data, categories, at=at):
            one = io.BytesIO()
            counts[sheet.title] = write_csv(sheet, one, tz)
            archive.writestr(CSV_NAMES[sheet.title], one.getvalue())
    return Built(out.getvalue(), counts)

