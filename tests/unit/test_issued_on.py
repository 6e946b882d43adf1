"""The directive's date of issue (ngày ban hành): how it is typed, checked, and cited."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.directives import EARLIEST_ISSUED, Directive, Urgency, parse_issued_on
from bot.domain.errors import InvalidInput
from bot.telegram import directive_view as view
from bot.telegram.render import shown, tg_len
from bot.texts import t
from config.settings import Settings

TODAY = date(2026, 11, 23)
NEW_YEAR = date(2027, 1, 2)
NOW = datetime(2026, 11, 23, 2, 12, tzinfo=UTC)  # 09:12 in Vietnam


@pytest.mark.parametrize(("text", "today", "expected"), [
    ("30/8/2022", TODAY, date(2022, 8, 30)),
    ("ngày 30/8/2022", TODAY, date(2022, 8, 30)),
    ("30-08-2022", TODAY, date(2022, 8, 30)),
    ("23/11/2026", TODAY, TODAY),  # today is not the future
    ("20/11", TODAY, date(2026, 11, 20)),  # no year: the nearest one
    ("31/12", NEW_YEAR, date(2026, 12, 31)),  # two days ago, across New Year
    ("Hôm nay", TODAY, TODAY),
    (" hôm  nay ", NEW_YEAR, NEW_YEAR),
    ("1/1/2000", TODAY, EARLIEST_ISSUED),
    # Decomposed accents (some Vietnamese keyboards), pasted invisible characters and
    # full-width digits read as they show.
    (unicodedata.normalize("NFD", "Hôm nay"), TODAY, TODAY),
    (unicodedata.normalize("NFD", "ngày 30/8/2022"), TODAY, date(2022, 8, 30)),
    ("30/8/2022\u200b", TODAY, date(2022, 8, 30)),
    ("\ufeffhôm nay", TODAY, TODAY),
    ("\uff13\uff10/8/2022", TODAY, date(2022, 8, 30)),
    ("30\u20138\u20132022", TODAY, date(2022, 8, 30)),  # en dashes
])
def test_date_of_issue_as_typed(text: str, today: date, expected: date) -> None:
    assert parse_issued_on(text, today) == expected


@pytest.mark.parametrize(("text", "key"), [
    ("", "bc_issued_invalid"),
    ("hôm qua", "bc_issued_invalid"),
    ("30/8/22", "bc_issued_invalid"),
    ("31/02/2026", "bc_issued_invalid"),
    ("1556/UBND-KGVX", "bc_issued_invalid"),
    ("24/11/2026", "bc_issued_future"),  # tomorrow
    ("25/11", "bc_issued_future"),  # no year: this year's, still ahead
    ("1/1/2027", "bc_issued_future"),
    ("31/12/1999", "bc_issued_too_old"),
    ("30/8/0022", "bc_issued_too_old"),
])
def test_date_of_issue_refused_with_an_example(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_issued_on(text, TODAY)
    assert refused.value.key == key
    said = shown(t(key, **refused.value.params))
    assert said.startswith("❌") and "Vui lòng" in said and "30/8/2022" in said
    assert "«" not in said


def directive(**kw: object) -> Directive:
    fields: dict[str, object] = dict(
        id=7, number="1556/UBND-KGVX", issuer="UBND tỉnh Kiên Giang",
        summary="tăng cường bảo đảm an toàn thông tin mạng", urgency=Urgency.HOA_TOC,
        ack_deadline_at=NOW + timedelta(hours=2), created_by=1, created_at=NOW,
        body="Trực 24/7.", issued_on=date(2022, 8, 30))
    fields.update(kw)
    return Directive(**fields)  # type: ignore[arg-type]


def test_header_cites_the_date_of_issue_and_says_when_it_was_sent_apart() -> None:
    [part] = view.message_parts(directive(), Settings())
    text = shown(part)
    assert "Số: 1556/UBND-KGVX, ngày 30/8/2022\n" in text
    assert "23/11/2026" not in text.split("\n\n")[0]  # the send date is not the header's
    assert "Gửi lúc 09:12 ngày 23/11/2026" in text


def test_header_without_a_date_of_issue_shows_none() -> None:
    """Directives sent before the date was asked (NULL in the table)."""
    [part] = view.message_parts(directive(issued_on=None), Settings())
    text = shown(part)
    assert "Số: 1556/UBND-KGVX\n" in text and "ngày 30/8" not in text
    assert "Gửi lúc 09:12 ngày 23/11/2026" in text


@pytest.mark.parametrize(("issued_on", "cited"), [
    (date(2022, 8, 30), "số 1556/UBND-KGVX ngày 30/8/2022"),
    (date(2026, 1, 5), "số 1556/UBND-KGVX ngày 5/1/2026"),
    (None, "số 1556/UBND-KGVX"),
])
def test_issued_text_cites_as_officials_do(issued_on: date | None, cited: str) -> None:
    assert view.issued_text(directive(issued_on=issued_on)) == cited


def test_issued_text_escapes_the_number() -> None:
    assert view.issued_text(directive(number="1/A&B")) == "số 1/A&amp;B ngày 30/8/2022"


def test_header_budget_counts_the_longest_date() -> None:
    """head_fits is asked before (or without) the date: it must count the widest one."""
    long = "x" * 200
    fitting = [room for room in range(600, 900)
               if view.head_fits(Urgency.THUONG_KHAN, "1556/UBND-KGVX", long, "y" * room)]
    assert 0 < len(fitting) < 300  # the limit falls inside the range
    d = directive(urgency=Urgency.THUONG_KHAN, issuer=long, summary="y" * fitting[-1],
                  issued_on=date(2022, 12, 31))
    assert tg_len(view.head(d)) == view.HEAD_LIMIT  # the widest date fills it exactly


def test_file_caption_cites_the_document() -> None:
    caption = shown(view.file_caption(directive()))
    assert "1556/UBND-KGVX ngày 30/8/2022" in caption and "«" not in caption
