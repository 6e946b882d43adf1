"""Directives: urgency and secrecy, number format, the deadline rule, agency states."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.when import Moment, OutOfRange, as_shown, parse_date, parse_moment


class Urgency(enum.StrEnum):
    HOA_TOC = "hoa_toc"
    THUONG_KHAN = "thuong_khan"
    KHAN = "khan"
    THUONG = "thuong"


class Secrecy(enum.StrEnum):
    NONE = "none"
    MAT = "mat"
    TOI_MAT = "toi_mat"
    TUYET_MAT = "tuyet_mat"

    @property
    def is_secret(self) -> bool:
        return self is not Secrecy.NONE


class AgencyAckState(enum.StrEnum):
    PENDING = "pending"          # chưa nhận
    ACKED = "acked"              # đã nhận
    ACKED_LATE = "acked_late"    # nhận trễ
    UNREACHABLE = "unreachable"  # không liên lạc được


class DirectiveStatus(enum.StrEnum):
    ACTIVE = "active"
    RECALLED = "recalled"


# Số, ký hiệu. State bodies (Nghị định 30/2020): number, optional year, issuer abbreviations
# joined by "-" (1556/UBND-KGVX, 06/2009/CT-UBND). Party bodies write the document type after
# the number and the issuer after the slash (248-KH/TU, 35-CT/TW).
_ABBR = r"[A-Za-zĐđ0-9&.]{1,20}(-[A-Za-zĐđ0-9&.]{1,20}){0,4}"
_NUMBER = re.compile(rf"^[0-9]{{1,6}}(/[0-9]{{4}})?/{_ABBR}$")
_PARTY_NUMBER = re.compile(rf"^[0-9]{{1,6}}-[A-Za-zĐđ]{{1,10}}/{_ABBR}$")


def parse_number(text: str) -> str:
    """Số, ký hiệu as it shows (a pasted en dash is "-", full-width digits plain), no spaces."""
    value = re.sub(r"\s+", "", as_shown(text))
    if not (_NUMBER.match(value) or _PARTY_NUMBER.match(value)):
        raise InvalidInput("bc_number_invalid", text=(text or "")[:60])
    return value


# A date of issue before this is a typing slip (the bot carries current directives).
EARLIEST_ISSUED = date(2000, 1, 1)


def parse_issued_on(text: str, today: date) -> date:
    """The date of issue as typed (`30/8/2022`, `30/8`, `hôm nay`): not after `today`, the
    local date where the province is, and not before EARLIEST_ISSUED; InvalidInput."""
    if " ".join(as_shown(text).lower().split()) == "hôm nay":
        return today
    issued = parse_date(text, today, key="bc_issued_invalid")
    if issued > today:
        raise InvalidInput("bc_issued_future", text=text.strip()[:40])
    if issued < EARLIEST_ISSUED:
        raise InvalidInput("bc_issued_too_old", text=text.strip()[:40],
                           year=EARLIEST_ISSUED.year)
    return issued


def parse_text_field(text: str | None, *, key: str, max_len: int) -> str:
    value = (text or "").strip()
    if not value or len(value) > max_len:
        raise InvalidInput(key, max_len=max_len)
    return value


MAX_DEADLINE_AHEAD = timedelta(days=60)


def parse_deadline(text: str, now: datetime, tz: ZoneInfo, *, default_time: time = time(17, 0)
                   ) -> Moment:
    """A deadline as typed (`17h`, `17:00 25/11`, `45 phút`, `+2h`: bot.domain.when), after
    now and at most MAX_DEADLINE_AHEAD ahead; each refusal's text key shows examples."""
    try:
        moment = parse_moment(text, now, tz, key="bc_deadline_invalid", default_time=default_time)
    except OutOfRange as exc:  # 01/01/0001 is past, 31/12/9999 west of UTC too far
        raise InvalidInput("bc_deadline_past" if exc.before else "bc_deadline_too_far",
                           text=(text or "")[:40], days=MAX_DEADLINE_AHEAD.days) from None
    if moment.at <= now:
        raise InvalidInput("bc_deadline_past", text=text[:40])
    if moment.at - now > MAX_DEADLINE_AHEAD:
        raise InvalidInput("bc_deadline_too_far", text=text[:40], days=MAX_DEADLINE_AHEAD.days)
    return moment


@dataclass(frozen=True, slots=True)
class Directive:
    id: int
    number: str
    issuer: str
    summary: str
    urgency: Urgency
    ack_deadline_at: datetime
    created_by: int
    created_at: datetime
    body: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    file_kind: str | None = None
    report_deadline_at: datetime | None = None
    status: DirectiveStatus = DirectiveStatus.ACTIVE
    recalled_at: datetime | None = None
    status_chat_id: int | None = None
    status_message_id: int | None = None
    issued_on: date | None = None  # ngày ban hành; None for directives sent before it was asked
    drill: bool = False  # diễn tập: bannered, and kept out of real figures


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    directive_id: int
    agency_id: int
    person_id: int
    acked_at: datetime
    late: bool
    via: str = "telegram"  # or "phone": recorded by an admin (person_id), by phone or on paper


@dataclass(slots=True)
class Tally:
    """Counts for the sender's status message and /status."""

    people_total: int = 0
    sent: int = 0
    queued: int = 0
    failed: int = 0
    blocked: int = 0
    agencies_total: int = 0
    acked: int = 0
    acked_late: int = 0
    pending: int = 0
    unreachable: int = 0
    unreachable_names: list[str] = field(default_factory=list)
    escalated: int = 0  # agencies still awaited being urged (đôn đốc), not only reminded


def agency_state(
    ack: Acknowledgement | None, delivery_statuses: list[str]
) -> AgencyAckState:
    """An agency's state from its acknowledgement and its liaisons' deliveries."""
    if ack is not None:
        return AgencyAckState.ACKED_LATE if ack.late else AgencyAckState.ACKED
    if not delivery_statuses or all(s in ("failed", "blocked") for s in delivery_statuses):
        return AgencyAckState.UNREACHABLE
    return AgencyAckState.PENDING


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji such as 🔥 counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _utf16_prefix(text: str, limit: int) -> int:
    """How many code points of `text` fit in `limit` UTF-16 code units."""
    size = 0
    for i, ch in enumerate(text):
        size += 2 if ord(ch) > 0xFFFF else 1
        if size > limit:
            return i
    return len(text)


def split_text(text: str, limit: int = 4096) -> list[str]:
    """Split plain text into parts of at most `limit` UTF-16 units, as Telegram counts them.

    Cuts at paragraph, then line, then word boundaries; mid-word only when a word is longer
    than half a part.
    """
    if limit <= 0:
        raise ValueError(f"split_text needs a positive limit, got {limit}")
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        room = _utf16_prefix(rest, limit)
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = rest.rfind(sep, 0, room)
            if cut > room // 2:
                break
        if cut <= 0:
            cut = max(room, 1)
        part = rest[:cut].rstrip()
        if part:
            parts.append(part)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    directive_id: int
    agency_id: int
    person_id: int
    chat_id: int
    status: DeliveryStatus
    message_id: int | None = None
    error: str | None = None
    late: bool = False  # sent after «Gửi»: the liaison joined or became reachable later
