"""The shared xlsx/CSV writer: headers, local times, frozen and filterable header row."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.exports.sheets import Column, Kind, Sheet, write_csv, write_xlsx

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
COLUMNS = (Column("Đơn vị", 30), Column("Gửi lúc", 18, Kind.DATETIME),
           Column("Số phút", 10, Kind.MINUTES), Column("Quá hạn"))
ROWS = [("Sở Y tế", datetime(2026, 11, 30, 1, 30, tzinfo=UTC), timedelta(minutes=4, seconds=30), True),
        ("UBND xã Tân Hòa", None, None, False)]


def test_xlsx_has_headers_local_times_frozen_filterable_header() -> None:
    out = io.BytesIO()
    counts = write_xlsx([Sheet("Văn bản", COLUMNS, iter(ROWS), preface=("Dòng đầu",))], out, TZ)
    assert counts == {"Văn bản": 2}
    ws = load_workbook(io.BytesIO(out.getvalue()))["Văn bản"]
    assert ws["A1"].value == "Dòng đầu"
    assert [c.value for c in ws[2]] == ["Đơn vị", "Gửi lúc", "Số phút", "Quá hạn"]
    assert ws["B3"].value == datetime(2026, 11, 30, 8, 30)  # noqa: DTZ001 (Excel has no zones); 01:30 UTC is 08:30 in Hà Nội
    assert ws["B3"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["C3"].value == 4.5
    assert ws["D3"].value == "Có" and ws["D4"].value == "Không"
    assert ws["B4"].value is None
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:D4"
    assert ws.column_dimensions["A"].width == 30


def test_xlsx_refuses_two_sheets_with_one_name() -> None:
    with pytest.raises(ValueError, match="two sheets"):
        write_xlsx([Sheet("A" * 40, COLUMNS, []), Sheet("A" * 35, COLUMNS, [])], io.BytesIO(), TZ)


def test_csv_is_utf8_with_bom_and_local_times() -> None:
    out = io.BytesIO()
    assert write_csv(Sheet("Văn bản", COLUMNS, ROWS), out, TZ) == 2
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Đơn vị,Gửi lúc,Số phút,Quá hạn"
    assert lines[1] == "Sở Y tế,30/11/2026 08:30,4.5,Có"
    assert lines[2] == "UBND xã Tân Hòa,,,Không"


# What people typed (an agency's name, an incident's description) must stay text: a cell that
# begins with "=" would otherwise be a live formula when an admin opens the file.
TYPED = ["=HYPERLINK(\"http://evil.example\",\"Bấm\")", "+84 912 345 678", "-1+2", "@SUM(1)"]


def test_xlsx_writes_typed_text_as_text_never_as_a_formula() -> None:
    out = io.BytesIO()
    write_xlsx([Sheet("Văn bản", [Column("Mô tả")], [(text,) for text in TYPED],
                      preface=("=1+1",))], out, TZ)
    ws = load_workbook(io.BytesIO(out.getvalue()))["Văn bản"]
    cells = [ws["A1"], *(ws[f"A{row}"] for row in range(3, 3 + len(TYPED)))]
    assert [c.value for c in cells] == ["=1+1", *TYPED]
    assert [c.data_type for c in cells] == ["s"] * len(cells)


def test_csv_quotes_typed_text_that_a_spreadsheet_would_run() -> None:
    out = io.BytesIO()
    write_csv(Sheet("Văn bản", [Column("Mô tả"), Column("Số", kind=Kind.NUMBER)],
                    [(text, -1) for text in TYPED]), out, TZ)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))[1:]
    assert [r[0] for r in rows] == [f"'{text}" for text in TYPED]
    assert {r[1] for r in rows} == {"-1"}  # numbers are numbers


def test_a_control_character_someone_typed_does_not_break_the_workbook() -> None:
    # openpyxl refuses most C0 control characters: one such character in one incident's note
    # made every later export of its period fail.
    out = io.BytesIO()
    rows = [("Sở\x07 Y tế\x0b", None, None, None), ("=1+1\x00", None, None, None)]
    assert write_xlsx([Sheet("Văn bản", COLUMNS, iter(rows))], out, TZ) == {"Văn bản": 2}
    ws = load_workbook(io.BytesIO(out.getvalue()))["Văn bản"]
    assert ws["A2"].value == "Sở\ufffd Y tế\ufffd"
    assert ws["A3"].value == "=1+1\ufffd" and ws["A3"].data_type == "s"


def test_csv_quotes_a_line_feed_formula_and_typed_text_in_a_number_column() -> None:
    # OWASP's list includes a leading line feed; a column declared a number can still carry
    # what someone typed (an answer of the report form).
    out = io.BytesIO()
    write_csv(Sheet("Văn bản", [Column("Mô tả"), Column("Cấp độ", kind=Kind.NUMBER)],
                    [("\n=1+1", "=1+1"), ("ok", 3)]), out, TZ)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))[1:]
    assert rows == [["'\n=1+1", "'=1+1"], ["ok", "3"]]
