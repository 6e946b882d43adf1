"""/summary's period (`2026H1`, `2026`, two days, none) and its counts: pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.summaries import (
    UNLISTED,
    Counted,
    PeriodError,
    Span,
    Tally,
    count_incidents,
    parse_period,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 8, 10)


@pytest.mark.parametrize(("args", "start", "end", "name"), [
    ([], date(2026, 7, 1), date(2026, 12, 31), "2026H2"),
    (["2026H1"], date(2026, 1, 1), date(2026, 6, 30), "2026H1"),
    (["2025h2"], date(2025, 7, 1), date(2025, 12, 31), "2025H2"),
    (["2026"], date(2026, 1, 1), date(2026, 12, 31), "2026"),
    (["01/01/2026", "15/06/2026"], date(2026, 1, 1), date(2026, 6, 15), "01012026-15062026"),
    (["1/2/2026", "1/2/2026"], date(2026, 2, 1), date(2026, 2, 1), "01022026-01022026"),
    (["29/02/2024", "31.12.2024"], date(2024, 2, 29), date(2024, 12, 31), "29022024-31122024"),
])
def test_periods(args: list[str], start: date, end: date, name: str) -> None:
    assert parse_period(args, TODAY) == Span(start, end, name)


def test_no_argument_in_the_first_half_is_the_first_half() -> None:
    assert parse_period([], date(2026, 3, 1)).name == "2026H1"


@pytest.mark.parametrize(("args", "key"), [
    (["hôm", "qua", "nay"], "sum_usage"),
    (["2026H3"], "sum_usage"),
    (["xyz"], "sum_usage"),
    (["01/01/2026"], "sum_usage"),
    (["01/01/26", "02/01/26"], "sum_usage"),
    (["15/06/2026", "01/01/2026"], "sum_bad_reversed"),
    (["30/02/2026", "01/03/2026"], "sum_bad_date"),
    (["01/13/2026", "01/03/2026"], "sum_bad_date"),
    (["1999"], "sum_bad_year"),
    (["9999H1"], "sum_bad_year"),
    (["01/01/0026", "01/02/2026"], "sum_bad_year"),
    (["2027"], "sum_bad_year"),
    (["01/09/2026", "30/09/2026"], "sum_not_started"),
])
def test_bad_arguments_say_why(args: list[str], key: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(args, TODAY)
    assert caught.value.key == key


def test_bounds_are_local_midnights_and_provisional_until_the_last_one() -> None:
    span = parse_period(["2026H1"], TODAY)
    since, until = span.bounds(HANOI)
    assert since == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert until == datetime(2026, 6, 30, 17, 0, tzinfo=UTC)
    assert span.provisional(datetime(2026, 6, 30, 16, 59, 59, tzinfo=UTC), HANOI)
    assert not span.provisional(datetime(2026, 6, 30, 17, 0, tzinfo=UTC), HANOI)


def test_counts_leave_false_alarms_out_and_keep_unlisted_categories() -> None:
    counts = count_incidents([
        Counted(1, "dos", True, False), Counted(1, "dos", False, False),
        Counted(2, "malware", False, False), Counted(2, "dos", False, True),
        Counted(2, "retired_key", True, False), Counted(3, None, False, False),
    ], ["dos", "malware", "other"])
    assert counts.categories == ("dos", "malware", "other", UNLISTED)
    assert counts.by_category == {"dos": Tally(2, 1), "malware": Tally(1, 0),
                                  "other": Tally(0, 0), UNLISTED: Tally(2, 1)}
    assert counts.by_agency == {1: {"dos": 2}, 2: {"malware": 1, UNLISTED: 1}, 3: {UNLISTED: 1}}
    assert counts.total == Tally(5, 2) and counts.total.unhandled == 3
    assert counts.false_alarms == 1


def test_no_unlisted_column_when_every_category_is_known() -> None:
    counts = count_incidents([Counted(1, "dos", True, False)], ["dos", "other"])
    assert counts.categories == ("dos", "other")
