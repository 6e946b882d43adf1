"""The escalation engine's adapters for directives: acknowledgements and result reports."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.domain.audience import contacts
from bot.domain.directives import Delivery, DeliveryStatus, Directive, DirectiveStatus
from bot.domain.escalation import SubjectKind
from bot.domain.models import Agency, Person, Role
from bot.domain.notices import About, DigestLine, Lateness, Notice, Under, copy_actions
from bot.services.escalation import Item
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
        d = await DirectiveRepository(conn).get(subject_id)
        agencies = await AgencyRepository(conn).by_ids(
            [r.agency_id for r in rows if r.agency_id is not None])
        people = [p for p in await PeopleRepository(conn).all() if p.active]
        return DirectiveBriefing(self.kind, d, agencies, people)


class DirectiveBriefing:
    def __init__(self, kind: SubjectKind, d: Directive, agencies: dict[int, Agency],
                 people: list[Person]) -> None:
        self.kind = kind
        self.directive = d
        self.agencies = agencies
        self.people = people
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
        lines = []
        for item in sorted(items, key=lambda i: (self.label(i.row), i.row.id)):
            agency = self.agencies[item.row.agency_id or 0]
            lines.append(DigestLine(agency, item.row.unreachable,
                                    contacts(self.people, agency.id)))
        # Items of one directive share a policy; the furthest one names the round.
        done = max(item.rounds[0] for item in items)
        total = max(item.rounds[1] for item in items)
        head = _HEAD[self.kind]
        if all(item.setup for item in items):
            head = _SETUP_HEAD.get(self.kind, head)
        return Notice("esc_digest", About(self.kind, self.directive.id), {
            "head": head, "directive": self.directive, "deadline": self.deadline,
            "rounds": (done, total),
            "now": now, "lines": lines, "late": late, "nobody_on_duty": nobody_on_duty,
            "unreachable_on_duty": unreachable_on_duty})

    def label(self, row: EscalationRow) -> str:
        return self.agencies[row.agency_id or 0].name


SUBJECTS = (DirectiveEscalation(ACK), DirectiveEscalation(RESULT))
