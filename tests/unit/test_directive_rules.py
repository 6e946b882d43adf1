from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.directives import (
    Acknowledgement,
    AgencyAckState,
    Directive,
    Urgency,
    agency_state,
    parse_deadline,
    parse_number,
    split_text,
)
from bot.domain.errors import InvalidInput
from bot.telegram import directive_view as view
from bot.texts import t
from config.settings import Settings

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam


# State bodies write "number/issuer-unit"; Party bodies write "number-type/issuer".
@pytest.mark.parametrize("text", ["1556/UBND-KGVX", "33/CĐ-TTg", "06/2009/CT-UBND",
                                  " 576/UBND-VHXH ", "1612/UBND-VXNV",
                                  "248-KH/TU", "35-CT/TW", "123-CV/TU", "05-NQ/TW", "15-QĐ/TU",
                                  "02-TB/VPTU", "45-CV/ĐU"])
def test_real_numbers_are_valid(text: str) -> None:
    assert parse_number(text) == text.strip()


@pytest.mark.parametrize("text", ["", "công văn", "1556", "1556/", "/UBND", "abc/UBND-X",
                                  "1556/UBND KGVX;drop", "1" * 8 + "/X",
                                  "248-KH", "248-/TU", "-KH/TU", "KH-248/TU", "248-KH/",
                                  "248--KH/TU", "248-KH/TU/", "248-KH-TU", "1" * 8 + "-KH/TU",
                                  "248-KH/TU;drop"])
def test_other_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_number(text)


# Numbers copied from a PDF, a Word file or a web page: typographic dashes, full-width digits,
# invisible characters. Read as the number they show, stored in plain ASCII.
@pytest.mark.parametrize(("text", "expected"), [
    ("248\u2013KH/TU", "248-KH/TU"),  # en dash
    ("248\u2014KH/TU", "248-KH/TU"),  # em dash
    ("248\u2010KH/TU", "248-KH/TU"),  # hyphen
    ("1556/UBND\u2011KGVX", "1556/UBND-KGVX"),  # non-breaking hyphen
    ("1556/UBND\u2212KGVX", "1556/UBND-KGVX"),  # minus sign
    ("\uff11\uff15\uff15\uff16/UBND-KGVX", "1556/UBND-KGVX"),  # full-width digits
    ("\ufeff1556/UBND-KGVX\u200b", "1556/UBND-KGVX"),  # BOM, zero-width space
    ("1556/UBND\u200d-KGVX", "1556/UBND-KGVX"),
    ("1556\u00a0/\u00a0UBND-KGVX", "1556/UBND-KGVX"),  # no-break spaces
    ("33/C\u0110-TTg", "33/CĐ-TTg"),
    ("33/CD\u0302-TTg".replace("D\u0302", "Đ"), "33/CĐ-TTg"),
])
def test_pasted_numbers_are_read_as_they_show(text: str, expected: str) -> None:
    assert parse_number(text) == expected


def test_digits_of_other_scripts_are_not_a_number() -> None:
    with pytest.raises(InvalidInput):
        parse_number("\u0661\u0665\u0665\u0666/UBND")  # Arabic-Indic digits


# A bare hour is a clock time ("2h" at 08:00 is 02:00 tomorrow); a duration says so.
@pytest.mark.parametrize(
    ("text", "expected_local"),
    [("45p", "08:45 23/11"), ("45 phút", "08:45 23/11"), ("+2h", "10:00 23/11"),
     ("2 tiếng", "10:00 23/11"), ("2 giờ nữa", "10:00 23/11"), ("2h", "02:00 24/11"),
     ("2 giờ", "02:00 24/11"), ("17h", "17:00 23/11"), ("17g", "17:00 23/11"),
     ("17 giờ", "17:00 23/11"), ("17:00", "17:00 23/11"), ("17h30", "17:30 23/11"),
     ("07:00", "07:00 24/11"), ("25/11 17:00", "17:00 25/11"), ("17:00 25/11", "17:00 25/11"),
     ("17h ngày 25/11", "17:00 25/11"), ("25/11/2026 07:15", "07:15 25/11"),
     ("30/11", "17:00 30/11"), ("ngày mai", "17:00 24/11"), ("mai 07:30", "07:30 24/11"),
     ("17:00 hôm nay", "17:00 23/11"), ("+1 giờ", "09:00 23/11"), ("07:30 ngày mai", "07:30 24/11")],
)
def test_deadlines_people_type(text: str, expected_local: str) -> None:
    result = parse_deadline(text, NOW, TZ).at
    assert result.tzinfo is not None
    assert result.astimezone(TZ).strftime("%H:%M %d/%m") == expected_local


def test_a_clock_time_already_past_is_tomorrow_and_says_so() -> None:
    assert parse_deadline("17h", NOW, TZ).day_shift == 0
    assert parse_deadline("07:00", NOW, TZ).day_shift == 1
    assert parse_deadline("24/11 07:00", NOW, TZ).day_shift == 0  # a date typed is as typed


@pytest.mark.parametrize(("text", "key"), [("23/11 07:00", "bc_deadline_past"),
                                           ("07:00 23/11", "bc_deadline_past"),
                                           ("22/11 17:00", "bc_deadline_past"),
                                           ("22/11", "bc_deadline_past"),
                                           ("ngày kia", "bc_deadline_invalid"),
                                           ("bây giờ", "bc_deadline_past"),
                                           ("hôm qua 17h", "bc_deadline_past"),
                                           ("31/02 10:00", "bc_deadline_invalid"),
                                           ("25:00", "bc_deadline_invalid"),
                                           ("17h61", "bc_deadline_invalid"),
                                           ("32/1", "bc_deadline_invalid"),
                                           ("abc", "bc_deadline_invalid"),
                                           ("2 tiếng trước", "bc_deadline_invalid"),
                                           ("0p", "bc_deadline_invalid"), ("", "bc_deadline_invalid")])
def test_bad_deadlines(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_deadline(text, NOW, TZ)
    assert info.value.key == key


@pytest.mark.parametrize("key", ["bc_deadline_invalid", "bc_deadline_past",
                                 "bc_deadline_too_far", "bc_report_deadline_past"])
def test_deadline_refusals_show_an_example(key: str) -> None:
    text = t(key, text="abc", days=60, deadline="17:00 ngày 23/11/2026")
    assert text.startswith("❌ ") and "Vui lòng" in text
    assert "<code>17h</code>" in text or "<code>+2h</code>" in text
    assert "«" not in text and "bạn" not in text.lower()


def test_agency_states() -> None:
    ack = Acknowledgement(1, 1, 1, NOW, late=False)
    late = Acknowledgement(1, 1, 1, NOW, late=True)
    assert agency_state(ack, ["sent"]) is AgencyAckState.ACKED
    assert agency_state(late, ["sent"]) is AgencyAckState.ACKED_LATE
    assert agency_state(None, ["sent", "blocked"]) is AgencyAckState.PENDING
    assert agency_state(None, ["queued"]) is AgencyAckState.PENDING
    assert agency_state(None, ["failed", "blocked"]) is AgencyAckState.UNREACHABLE
    assert agency_state(None, []) is AgencyAckState.UNREACHABLE


def test_split_text_never_loses_or_exceeds() -> None:
    text = "\n\n".join(f"Đoạn {i}: " + "chữ " * 300 for i in range(20))
    parts = split_text(text, 4000)
    assert all(len(p) <= 4000 for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def directive(**kw: object) -> Directive:
    fields: dict[str, object] = dict(
        id=7, number="1556/UBND-KGVX", issuer="UBND tỉnh", summary="an toàn <thông tin>",
        urgency=Urgency.HOA_TOC, ack_deadline_at=NOW + timedelta(minutes=30), created_by=1,
        created_at=NOW, body="Nội dung & yêu cầu.")
    fields.update(kw)
    return Directive(**fields)  # type: ignore[arg-type]


def test_message_has_header_fields_and_escapes() -> None:
    settings = Settings(focal_hotline="0296 3 852 000")
    [part] = view.message_parts(directive(), settings)
    assert part.startswith("🔴 <b>HỎA TỐC</b>")
    assert "1556/UBND-KGVX" in part and "23/11/2026" in part
    assert "an toàn &lt;thông tin&gt;" in part and "Nội dung &amp; yêu cầu." in part
    assert "08:30 ngày 23/11/2026" in part and "0296 3 852 000" in part


def test_long_body_is_split_and_the_last_part_carries_the_deadline() -> None:
    settings = Settings()
    body = "\n".join(f"Dòng {i}: " + "nội dung chỉ đạo " * 20 for i in range(60))
    parts = view.message_parts(directive(body=body), settings)
    assert len(parts) >= 3 and all(len(p) <= 4096 for p in parts)
    assert "Thời hạn xác nhận" in parts[-1] and "Thời hạn xác nhận" not in parts[0]
    assert "phần 2/" in parts[1]
    acked = view.acked_text(directive(body=body), settings, "Lan", NOW, late=False)
    assert len(acked) <= 4096


def test_buttons() -> None:
    plain = view.buttons(directive(), 5, acked=False)
    assert plain is not None
    assert [b.callback_data for b in plain.inline_keyboard[0]] == ["ack:5"]
    with_report = view.buttons(directive(report_deadline_at=NOW), 5, acked=True)
    assert with_report is not None
    assert [b.callback_data for b in with_report.inline_keyboard[0]] == ["rep:5"]
    assert view.buttons(directive(), 5, acked=True) is None


# With no year typed, a day that has passed this year means next year (local dates).
@pytest.mark.parametrize(
    ("now_local", "text", "expected_local"),
    [("28/12/2026 09:00", "05/01 17:00", "17:00 05/01/2027"),
     ("28/12/2026 09:00", "05/01", "17:00 05/01/2027"),
     ("31/12/2026 23:00", "01/01 08:00", "08:00 01/01/2027"),
     ("28/12/2026 09:00", "30/12 17:00", "17:00 30/12/2026"),
     ("28/12/2026 09:00", "28/12 17:00", "17:00 28/12/2026"),
     ("28/12/2026 09:00", "05/01/2027 17:00", "17:00 05/01/2027"),
     ("01/01/2027 01:00", "17:00", "17:00 01/01/2027")],
)
def test_dates_across_new_year(now_local: str, text: str, expected_local: str) -> None:
    now = datetime.strptime(now_local, "%d/%m/%Y %H:%M").replace(tzinfo=TZ).astimezone(UTC)
    result = parse_deadline(text, now, TZ).at
    assert result.astimezone(TZ).strftime("%H:%M %d/%m/%Y") == expected_local


@pytest.mark.parametrize(
    ("now_local", "text"),
    [("28/12/2026 09:00", "05/01/2026 17:00"),   # a year typed is taken as typed
     ("28/12/2026 09:00", "27/12 17:00"),        # yesterday: not a deadline next December
     ("28/12/2026 09:00", "28/12 08:00")],       # earlier today: not next year
)
def test_passed_dates_stay_past(now_local: str, text: str) -> None:
    now = datetime.strptime(now_local, "%d/%m/%Y %H:%M").replace(tzinfo=TZ).astimezone(UTC)
    with pytest.raises(InvalidInput) as info:
        parse_deadline(text, now, TZ)
    assert info.value.key == "bc_deadline_past"


@pytest.mark.parametrize(
    ("text", "key"),
    [("01/01/0001 00:00", "bc_deadline_past"),      # used to escape as OverflowError
     ("31/12/9999 23:59", "bc_deadline_too_far"),
     ("22/01/2027 08:01", "bc_deadline_too_far"),   # a minute past 60 days
     ("+1441h", "bc_deadline_too_far"),
     ("9999 tiếng", "bc_deadline_too_far")],
)
def test_deadlines_out_of_range_are_named(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_deadline(text, NOW, TZ)
    assert info.value.key == key
    assert t(key, **info.value.params).startswith("❌ ")
    assert "Thời hạn" in t(key, **info.value.params)


def test_sixty_days_ahead_is_the_last_deadline_accepted() -> None:
    assert parse_deadline("22/01/2027 08:00", NOW, TZ).at == NOW + timedelta(days=60)
    assert parse_deadline("+1440h", NOW, TZ).at == NOW + timedelta(days=60)


# Between 00:00 and 07:00 in Vietnam it is still the previous day in UTC: a clock-only
# deadline belongs to the local day.
@pytest.mark.parametrize(
    ("now_utc", "text", "expected_local"),
    [(datetime(2026, 11, 22, 17, 0, tzinfo=UTC), "17:00", "17:00 23/11/2026"),   # 00:00 local
     (datetime(2026, 11, 22, 18, 30, tzinfo=UTC), "17:00", "17:00 23/11/2026"),  # 01:30 local
     (datetime(2026, 11, 22, 23, 59, tzinfo=UTC), "17h00", "17:00 23/11/2026"),  # 06:59 local
     (datetime(2026, 11, 22, 18, 30, tzinfo=UTC), "06:45", "06:45 23/11/2026"),
     (datetime(2026, 12, 31, 17, 5, tzinfo=UTC), "17:00", "17:00 01/01/2027"),   # new year
     (datetime(2026, 11, 30, 17, 5, tzinfo=UTC), "00:30", "00:30 01/12/2026")],  # new month
)
def test_clock_only_deadline_after_local_midnight(now_utc: datetime, text: str,
                                                  expected_local: str) -> None:
    result = parse_deadline(text, now_utc, TZ).at
    assert result.astimezone(TZ).strftime("%H:%M %d/%m/%Y") == expected_local


def test_number_refusal_shows_both_shapes() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_number("công văn khẩn")
    text = t(refused.value.key, **refused.value.params)
    assert "1556/UBND-KGVX" in text and "248-KH/TU" in text and "“công văn khẩn”" in text


def test_secret_refusal_cites_the_law_without_a_threat() -> None:
    from bot.telegram.render import shown

    said = shown(t("bc_secret_refused", secrecy="Tối mật"))
    assert "“Tối mật”" in said and "«" not in said
    assert "theo quy định của pháp luật về bảo vệ bí mật nhà nước" in said
    assert "ghi lại" not in said and "xử lý" not in said and "bạn" not in said.lower().split()
