"""How an incident's report reads: its answers, field by field, as the form names them.

The form (`config/incident_form.yaml`) decides the labels and the order; this module only
formats values (a choice by its option's label, yes/no as Có/Không, a time in local time,
the agency by its name) and escapes what people typed. The conversation's summary, the
notice to responders and `/incident` all draw the answers through `answer_lines`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import from_epoch
from bot.domain.escalation import Severity
from bot.domain.incidents import IncidentStatus
from bot.telegram.render import local_time
from bot.texts import Safe, t
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
