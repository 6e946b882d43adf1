"""Messages and keyboards of the /report conversation, generated from the incident form.

The form (`config/incident_form.yaml`) decides the questions, their order, their options and
their help; this module only lays them out. The answers are drawn by `incident_view`, the
one renderer that the summary, the notices and the detail share.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.escalation import Severity
from bot.domain.models import Agency
from bot.telegram import callbacks as cb
from bot.telegram.broadcast_view import agency_pages, short_label
from bot.telegram.incident_view import answer_lines, in_sentence, priority_label
from bot.telegram.render import pack
from bot.texts import Safe, join, label, t
from config.incident_form import FieldKind, FormField, IncidentForm

FIELD_LABEL_MAX = 48  # a field's name on a «Sửa» button


def _button(text: str, tap: cb.Tap) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=tap.encode())


def cancel_row() -> list[InlineKeyboardButton]:
    return [_button(label("ir_btn_cancel"), cb.ReportButton("cancel"))]


def entry_keyboard() -> InlineKeyboardMarkup:
    """«🚨 Báo cáo sự cố» under /start and /help."""
    return InlineKeyboardMarkup([[_button(label("ir_btn_report"), cb.ReportButton("new"))]])


# --- the agency (a call logged by a responder or admin) ---------------------------------------

def agency_text(filter_text: str | None, count: int) -> Safe:
    extra = t("bc_filter_line", text=filter_text, count=count) if filter_text else ""
    return t("ir_ask_agency", filter=extra)


def agency_keyboard(agencies: list[Agency], page: int, filtered: bool) -> InlineKeyboardMarkup:
    """The paged picker of /broadcast and /invite, one agency picked."""
    rows = agency_pages(agencies, page,
                        lambda a, _page: _button(short_label(a.name), cb.ReportAgency(a.id)),
                        cb.ReportPage, cb.ReportButton("pg"))
    last = cancel_row()
    if filtered:
        last.insert(0, _button(label("bc_btn_clear_filter"), cb.ReportButton("clr")))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


# --- the prefilled facts ---------------------------------------------------------------------

def prefilled_groups(form: IncidentForm) -> set[str]:
    return {g.key for g in form.groups if g.prefilled}


def prefill_text(form: IncidentForm, answers: Mapping[str, Any], names: Mapping[int, str],
                 tz: ZoneInfo) -> Safe:
    lines = answer_lines(form, answers, names, tz, groups=prefilled_groups(form), titles=False)
    return t("ir_prefill", lines=join(lines))


def prefill_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(label("ir_btn_ok"), cb.ReportButton("ok")),
                                  _button(label("ir_btn_fix"), cb.ReportButton("fix"))],
                                 cancel_row()])


def pick_keyboard(fields: Sequence[FormField]) -> InlineKeyboardMarkup:
    """One button per field that may be changed, in the form's order."""
    rows = [[_button(short_label(f.label, FIELD_LABEL_MAX), cb.ReportField("pick", f.key))]
            for f in fields]
    rows.append(cancel_row())
    return InlineKeyboardMarkup(rows)


# --- one question ---------------------------------------------------------------------------

def question(form: IncidentForm, f: FormField, max_files: int) -> tuple[Safe, InlineKeyboardMarkup]:
    """The question for one field, its help line, and the buttons its kind offers."""
    hint: Safe
    rows: list[list[InlineKeyboardButton]] = []
    if f.kind is FieldKind.TEXT:
        hint = t("ir_hint_text" if f.required else "ir_hint_text_optional",
                 max_len=f.max_length)
    elif f.kind is FieldKind.CHOICE:
        hint = t("ir_hint_choice")
        rows = [[_button(o.label, cb.ReportChoice(f.key, o.key))] for o in f.options]
    elif f.kind is FieldKind.YESNO:
        hint = t("ir_hint_choice")
        rows = [[_button(label("ir_btn_yes"), cb.ReportChoice(f.key, "yes")),
                 _button(label("ir_btn_no"), cb.ReportChoice(f.key, "no"))]]
    elif f.kind is FieldKind.DATETIME:
        hint = t("ir_hint_datetime")
        rows = [[_button(label("ir_btn_now"), cb.ReportField("now", f.key)),
                 _button(label("ir_btn_h1"), cb.ReportField("h1", f.key))]]
    else:  # files (the agency is picked, never asked)
        hint = t("ir_hint_files", max_files=max_files)
        rows = [[_button(label("ir_btn_done"), cb.ReportField("done", f.key))]]
    if not f.required and f.kind in (FieldKind.TEXT, FieldKind.CHOICE, FieldKind.DATETIME):
        rows.append([_button(label("ir_btn_skip"), cb.ReportField("skip", f.key))])
    rows.append(cancel_row())
    help_line = Safe(f"\n<i>{html.escape(f.help, quote=False)}</i>") if f.help else ""
    text = t("ir_ask", group=form.group(f.group).title, label=f.label,
             optional=t("ir_optional") if not f.required and f.kind is not FieldKind.FILES
             else "", help=Safe(help_line), hint=hint)
    return text, InlineKeyboardMarkup(rows)


def details_text(form: IncidentForm, group: str) -> Safe:
    names = "; ".join(in_sentence(f.label) for f in form.in_group(group))
    return t("ir_details_ask", title=form.group(group).title, fields=names)


def details_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(label("ir_btn_more"), cb.ReportButton("more")),
                                  _button(label("ir_btn_skip"), cb.ReportButton("nomore"))],
                                 cancel_row()])


# --- the summary ----------------------------------------------------------------------------

def summary_parts(form: IncidentForm, answers: Mapping[str, Any], names: Mapping[int, str],
                  tz: ZoneInfo, *, files: int, priority: Severity, late: str | None) -> list[Safe]:
    """The whole report, as many messages as it takes (never cut); the buttons go under the
    last. `late`: the reporting deadline, when the report is past it."""
    foot = t("ir_summary_foot", files=t("ir_summary_files", count=files) if files
             else t("ir_summary_no_files"), priority=priority_label(priority),
             late=t("ir_summary_late", within=late) if late else "")
    lines = [t("ir_summary_head"), Safe(""), *answer_lines(form, answers, names, tz), Safe(""),
             foot]
    return pack(lines)


def summary_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(label("ir_btn_send"), cb.ReportButton("send")),
                                  _button(label("ir_btn_edit"), cb.ReportButton("edit"))],
                                 cancel_row()])
