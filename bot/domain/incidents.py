"""Incidents (sự cố): states, who may move them, the priority rule, codes. Pure.

The lifecycle (SPEC §3, issue 11). `TRANSITIONS` is the one table the service, the buttons
and the docs follow; `may` answers "may this person make this move on this incident now":

| move        | from                       | to           | who                                 |
|-------------|----------------------------|--------------|-------------------------------------|
| take        | Mới                        | Đã tiếp nhận | any responder («Tiếp nhận»)         |
| start       | Đã tiếp nhận               | Đang xử lý   | the assignee                        |
| release     | Đã tiếp nhận / Đang xử lý  | Mới          | the assignee, the lead (a reason)   |
| reassign    | any open state             | (same state; | the lead, admins                    |
|             |                            | Mới → Đã tiếp nhận: it has an assignee now)        |
| resolve     | Đang xử lý                 | Đã khắc phục | the assignee (the closing report)   |
| reopen      | Đã khắc phục               | Đang xử lý   | the reporter, the assignee, the lead (a reason) |
| close       | Đã khắc phục               | Đã kết thúc ứng phó | the lead, admins             |
| false_alarm | Mới / Đã tiếp nhận         | Đã kết thúc ứng phó | the lead, admins (a reason: |
|             |                            |              | "không phải sự cố")                 |
| progress    | any state but closed       | (same state) | the reporter, the assignee          |
| priority    | any open state             | (same state) | any responder, admins               |

"The reporter" is the person who filed it (a responder who logged a phone call included) and
every active liaison of the reporting agency: an agency reports, not a person. "The lead" is
the team lead (a responder with the lead flag); admins have only the rows that name them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.domain.escalation import Severity

# Priority is the escalation policy's severity (mức ưu tiên): thấp, trung bình, cao,
# nghiêm trọng. Only "sự cố nghiêm trọng" is a legal category; the rest is the team's scale.
Priority = Severity
PRIORITY_ORDER: tuple[Severity, ...] = (
    Severity.THAP, Severity.TRUNG_BINH, Severity.CAO, Severity.NGHIEM_TRONG)


class IncidentStatus(enum.StrEnum):
    REPORTED = "reported"        # Mới
    TAKEN = "taken"              # Đã tiếp nhận
    IN_PROGRESS = "in_progress"  # Đang xử lý
    RESOLVED = "resolved"        # Đã khắc phục
    CLOSED = "closed"            # Đã kết thúc ứng phó

    @property
    def open(self) -> bool:
        return self is not IncidentStatus.CLOSED


class Move(enum.StrEnum):
    TAKE = "take"
    START = "start"
    RELEASE = "release"
    REASSIGN = "reassign"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"
    FALSE_ALARM = "false_alarm"
    PROGRESS = "progress"
    PRIORITY = "priority"


class Who(enum.StrEnum):
    """How a person stands to an incident (several may hold at once)."""

    RESPONDER = "responder"  # any active responder
    ASSIGNEE = "assignee"
    LEAD = "lead"            # the team lead (a responder with the lead flag)
    ADMIN = "admin"
    REPORTER = "reporter"    # the reporting agency's liaisons, or who logged it


S = IncidentStatus
OPEN_STATES = frozenset({S.REPORTED, S.TAKEN, S.IN_PROGRESS, S.RESOLVED})


@dataclass(frozen=True, slots=True)
class Transition:
    sources: frozenset[IncidentStatus]
    target: IncidentStatus | None  # None: the state stays (reassign, progress, priority)
    who: frozenset[Who]
    needs_reason: bool = False


TRANSITIONS: dict[Move, Transition] = {
    Move.TAKE: Transition(frozenset({S.REPORTED}), S.TAKEN, frozenset({Who.RESPONDER})),
    Move.START: Transition(frozenset({S.TAKEN}), S.IN_PROGRESS, frozenset({Who.ASSIGNEE})),
    Move.RELEASE: Transition(frozenset({S.TAKEN, S.IN_PROGRESS}), S.REPORTED,
                             frozenset({Who.ASSIGNEE, Who.LEAD}), needs_reason=True),
    Move.REASSIGN: Transition(frozenset(OPEN_STATES), None, frozenset({Who.LEAD, Who.ADMIN})),
    Move.RESOLVE: Transition(frozenset({S.IN_PROGRESS}), S.RESOLVED, frozenset({Who.ASSIGNEE})),
    Move.REOPEN: Transition(frozenset({S.RESOLVED}), S.IN_PROGRESS,
                            frozenset({Who.REPORTER, Who.ASSIGNEE, Who.LEAD}),
                            needs_reason=True),
    Move.CLOSE: Transition(frozenset({S.RESOLVED}), S.CLOSED, frozenset({Who.LEAD, Who.ADMIN})),
    Move.FALSE_ALARM: Transition(frozenset({S.REPORTED, S.TAKEN}), S.CLOSED,
                                 frozenset({Who.LEAD, Who.ADMIN}), needs_reason=True),
    Move.PROGRESS: Transition(frozenset(OPEN_STATES), None,
                              frozenset({Who.REPORTER, Who.ASSIGNEE})),
    Move.PRIORITY: Transition(frozenset(OPEN_STATES), None,
                              frozenset({Who.RESPONDER, Who.ADMIN})),
}


def may(move: Move, status: IncidentStatus, who: Collection[Who]) -> bool:
    """May someone standing as `who` make `move` on an incident in `status`?"""
    rule = TRANSITIONS[move]
    return status in rule.sources and bool(rule.who & set(who))


def moves(status: IncidentStatus, who: Collection[Who]) -> tuple[Move, ...]:
    """Every move open to them now, in the table's order (what their buttons offer)."""
    return tuple(m for m in TRANSITIONS if may(m, status, who))


# --- the priority rule -------------------------------------------------------------------

# Categories whose damage is hard to undo: they start one level higher. Keys of the
# `category` field's options in config/incident_form.yaml (unknown keys count as ordinary).
GRAVE_CATEGORIES = frozenset({"ransomware", "destruction", "intrusion", "espionage", "combined"})


@dataclass(frozen=True, slots=True)
class PriorityFacts:
    """What the priority is derived from (the report's answers, typed)."""

    system_level: int | None   # Cấp 1–5, None: không rõ
    category: str | None       # the option key
    support_requested: bool    # đề xuất hỗ trợ
    beyond_capacity: bool      # vượt khả năng xử lý
    handled: bool              # hiện trạng: đã được xử lý


def derive_priority(f: PriorityFacts) -> Severity:
    """The documented rule (README "Sự cố"): start from the system's level, then adjust.

    1. Base: Cấp 1–2 or unknown → thấp; Cấp 3 → trung bình; Cấp 4 → cao; Cấp 5 → nghiêm trọng.
    2. A grave category (ransomware, destruction, takeover, data theft, combined) → one up.
    3. Already handled by the unit → one down.
    4. Floors: not yet handled, or support requested → at least trung bình; beyond the
       unit's capacity → at least cao.
    """
    level = f.system_level or 0
    rank = 0 if level <= 2 else level - 2  # 3 → 1, 4 → 2, 5 → 3
    if f.category in GRAVE_CATEGORIES:
        rank += 1
    if f.handled:
        rank -= 1
    if not f.handled or f.support_requested:
        rank = max(rank, 1)
    if f.beyond_capacity:
        rank = max(rank, 2)
    return PRIORITY_ORDER[min(max(rank, 0), len(PRIORITY_ORDER) - 1)]


# --- codes, lateness ---------------------------------------------------------------------

_CODE = re.compile(r"^\s*SC\s*-\s*(\d{4})\s*-\s*(\d{1,9})\s*$", re.IGNORECASE)


def incident_code(year: int, number: int) -> str:
    """`SC-2026-007`: the year of the report and its number in that year."""
    return f"SC-{year}-{number:03d}"


def parse_code(text: str) -> tuple[int, int] | None:
    """`SC-2026-7`, `sc-2026-007`, ` SC - 2026 - 7 ` → (2026, 7); anything else → None."""
    m = _CODE.match(text)
    return (int(m[1]), int(m[2])) if m else None


# A detection time further back is a slip of the keyboard (`0026` for `2026`), not a fact:
# asked again rather than stored as a report centuries late.
OLDEST_DETECTION = timedelta(days=3653)


def implausibly_old(detected_at: datetime, now: datetime) -> bool:
    """Detected more than ten years before `now`?"""
    return now - detected_at > OLDEST_DETECTION


def reported_late(detected_at: datetime, reported_at: datetime, within: timedelta) -> bool:
    """Reported later than the reporting deadline after detection (default 3 days)?"""
    return reported_at - detected_at > within


# --- the incident ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Incident:
    id: int
    code: str
    agency_id: int
    reporter_id: int               # the person who filed it (a liaison, or who logged a call)
    status: IncidentStatus
    priority: Severity
    priority_derived: bool         # False once a responder set it
    category: str | None
    system_level: int | None
    detected_at: datetime
    reported_at: datetime
    late: bool
    support_requested: bool
    beyond_capacity: bool
    confidential: bool
    answers: dict[str, Any]        # every answer of the form, by field key (JSON-safe)
    via: str = "telegram"          # "phone": logged by a responder for a caller
    assignee_id: int | None = None
    taken_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    false_alarm: bool = False
    closing: dict[str, Any] = field(default_factory=dict)  # the closing report's answers
    last_progress_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status.open


class EventKind(enum.StrEnum):
    REPORTED = "reported"
    TAKEN = "taken"
    STARTED = "started"
    RELEASED = "released"
    REASSIGNED = "reassigned"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    FALSE_ALARM = "false_alarm"
    PROGRESS = "progress"      # báo cáo diễn biến (text and files)
    PRIORITY = "priority"      # mức ưu tiên changed
    ESCALATED = "escalated"    # the escalation engine told someone


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    id: int
    incident_id: int
    at: datetime
    kind: EventKind
    person_id: int | None       # who did it (None: the bot)
    text: str = ""              # a reason, a progress report
    details: dict[str, Any] = field(default_factory=dict)  # from/to status, priority ...


@dataclass(frozen=True, slots=True)
class IncidentFile:
    id: int
    incident_id: int
    event_id: int | None        # None: attached to the initial report
    file_id: str
    kind: str                   # "photo" or "document"
    name: str
    unique_id: str = ""
