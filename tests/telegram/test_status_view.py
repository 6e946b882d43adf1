"""The status message and its lists stay within Telegram's limits at their longest: 120
agencies with names, contacts, phones and report texts as long as the importer and the
report form allow, emoji (two UTF-16 units each) included."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.directives import (
    Acknowledgement,
    AgencyAckState,
    DirectiveStatus,
    Tally,
    utf16_len,
)
from bot.domain.escalation import Reached, Target
from bot.domain.models import Agency, AgencyKind, Person, Role
from bot.services.broadcast import AgencyRow, Overview, ReportRow
from bot.telegram import callbacks as cb
from bot.telegram import status_view
from bot.telegram.keyboards import keyboard
from bot.telegram.render import shown
from config.settings import Settings
from tests.unit.test_directive_rules import NOW, directive

SETTINGS = Settings()
NAME = 200  # the importer's longest name
BIG = 999_999_999_999


def _name(prefix: str, i: int) -> str:
    return (f"{prefix} {i:03d} 🔥 " + "Thử nghiệm độ dài & <ký tự> đặc biệt " * 10)[:NAME]


def overview(n: int = 120, *, reports: int = 120, phone_acks: int = 10,
             status: DirectiveStatus = DirectiveStatus.ACTIVE) -> Overview:
    d = directive(id=BIG, summary="V/v " + "bảo đảm an toàn thông tin mạng 🔥 " * 28,
                  report_deadline_at=NOW + timedelta(days=3), status=status,
                  recalled_at=NOW if status is DirectiveStatus.RECALLED else None)
    rows = []
    for i in range(n):
        agency = Agency(BIG - i, f"A{i}", _name("Ủy ban nhân dân xã", i), AgencyKind.COMMITTEE,
                        phone="0297 3 800 " + f"{i:03d}")
        person = Person(BIG - i, _name("Cán bộ", i), frozenset({Role.LIAISON}),
                        phone="0912 300 " + f"{i:03d}", agency_id=agency.id)
        level = Reached(3, 4, (Target.ON_DUTY, Target.TEAM_LEAD, Target.ADMINS), True)
        if i < phone_acks:
            ack = Acknowledgement(d.id, agency.id, person.id, NOW, False, "phone")
            rows.append(AgencyRow(agency, AgencyAckState.ACKED, person, None, ack, person.full_name,
                                  (person,)))
        elif i % 2:
            rows.append(AgencyRow(agency, AgencyAckState.UNREACHABLE, None, level))
        else:
            rows.append(AgencyRow(agency, AgencyAckState.PENDING, person, level, None, None,
                                  (person,)))
    report_rows = [ReportRow(r.agency, _name("Người báo cáo", i), NOW, True, "🔥" * 3000, 10,
                             supplements=99, last_at=NOW) for i, r in enumerate(rows[:reports])]
    tally = Tally(people_total=n, sent=n, agencies_total=n, acked=phone_acks,
                  pending=sum(r.state is AgencyAckState.PENDING for r in rows),
                  unreachable=sum(r.state is AgencyAckState.UNREACHABLE for r in rows),
                  escalated=n - phone_acks)
    return Overview(d, tally, rows, report_rows, NOW)


def _fits(text: str, markup: object) -> None:
    assert utf16_len(shown(text)) <= 4096
    buttons = [b for row in getattr(markup, "inline_keyboard", ()) for b in row]
    assert len(buttons) <= 16
    for b in buttons:
        data = str(b.callback_data)
        assert len(data.encode()) <= cb.MAX_BYTES and cb.parse(data) is not None, data


@pytest.mark.parametrize("status", list(DirectiveStatus))
def test_the_status_message_fits_whatever_the_lengths(status: DirectiveStatus) -> None:
    ov = overview(status=status)
    text = status_view.status_message(ov, SETTINGS, NOW)
    _fits(text, status_view.status_markup(ov))
    if status is DirectiveStatus.ACTIVE:
        assert "… và" in shown(text)  # the rest of the agencies to call are behind a button


@pytest.mark.parametrize("which", ["nb", "pd"])
def test_every_page_of_an_agency_list_fits_and_each_agency_is_on_one(
    which: cb.StatusListKind,
) -> None:
    ov = overview()
    rows = ov.unreached if which == "nb" else ov.waiting
    seen: list[int] = []
    page = 0
    while True:
        text, markup = status_view.agency_page(ov, which, page, SETTINGS)
        _fits(text, markup)
        assert markup is not None
        seen += [int(str(b.callback_data).rsplit(":", 1)[1]) for row in markup.inline_keyboard
                 for b in row if str(b.callback_data).startswith("ph:ag:")]
        nxt = [b for row in markup.inline_keyboard for b in row
               if str(b.callback_data).startswith(f"sv:{which}:") and b.text.startswith("Trang")]
        if not nxt:
            break
        page += 1
    assert seen == [r.agency.id for r in rows]
    # A page past the end is the last page.
    last = status_view.agency_page(ov, which, page, SETTINGS)
    assert status_view.agency_page(ov, which, 10**6, SETTINGS) == last


def test_every_page_of_the_reports_fits() -> None:
    ov = overview()
    for page in range(200):
        text, markup = status_view.report_page(ov, page, SETTINGS)
        _fits(text, markup)
    assert "➕ Báo cáo bổ sung (99)" in shown(status_view.report_page(ov, 0, SETTINGS)[0])


def test_an_empty_list_says_so() -> None:
    ov = overview(10, reports=0, phone_acks=10)
    text, markup = status_view.agency_page(ov, "pd", 0, SETTINGS)
    assert "Không còn đơn vị nào" in shown(text) and markup is None
    assert keyboard(ov.actions()) is not None


def test_the_figures_line_appears_once_an_agency_confirmed() -> None:
    from dataclasses import replace

    ov = overview(10, reports=0, phone_acks=0)
    assert "Đã xác nhận" not in status_view.status_message(ov, SETTINGS, NOW)
    sent = ov.directive.created_at
    rows = [replace(r, state=AgencyAckState.ACKED,
                    ack=Acknowledgement(ov.directive.id, r.agency.id, 1,
                                        sent + timedelta(minutes=5 * (i + 1)), False))
            if i < 3 else r for i, r in enumerate(ov.rows)]
    text = status_view.status_message(replace(ov, rows=rows), SETTINGS, NOW)
    assert "Đã xác nhận 3/10 đơn vị (30 %) · trung vị 10 phút · 90 % trong 15 phút" in text
