"""Directives: urgency and secrecy, number format, deadlines people type, agency states."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.when import year_of


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


# Số, ký hiệu: number, optional year, issuer abbreviations joined by "-" (Nghị định 30/2020).
_NUMBER = re.compile(
    r"^\d{1,6}(/\d{4})?/[A-Za-zĐđ0-9&.]{1,20}(-[A-Za-zĐđ0-9&.]{1,20}){0,4}$"
)


def parse_number(text: str) -> str:
    value = re.sub(r"\s+", "", text or "")
    if not _NUMBER.match(value):
        raise InvalidInput("bc_number_invalid", text=(text or "")[:60])
    return value


def parse_text_field(text: str | None, *, key: str, max_len: int) -> str:
    value = (text or "").strip()
    if not value or len(value) > max_len:
        raise InvalidInput(key, max_len=max_len)
    return value


_REL = re.compile(r"^(\d{1,4})\s*(p|ph|phút|phut|m|min|'|h|g|giờ|gio|tiếng|tieng)$", re.I)
_CLOCK = re.compile(r"^(\d{1,2})[:h](\d{2})$", re.I)
_DATE_CLOCK = re.compile(
    r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?:\s+(\d{1,2})[:h](\d{2}))?$", re.I
)


MAX_DEADLINE_AHEAD = timedelta(days=60)


def parse_deadline(text: str, now: datetime, tz: ZoneInfo, *, default_time: time = time(17, 0)
                   ) -> datetime:
    """`45p`, `2h`, `17:00`, `25/11 17:00`, `25/11/2026 17:00` -> aware UTC; future only."""
    value = (text or "").strip().lower()
    local_now = now.astimezone(tz)
    result: datetime | None = None
    next_year = False  # a day without a year, taken as next year's because it has passed
    if m := _REL.match(value):
        amount = int(m.group(1))
        unit = m.group(2)
        minutes = amount if unit in {"p", "ph", "phút", "phut", "m", "min", "'"} else amount * 60
        if minutes > 0:
            result = now + timedelta(minutes=minutes)
    elif m := _CLOCK.match(value):
        result = _local(local_now.year, local_now.month, local_now.day,
                        int(m.group(1)), int(m.group(2)), tz)
    elif m := _DATE_CLOCK.match(value):
        year = (int(m.group(3)) if m.group(3)
                else year_of(int(m.group(1)), int(m.group(2)), local_now.date()))
        next_year = year != local_now.year and not m.group(3)
        hour = int(m.group(4)) if m.group(4) else default_time.hour
        minute = int(m.group(5)) if m.group(5) else default_time.minute
        result = _local(year, int(m.group(2)), int(m.group(1)), hour, minute, tz)
    if result is None:
        raise InvalidInput("bc_deadline_invalid", text=text[:40])
    try:
        result = result.astimezone(now.tzinfo)
    except OverflowError:  # 01/01/0001 00:00 local is before the first UTC instant
        raise InvalidInput("bc_deadline_past", text=text[:40]) from None
    if result <= now:
        raise InvalidInput("bc_deadline_past", text=text[:40])
    if result - now > MAX_DEADLINE_AHEAD:
        # "27/12" typed on 28/12 is yesterday, not a deadline a year away.
        raise InvalidInput("bc_deadline_past" if next_year else "bc_deadline_too_far",
                           text=text[:40], days=MAX_DEADLINE_AHEAD.days)
    return result


def _local(year: int, month: int, day: int, hour: int, minute: int, tz: ZoneInfo
           ) -> datetime | None:
    try:
        return datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        return None


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
