"""The escalation engine's adapters for directives: acknowledgements and result reports."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import from_epoch
from bot.domain.audience import contacts
from bot.domain.directives import Delivery, DeliveryStatus, Directive, DirectiveStatus
from bot.domain.escalation import SubjectKind
from bot.domain.models import Agency, Person, Role
from bot.domain.notices import (
    About,
    Action,
    DigestLine,
    Kind,
    Lateness,
    Notice,
    Settled,
    Under,
    copy_actions,
)
from bot.services.escalation import Item
from bot.services.ports import Notifier
from bot.storage.agencies import AgencyRepository
from bot.storage.directives import DirectiveRepository
from bot.storage.escalations import EscalationRow
from bot.storage.people import PeopleRepository

ACK = SubjectKind.DIRECTIVE_ACK
RESULT = SubjectKind.DIRECTIVE_RESULT
# The text keys of each kind's reminder and digest head.
_REMINDER = {ACK: "esc_reminder", RESULT: "esc_reminder_report"}
_HEAD = {ACK: "esc_digest_head", RESULT: "esc_digest_head_report"}
# Agencies nobody could be reached at from the sending on: a setup problem, titled as such.
_SETUP_HEAD = {ACK: "esc_digest_head_no_liaison"}
# A digest drawn again: the line when every agency did it, and an agency's struck line.
_SETTLED = {ACK: ("esc_digest_all_acked", "esc_line_acked"),
            RESULT: ("esc_digest_all_reported", "esc_line_reported")}


@dataclass(frozen=True)
class DirectiveEscalation:
    """An agency has not acknowledged a directive (`DIRECTIVE_ACK`) or not reported its
    results (`DIRECTIVE_RESULT`); open while the directive stands and the agency owes it."""

    kind: SubjectKind

    async def still_open(self, conn: aiosqlite.Connection, subject_id: int,
                         agency_ids: Collection[int | None]) -> set[int | None]:
        repo = DirectiveRepository(conn)
        d = await repo.get(subject_id)
        if d.status is not DirectiveStatus.ACTIVE:
            return set()
        if self.kind is ACK:
            done = set(await repo.acks(d.id))
        else:
            done = {r["agency_id"] for r in await repo.result_reports(d.id)}
        return {a for a in agency_ids if a not in done}

    async def brief(self, conn: aiosqlite.Connection, subject_id: int,
                    rows: list[EscalationRow]) -> DirectiveBriefing:
        repo = DirectiveRepository(conn)
        d = await repo.get(subject_id)
        agencies = await AgencyRepository(conn).by_ids(
            [r.agency_id for r in rows if r.agency_id is not None])
        everyone = await PeopleRepository(conn).all()
        names = {p.id: p.full_name for p in everyone}
        # What each agency did since (a digest drawn again strikes it through).
        settled: dict[int, Settled] = {}
        if self.kind is ACK:
            for agency_id, ack in (await repo.acks(d.id)).items():
                settled[agency_id] = Settled(ack.acked_at, names.get(ack.person_id, ""),
                                             ack.via == "phone")
        else:
            for r in await repo.result_reports(d.id):
                settled.setdefault(r["agency_id"], Settled(from_epoch(r["created_at"]),
                                                           names.get(r["person_id"], "")))
        return DirectiveBriefing(self.kind, d, agencies, [p for p in everyone if p.active],
                                 settled)


class DirectiveBriefing:
    def __init__(self, kind: SubjectKind, d: Directive, agencies: dict[int, Agency],
                 people: list[Person], settled: dict[int, Settled] | None = None) -> None:
        self.kind = kind
        self.directive = d
        self.agencies = agencies
        self.people = people
        self.settled = settled or {}
        self.name = d.number
        self.refs: dict[str, object] = {"directive_id": d.id}
        deadline = d.ack_deadline_at if kind is ACK else d.report_deadline_at
        assert deadline is not None
        self.deadline = deadline

    async def reminders(self, conn: aiosqlite.Connection, item: Item,
                        now: datetime) -> list[tuple[Person | Delivery, Notice]]:
        """One to each liaison's copy, threaded under it, with their own buttons."""
        assert item.row.agency_id is not None
        agency = self.agencies[item.row.agency_id]
        d = self.directive
        # Only chats of people who are still the agency's liaisons (not those who left or
        # moved) and not known to have blocked the bot (a send would only fail again).
        current = {p.id for p in await PeopleRepository(conn).of_agency(agency.id)
                   if p.active and p.reachable and p.has(Role.LIAISON)}
        out: list[tuple[Person | Delivery, Notice]] = []
        for dl in await DirectiveRepository(conn).deliveries(d.id, agency.id):
            if (dl.status not in (DeliveryStatus.SENT, DeliveryStatus.QUEUED)
                    or dl.person_id not in current):
                continue
            out.append((dl, Notice(
                _REMINDER[self.kind], About(self.kind, d.id, agency.id, dl.person_id),
                {"agency": agency, "directive": d, "deadline": self.deadline, "now": now},
                copy_actions(d, dl.id, acked=self.kind is not ACK),
                Under(dl, queued_too=False))))
        return out

    def digest(self, items: list[Item], now: datetime, late: Lateness | None,
               nobody_on_duty: bool, unreachable_on_duty: tuple[str, ...] = ()) -> Notice:
        """The digest as of `now`; drawn again later (the engine passes the items as they
        were sent), it marks what happened since: agencies that did what was asked, a
        recall, an extension."""
        d = self.directive
        lines = []
        for item in sorted(items, key=lambda i: (self.label(i.row), i.row.id)):
            agency = self.agencies[item.row.agency_id or 0]
            lines.append(DigestLine(agency, item.row.unreachable,
                                    contacts(self.people, agency.id),
                                    self.settled.get(agency.id)))
        # Items of one directive share a policy; the furthest one names the round.
        done = max(item.rounds[0] for item in items)
        total = max(item.rounds[1] for item in items)
        head = _HEAD[self.kind]
        setup = bool(items) and all(item.setup for item in items)
        if setup:
            head = _SETUP_HEAD.get(self.kind, head)
        # The deadline the items were chased against (an extension moved the directive's);
        # the page at sending is no round: it stands, with the deadline as it is now.
        deadline = items[0].row.deadline_at if items and not setup else self.deadline
        recalled = ((d.recalled_at or d.created_at) if d.status is DirectiveStatus.RECALLED
                    else None)
        return Notice("esc_digest", About(self.kind, d.id), {
            "head": head, "directive": d, "deadline": deadline,
            "rounds": (done, total),
            "now": now, "lines": lines, "late": late, "nobody_on_duty": nobody_on_duty,
            "unreachable_on_duty": unreachable_on_duty, "settled": _SETTLED[self.kind],
            "recalled_at": recalled,
            "extended_to": self.deadline if self.deadline > deadline else None})

    def label(self, row: EscalationRow) -> str:
        return self.agencies[row.agency_id or 0].name


SUBJECTS = (DirectiveEscalation(ACK), DirectiveEscalation(RESULT))


async def rewrite_reminders(conn: aiosqlite.Connection, notifier: Notifier, d: Directive,
                            kinds: tuple[Kind, ...], note: tuple[str, Mapping[str, object]],
                            actions: Callable[[Delivery], tuple[Action, ...]], now: int, *,
                            agency_id: int | None = None, skip: Collection[int] = ()) -> None:
    """The reminders already sent under the directive's copies (to one agency, when given;
    not to the agencies in `skip`) say why they are no longer due, or what changed: the text
    `note` (key, values) under theirs, and the buttons `actions` gives for each copy."""
    key, values = note
    for dl in await DirectiveRepository(conn).deliveries(d.id, agency_id):
        if dl.agency_id in skip:
            continue
        await notifier.edit_reminders(conn, dl, kinds, Notice(
            key, About(kinds[0], d.id, dl.agency_id, dl.person_id), values, actions(dl)), now)
