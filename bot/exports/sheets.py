"""The one writer of tabular files: an `.xlsx` workbook (openpyxl's write-only mode, so memory
stays flat however many rows) or a CSV of one sheet.

Every sheet has Vietnamese headers, times in the province's local time (Excel has no time
zones: an aware datetime is converted, then written without its zone), columns sized to their
declared width, the header row frozen and filterable. Optional preface lines (a title, "made
before the period ended", a legend) stand above the header row.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
CSV_DATETIME = "%d/%m/%Y %H:%M"
CSV_DATE = "%d/%m/%Y"
MAX_TITLE = 31  # Excel's limit on a sheet name


class Kind(enum.Enum):
    TEXT = "text"
    NUMBER = "number"
    DATETIME = "datetime"  # an aware datetime, shown in local time
    DATE = "date"
    MINUTES = "minutes"  # a timedelta, written as a number of minutes (one decimal)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: int = 16
    kind: Kind = Kind.TEXT


@dataclass(slots=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    preface: Sequence[str] = field(default_factory=tuple)


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _value(value: Any, kind: Kind, tz: ZoneInfo) -> Any:
    if value is None:
        return None
    if kind is Kind.DATETIME and isinstance(value, datetime):
        return value.astimezone(tz).replace(tzinfo=None, microsecond=0)
    if kind is Kind.MINUTES and isinstance(value, timedelta):
        return round(value.total_seconds() / 60, 1)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


# A spreadsheet runs a cell that begins with one of these: text people typed must not.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _cell(ws: Any, value: Any) -> Any:
    """A cell for `value`; a string stays text even when it begins with "=" (openpyxl would
    otherwise store it as a formula, live when the file is opened). A control character the
    format cannot hold (openpyxl raises on it: one in one typed note failed every export of
    its period) is shown as U+FFFD."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _write_sheet(ws: Any, sheet: Sheet, tz: ZoneInfo) -> int:
    # `Any`: the stubs give WriteOnlyWorksheet no column_dimensions or auto_filter, which it
    # has (and honours) at run time.
    for i, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    header_row = len(sheet.preface) + 1
    ws.freeze_panes = f"A{header_row + 1}"
    last = get_column_letter(max(1, len(sheet.columns)))
    for line in sheet.preface:
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", line))
        cell.data_type = "s"  # a title is text, whatever it begins with
        cell.font = _HEADER_FONT
        ws.append([cell])
    headers = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        headers.append(cell)
    ws.append(headers)
    count = 0
    formats = {Kind.DATETIME: DATETIME_FORMAT, Kind.DATE: DATE_FORMAT}
    for row in sheet.rows:
        cells: list[Any] = []
        for column, value in zip(sheet.columns, row, strict=True):
            written = _value(value, column.kind, tz)
            fmt = formats.get(column.kind)
            if fmt is not None and written is not None:
                cell = WriteOnlyCell(ws, value=written)
                cell.number_format = fmt
                cells.append(cell)
            else:
                cells.append(_cell(ws, written))
        ws.append(cells)
        count += 1
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"
    return count


def write_xlsx(sheets: Sequence[Sheet], out: IO[bytes], tz: ZoneInfo) -> dict[str, int]:
    """Write the workbook to `out`; returns the number of data rows of each sheet by title.
    Titles are cut to Excel's 31 characters and must then be distinct."""
    titles = [sheet.title[:MAX_TITLE] for sheet in sheets]
    for title in titles:
        if titles.count(title) > 1:
            raise ValueError(f"two sheets named {title!r}")
    wb = Workbook(write_only=True)
    counts: dict[str, int] = {}
    for title, sheet in zip(titles, sheets, strict=True):
        counts[title] = _write_sheet(wb.create_sheet(title), sheet, tz)
    wb.save(out)
    return counts


def _csv_value(value: Any, kind: Kind, tz: ZoneInfo) -> str:
    written = _value(value, kind, tz)
    if written is None:
        return ""
    if isinstance(written, datetime):
        return written.strftime(CSV_DATETIME)
    if isinstance(written, date):
        return written.strftime(CSV_DATE)
    # Whatever the column's kind: a number column may still carry a typed answer.
    if isinstance(written, str) and written.startswith(_FORMULA_START):
        return "'" + written  # shown as typed, not run (the usual guard against CSV formulas)
    return str(written)


def write_csv(sheet: Sheet, out: IO[bytes], tz: ZoneInfo) -> int:
    """One sheet as CSV, UTF-8 with a byte-order mark so Excel reads the accents; returns the
    number of data rows. Preface lines are not written (a CSV has one table)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow([c.header for c in sheet.columns])
        count = 0
        for row in sheet.rows:
            writer.writerow([_csv_value(v, c.kind, tz)
                             for c, v in zip(sheet.columns, row, strict=True)])
            count += 1
        text.flush()
    finally:
        text.detach()
    return count
