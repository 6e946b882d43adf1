"""The half-year / annual incident summary as a workbook, in the shape of the national summary
form (Mẫu 05): a title with the period, then counts by category (handled or not) and counts
by agency × category, each table on its own sheet (the one writer holds one table a sheet).

A summary made before its period ends says so on its first line. False alarms are not
incidents: they are in no table, and the note says how many were left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.summaries import UNLISTED, Span, SummaryCounts
from bot.exports.sheets import Column, Kind, Sheet
from bot.texts import label

DAY = "%d/%m/%Y"


def preface(span: Span, counts: SummaryCounts, now: datetime, tz: ZoneInfo,
            team: str) -> list[str]:
    local = now.astimezone(tz)
    lines = []
    if span.provisional(now, tz):
        lines.append(label("sum_file_provisional", time=f"{local:%H:%M}", date=f"{local:{DAY}}"))
    lines += [label("sum_file_title"),
              label("sum_file_period", start=f"{span.start:{DAY}}", end=f"{span.end:{DAY}}"),
              label("sum_file_made", team=team, time=f"{local:%H:%M}", date=f"{local:{DAY}}"),
              label("sum_file_note", false_alarms=counts.false_alarms)]
    return lines


def _name(key: str, labels: Mapping[str, str]) -> str:
    return label("sum_unlisted") if key == UNLISTED else labels.get(key, key)


def summary_sheets(span: Span, counts: SummaryCounts, labels: Mapping[str, str],
                   agencies: Mapping[int, str], now: datetime, tz: ZoneInfo,
                   team: str) -> list[Sheet]:
    """`labels`: category key → its label in the form; `agencies`: id → name."""
    head = preface(span, counts, now, tz, team)
    by_category: list[Sequence[Any]] = [
        (n, _name(key, labels), tally.total, tally.handled, tally.unhandled)
        for n, key in enumerate(counts.categories, start=1)
        for tally in (counts.by_category[key],)]
    by_category.append((None, label("sum_total"), counts.total.total, counts.total.handled,
                        counts.total.unhandled))
    category_sheet = Sheet(label("sum_sheet_category"), [
        Column(label("sum_col_no"), 6, Kind.NUMBER),
        Column(label("sum_col_category"), 48),
        Column(label("sum_col_count"), 12, Kind.NUMBER),
        Column(label("sum_col_handled"), 12, Kind.NUMBER),
        Column(label("sum_col_unhandled"), 12, Kind.NUMBER),
    ], by_category, [*head, label("sum_table_category")])

    ordered = sorted(counts.by_agency, key=lambda a: (agencies.get(a, "").casefold(), a))
    by_agency: list[Sequence[Any]] = []
    for n, agency in enumerate(ordered, start=1):
        row = counts.by_agency[agency]
        by_agency.append((n, agencies.get(agency, f"#{agency}"),
                          *(row.get(key, 0) for key in counts.categories), sum(row.values())))
    by_agency.append((None, label("sum_total"),
                      *(counts.by_category[key].total for key in counts.categories),
                      counts.total.total))
    agency_sheet = Sheet(label("sum_sheet_agency"), [
        Column(label("sum_col_no"), 6, Kind.NUMBER),
        Column(label("sum_col_agency"), 36),
        *(Column(_name(key, labels), 14, Kind.NUMBER) for key in counts.categories),
        Column(label("sum_col_total"), 10, Kind.NUMBER),
    ], by_agency, [*head, label("sum_table_agency")])
    return [category_sheet, agency_sheet]
