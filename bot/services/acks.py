"""Acknowledgements: the first liaison's tap acknowledges for the agency, exactly once."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.directives import Acknowledgement, DeliveryStatus, Directive, DirectiveStatus
from bot.domain.models import Agency, Person
from bot.services.broadcast import BroadcastService
from bot.services.escalation import ACK
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.people import PeopleRepository
from bot.telegram import directive_view as view


class AckStatus(enum.StrEnum):
    RECORDED = "recorded"   # this tap acknowledged for the agency
    ALREADY = "already"     # someone of the agency acknowledged earlier
    REFUSED = "refused"     # not a liaison of the addressed agency, or forged data
    ENDED = "ended"         # the tapper's access ended (marked inactive): refused too
    RECALLED = "recalled"   # the directive was withdrawn


@dataclass(frozen=True)
class AckResult:
    status: AckStatus
    directive: Directive | None = None
    agency: Agency | None = None
    ack: Acknowledgement | None = None
    acker: Person | None = None


class AckService:
    def __init__(self, db: Database, clock: Clock, broadcast: BroadcastService) -> None:
        self.db = db
        self.clock = clock
        self.broadcast = broadcast

    async def acknowledge(self, user_id: int, delivery_id: int) -> AckResult:
        """Record the tap (committed before this returns) and queue the edits it causes."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            repo = DirectiveRepository(conn)
            person = await PeopleRepository(conn).by_telegram_id(user_id)
            delivery = await repo.addressed_to(delivery_id, person)
            if delivery is None or person is None:
                await AuditRepository(conn).add(
                    to_epoch(now), user_id, "ack.refused", f"ack:{delivery_id}",
                    {"person_agency": person.agency_id if person else None})
                ended = person is not None and not person.active
                return AckResult(AckStatus.ENDED if ended else AckStatus.REFUSED)
            directive = await repo.get(delivery.directive_id)
            agency = await AgencyRepository(conn).get(delivery.agency_id)
            if directive.status is DirectiveStatus.RECALLED:
                return AckResult(AckStatus.RECALLED, directive, agency)
            late = now > directive.ack_deadline_at
            recorded = await repo.acknowledge(directive.id, agency.id, person.id, to_epoch(now),
                                              late)
            ack = await repo.ack_of(directive.id, agency.id)
            assert ack is not None
            acker = person if recorded else await PeopleRepository(conn).get(ack.person_id)
            if recorded:
                await AuditRepository(conn).add(
                    to_epoch(now), user_id, "ack.recorded", directive.number,
                    {"directive_id": directive.id, "agency": agency.code, "late": late})
                await self._queue_edits(conn, directive, agency.id, acker, ack)
                await self.broadcast.escalation.stop(conn, ACK, directive.id, agency.id,
                                                     "acknowledged", to_epoch(now))
                dropped = await OutboxRepository(conn).cancel_reminders(
                    directive.id, agency.id, to_epoch(now))
        if recorded:
            self.broadcast.forget_ops(dropped)
            self.broadcast.wake_sender()
            self.broadcast.board.touch(directive.id)
        return AckResult(AckStatus.RECORDED if recorded else AckStatus.ALREADY, directive,
                         agency, ack, acker)

    async def _queue_edits(self, conn: aiosqlite.Connection, d: Directive, agency_id: int, acker: Person,
                           ack: Acknowledgement) -> None:
        """Every copy in the agency's chats shows who acknowledged, and when."""
        repo, outbox = DirectiveRepository(conn), OutboxRepository(conn)
        text = view.acked_text(d, self.broadcast.settings, acker.full_name, ack.acked_at, ack.late)
        now = to_epoch(self.clock.now())
        for dl in await repo.deliveries(d.id, agency_id):
            if dl.status not in (DeliveryStatus.SENT, DeliveryStatus.QUEUED):
                continue
            markup = view.buttons(d, dl.id, acked=True)
            await outbox.enqueue(dl.chat_id, "edit_message_text", {
                "directive_id": d.id, "text": text, "reply_markup": view.markup_dict(markup)},
                now, delivery_id=dl.id, edit_key=f"dlv:{dl.id}")
