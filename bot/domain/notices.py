"""Notices: what a service tells someone, free of any channel.

A notice says what is said (a text key and its values, or the name of a composed message
the channel knows how to lay out), which actions it offers (as domain values: "acknowledge
delivery 12", never a callback string), and what it is about (a subject kind and id, the
agency, the person), so that its copies can be found again to edit or cancel them.
Channels (`bot/telegram/notifier.py`) render notices; services never do.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.domain.directives import Delivery, Directive, DirectiveStatus
from bot.domain.escalation import SubjectKind
from bot.domain.models import Agency, Person


class Topic(enum.StrEnum):
    """What a notice can be about besides an escalation subject (`SubjectKind`)."""

    DIRECTIVE = "directive"                # a directive's copies and the notices under them
    DIRECTIVE_STATUS = "directive_status"  # the sender's live status message
    RESULT = "result"                      # a result report handed to the directive's sender
    DUTY = "duty"                          # the duty roster (shifts)
    INCIDENT = "incident"                  # an incident's notices to its reporter and team
    BACKUP = "backup"                      # the daily backup, told to the super-admins
    SUMMARY = "summary"                    # the half-year / annual summary reminders


Kind = Topic | SubjectKind

# Everything about a directive: its copies, the notices under them, its escalations' notices
# (what a recall drops while still unsent).
DIRECTIVE_KINDS: tuple[Kind, ...] = (
    Topic.DIRECTIVE, SubjectKind.DIRECTIVE_ACK, SubjectKind.DIRECTIVE_RESULT)


@dataclass(frozen=True, slots=True)
class About:
    """The subject of a notice: kind and id, and the agency and person it concerns."""

    kind: Kind
    id: int | None = None
    agency_id: int | None = None
    person_id: int | None = None


# --- actions: what the person may do from a notice --------------------------------------


@dataclass(frozen=True, slots=True)
class Acknowledge:
    delivery_id: int


@dataclass(frozen=True, slots=True)
class ReportResult:
    delivery_id: int


@dataclass(frozen=True, slots=True)
class ClaimAll:
    """Take on calling every open item of an escalation notice."""

    notice_id: int


@dataclass(frozen=True, slots=True)
class ClaimOne:
    """Take on calling one item (escalation) of a notice; `label` names it (an agency)."""

    notice_id: int
    escalation_id: int
    label: str


@dataclass(frozen=True, slots=True)
class ClaimPage:
    """Show another page of a notice's claim buttons (`later`: the next one, else the
    previous one); the same message, re-rendered."""

    notice_id: int
    page: int
    later: bool


@dataclass(frozen=True, slots=True)
class RefreshStatus:
    directive_id: int


@dataclass(frozen=True, slots=True)
class ExtendDeadline:
    directive_id: int


@dataclass(frozen=True, slots=True)
class SendCorrection:
    directive_id: int


@dataclass(frozen=True, slots=True)
class Recall:
    directive_id: int


@dataclass(frozen=True, slots=True)
class ListUnreached:
    """See the agencies a directive reaches nobody in (no liaison on the bot)."""

    directive_id: int
    count: int


@dataclass(frozen=True, slots=True)
class ListWaiting:
    """See every agency still to confirm, with whom to call, to record a phone receipt."""

    directive_id: int
    count: int


@dataclass(frozen=True, slots=True)
class ListReports:
    """See the result reports: which agencies reported (and their supplements)."""

    directive_id: int
    reported: int
    total: int


@dataclass(frozen=True, slots=True)
class TakeIncident:
    """«Tiếp nhận»: a responder takes an incident (the first one becomes its assignee)."""

    incident_id: int


@dataclass(frozen=True, slots=True)
class OpenIncident:
    """See an incident's detail and timeline (with the moves open to the viewer)."""

    incident_id: int


Action = (Acknowledge | ReportResult | ClaimAll | ClaimOne | ClaimPage | RefreshStatus
          | ExtendDeadline | SendCorrection | Recall | ListUnreached | ListWaiting | ListReports
          | TakeIncident | OpenIncident)


@dataclass(frozen=True, slots=True)
class Account:
    """Someone known only by their account id (a directive's sender, from `created_by`)."""

    user_id: int


@dataclass(frozen=True, slots=True)
class Under:
    """The notice follows a copy of a directive and is threaded under it where it can be.
    `queued_too`: also under a copy still on its way (it goes out first, in the same chat)."""

    copy: Delivery
    queued_too: bool = True


@dataclass(frozen=True, slots=True)
class Notice:
    key: str  # a text key (bot/texts.py), or a composed message the channel lays out
    about: About
    values: Mapping[str, Any] = field(default_factory=dict)
    actions: tuple[Action, ...] = ()
    under: Under | None = None


@dataclass(frozen=True, slots=True)
class Lateness:
    """How late a notice is against its schedule (the bot was down, a wake-up came late)."""

    by: timedelta
    collapsed: int  # earlier occurrences folded into it


@dataclass(frozen=True, slots=True)
class Settled:
    """An agency did what a digest was chasing it for, after the digest was sent."""

    at: datetime
    by: str  # who confirmed or reported; for a record by phone, the admin who made it
    by_phone: bool = False


@dataclass(frozen=True, slots=True)
class DigestLine:
    """One agency in an escalation digest, with whom to call."""

    agency: Agency
    unreachable: bool
    contacts: tuple[Person, ...]  # the liaisons the directive reaches, primary first
    settled: Settled | None = None  # struck through when the digest is drawn again


def copy_actions(d: Directive, delivery_id: int, *, acked: bool) -> tuple[Action, ...]:
    """What a recipient can do from their copy: acknowledge (until the agency did) and
    report results (when a report is due); nothing once the directive is recalled."""
    if d.status is DirectiveStatus.RECALLED:
        return ()
    actions: list[Action] = []
    if not acked:
        actions.append(Acknowledge(delivery_id))
    if d.report_deadline_at is not None:
        actions.append(ReportResult(delivery_id))
    return tuple(actions)


def status_actions(d: Directive, *, unreached: int = 0, waiting: int = 0,
                   reports: tuple[int, int] | None = None) -> tuple[Action, ...]:
    """What the sender can do from a directive's status message: open the lists behind it
    (`unreached` agencies with nobody on the bot, `waiting` ones still to confirm, the
    result `reports` as reported/total), refresh it, and change the directive."""
    lists: list[Action] = []
    if d.status is DirectiveStatus.ACTIVE:  # nobody is to be called about a recalled one
        if unreached:
            lists.append(ListUnreached(d.id, unreached))
        if waiting:
            lists.append(ListWaiting(d.id, waiting))
    if reports is not None:
        lists.append(ListReports(d.id, *reports))
    if d.status is not DirectiveStatus.ACTIVE:
        return (*lists, RefreshStatus(d.id))
    return (*lists, RefreshStatus(d.id), ExtendDeadline(d.id), SendCorrection(d.id),
            Recall(d.id))
