"""The workbook's «Quá hạn» column: an agency that never acknowledged is late once its
deadline has passed (the worst case must not read as blank), not before, and not when the
directive was recalled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.exports.oversight import sheets
from bot.storage.exports import DirectiveRow, ExportData

SENT = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
DEADLINE = SENT + timedelta(minutes=30)


def row(agency: str, *, acked_at: datetime | None = None, late: bool | None = None,
        recalled: bool = False) -> DirectiveRow:
    return DirectiveRow(1, "1556/UBND-KGVX", "V/v", "hoa_toc", False, SENT, DEADLINE, hash(agency),
                        agency, "", "", acked_at, "Lan" if acked_at else None,
                        "telegram" if acked_at else None, late, 0, None, None, 0,
                        recalled=recalled)


def late_column(at: datetime, *rows: DirectiveRow) -> dict[str, object]:
    [directives, *_] = sheets(ExportData(list(rows), [], []), at=at)
    return {r[3]: r[11] for r in directives.rows}


def test_never_acknowledged_is_late_after_the_deadline_only() -> None:
    rows = (row("on time", acked_at=SENT + timedelta(minutes=5), late=False),
            row("acked late", acked_at=DEADLINE + timedelta(minutes=5), late=True),
            row("silent"))
    assert late_column(DEADLINE - timedelta(minutes=1), *rows) == {
        "on time": "Không", "acked late": "Có", "silent": None}
    assert late_column(DEADLINE, *rows) == {
        "on time": "Không", "acked late": "Có", "silent": "Có"}


def test_a_recalled_directive_makes_nobody_late_for_not_acknowledging() -> None:
    assert late_column(DEADLINE + timedelta(hours=1), row("silent", recalled=True)) == {
        "silent": None}
