"""The one parser of times and dates people type (bot/domain/when.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.when import parse_date

TODAY = date(2026, 11, 30)
NEW_YEAR_EVE = date(2026, 12, 28)


@pytest.mark.parametrize(("text", "today", "expected"), [
    ("30/8/2022", TODAY, date(2022, 8, 30)),
    ("30-8-2022", TODAY, date(2022, 8, 30)),
    ("30.08.2022", TODAY, date(2022, 8, 30)),
    ("ngày 30/8/2022", TODAY, date(2022, 8, 30)),
    ("25/11", TODAY, date(2026, 11, 25)),
    ("05/01", NEW_YEAR_EVE, date(2027, 1, 5)),
    ("27/12", NEW_YEAR_EVE, date(2026, 12, 27)),
    ("31/12", date(2027, 1, 2), date(2026, 12, 31)),
])
def test_parse_date(text: str, today: date, expected: date) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize("text", ["", "hôm qua", "31/02/2026", "13/13", "1/1/22", "abc"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, TODAY)
    assert caught.value.key == "when_date_invalid"
