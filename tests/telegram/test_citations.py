"""A directive is cited in running text by its number and urgency NAME (issue 9, item 3):
"văn bản số 1556/UBND-KGVX (Hỏa tốc)", never with the red stamp pasted into a sentence."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.directives import Directive, DirectiveStatus, Tally, Urgency
from bot.domain.errors import InvalidInput
from bot.domain.models import Agency, AgencyKind
from bot.domain.notices import About, DigestLine, Notice, Topic
from bot.telegram import directive_view as view
from bot.telegram.escalation_view import digest_text, reminder_text
from bot.telegram.notifier import render
from bot.telegram.render import domain_error, shown
from config.settings import Settings

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
SETTINGS = Settings()
AGENCY = Agency(1, "XA_1", "UBND xã Mỹ Hòa Hưng", AgencyKind.COMMITTEE)
CITED = "văn bản số 1556/UBND-KGVX (Hỏa tốc)"
STAMPS = ("HỎA TỐC", "THƯỢNG KHẨN", "KHẨN", "VĂN BẢN CHỈ ĐẠO", "🔴", "🟠", "🟡")


def directive(**kw: object) -> Directive:
    fields: dict[str, object] = dict(
        id=7, number="1556/UBND-KGVX", issuer="UBND tỉnh", summary="tăng cường an toàn",
        urgency=Urgency.HOA_TOC, ack_deadline_at=NOW + timedelta(minutes=30), created_by=1,
        created_at=NOW, report_deadline_at=NOW + timedelta(days=2))
    fields.update(kw)
    return Directive(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("urgency", "cited"),
    [
        (Urgency.HOA_TOC, "văn bản số 1556/UBND-KGVX (Hỏa tốc)"),
        (Urgency.THUONG_KHAN, "văn bản số 1556/UBND-KGVX (Thượng khẩn)"),
        (Urgency.KHAN, "văn bản số 1556/UBND-KGVX (Khẩn)"),
        # An ordinary document carries no urgency: officials do not write "(Thường)".
        (Urgency.THUONG, "văn bản số 1556/UBND-KGVX"),
    ],
)
def test_cite_names_the_urgency(urgency: Urgency, cited: str) -> None:
    assert view.cite(directive(urgency=urgency)) == cited
    assert view.cite(directive(urgency=urgency), start=True) == "V" + cited[1:]


def test_cite_escapes_the_number() -> None:
    assert view.cite(directive(number="1/A&B")) == "văn bản số 1/A&amp;B (Hỏa tốc)"


def _notice(key: str, **values: object) -> str:
    [text] = render(Notice(key, About(Topic.DIRECTIVE, 7), values), SETTINGS).parts
    return text


RECALLED = directive(status=DirectiveStatus.RECALLED, recalled_at=NOW)
CITING: dict[str, Callable[[], str]] = {
    "reminder": lambda: reminder_text("esc_reminder", AGENCY, directive(), NOW + 30 * MIN,
                                      NOW, SETTINGS),
    "report reminder": lambda: reminder_text("esc_reminder_report", AGENCY, directive(),
                                             NOW + 30 * MIN, NOW, SETTINGS),
    "digest": lambda: digest_text("esc_digest_head", directive(), NOW, NOW + MIN,
                                  [DigestLine(AGENCY, False, ())], None, False, SETTINGS,
                                  rounds=(1, 5)),
    "report digest": lambda: digest_text("esc_digest_head_report", directive(), NOW,
                                         NOW + MIN, [DigestLine(AGENCY, False, ())], None,
                                         False, SETTINGS, rounds=(1, 1)),
    "/pending": lambda: "\n".join([
        view.pending_item(AGENCY.name, directive(), 1, 1, report=False, settings=SETTINGS,
                          now=NOW),
        view.pending_item(AGENCY.name, directive(), 1, 1, report=True, settings=SETTINGS,
                          now=NOW)]),
    "status": lambda: view.status_text(directive(), Tally(), SETTINGS, NOW),
    "extended": lambda: _notice("notice_extended", directive=directive(),
                                summary="tăng cường", deadline=NOW),
    "correction": lambda: _notice("notice_correction", directive=directive(),
                                  summary="tăng cường", text="Sửa giờ trực"),
    "recalled": lambda: _notice("notice_recalled", directive=RECALLED, summary="tăng cường",
                                time=NOW),
    "result report": lambda: render(Notice("result_report", About(Topic.RESULT, 1), {
        "agency": AGENCY.name, "name": "Lan", "directive": directive(),
        "number": "1556/UBND-KGVX", "late": True, "text": "Đã triển khai", "files": []}),
        SETTINGS).parts[0],
    "refusal": lambda: domain_error(InvalidInput("res_recalled", directive=directive()),
                                    SETTINGS),
    "late copy": lambda: view.late_parts(directive(), SETTINGS, NOW + timedelta(hours=1))[0],
}
MIN = timedelta(minutes=1)


@pytest.mark.parametrize("name", CITING)
def test_running_text_cites_by_urgency_name_not_by_stamp(name: str) -> None:
    text = shown(CITING[name]())
    if name == "late copy":  # the copy itself opens with its stamp; its lead line does not
        lead = text.split("\n\n")[0]
        assert not any(stamp in lead for stamp in STAMPS), lead
        return
    assert CITED in text or "V" + CITED[1:] in text, text
    assert not any(stamp in text for stamp in STAMPS), text
    # A sentence (or a list item) never opens with a lower-case "văn bản".
    assert not re.search(r"^[^\w\s]*\s*văn bản", text, re.MULTILINE), text


def test_lists_use_the_short_time() -> None:
    text = shown(view.pending_item(AGENCY.name, directive(), 1, 1, report=False,
                                   settings=SETTINGS, now=NOW))
    assert "08:30 23/11" in text and "ngày 23/11/2026" not in text


def test_digest_says_which_round_of_urging() -> None:
    text = shown(digest_text("esc_digest_head", directive(), NOW, NOW + MIN,
                             [DigestLine(AGENCY, False, ())], None, False, SETTINGS,
                             rounds=(2, 5)))
    assert text.startswith("🚨 Đôn đốc (lần 2/5)")
    assert "1 đơn vị chưa xác nhận" in text
    # An agency nobody can reach is told before any round of urging: no count yet.
    first = shown(digest_text("esc_digest_head", directive(), NOW, NOW - MIN,
                              [DigestLine(AGENCY, True, ())], None, False, SETTINGS,
                              rounds=(0, 5)))
    assert first.startswith("🚨 Đôn đốc ") and "lần" not in first.split("\n")[0]
