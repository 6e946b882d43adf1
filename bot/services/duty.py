"""Editing the duty roster: an override for a period, or a swap of two shifts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.errors import EntityDoesNotExist, InvalidInput, PermissionDenied
from bot.domain.models import Person, Role
from bot.domain.roster import Shift, parse_when, shifts_of
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.duty import DutyRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.people import PeopleRepository
from bot.telegram.render import local_time
from bot.texts import t
from config.settings import Settings


class DutyService:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 wake_sender: Callable[[], None] = lambda: None) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.wake_sender = wake_sender

    def parse_when(self, text: str) -> datetime:
        """`24/11 07:30` (local) as an instant."""
        return parse_when(text, self.clock.now(), self.settings.tz)

    def check_period(self, start: datetime, end: datetime) -> None:
        if end <= start:
            raise InvalidInput("duty_end_before_start", start=local_time(start, self.settings.tz))
        if end <= self.clock.now():
            raise InvalidInput("duty_end_past")

    async def responders(self) -> list[Person]:
        people = await PeopleRepository(self.db.reader).all()
        return sorted((p for p in people if p.active and p.has(Role.RESPONDER)),
                      key=lambda p: p.full_name)

    async def person(self, person_id: int) -> Person:
        return await PeopleRepository(self.db.reader).get(person_id)

    async def responder(self, admin_user_id: int, person_id: int,
                        other_than: int | None = None) -> Person:
        """The person, if the database says they are an active responder; else refused, audited.

        Callback data can be forged, so a tapped id is never trusted as it is.
        """
        try:
            person: Person | None = await PeopleRepository(self.db.reader).get(person_id)
        except EntityDoesNotExist:
            person = None
        if person is None or not person.active or not person.has(Role.RESPONDER):
            raise await self._refuse(admin_user_id, "duty_not_responder", str(person_id))
        if person.id == other_than:
            raise await self._refuse(admin_user_id, "duty_swap_same_person", str(person_id),
                                     name=person.full_name)
        return person

    async def shift(self, admin_user_id: int, shift: Shift) -> Shift:
        """The shift, if it is one of its person's coming shifts offered; else refused, audited."""
        person = await self.responder(admin_user_id, shift.person_id)
        if not any(s.start_at == shift.start_at and s.end_at == shift.end_at
                   for s in await self.upcoming_shifts(person.id)):
            raise await self._refuse(
                admin_user_id, "duty_not_their_shift", f"{person.id}@{to_epoch(shift.start_at)}",
                name=person.full_name)
        return shift

    async def _refuse(self, admin_user_id: int, key: str, subject: str,
                      **params: object) -> PermissionDenied:
        async with self.db.transaction() as conn:
            await AuditRepository(conn).add(to_epoch(self.clock.now()), admin_user_id,
                                            "duty.refused", subject, {"reason": key})
        return PermissionDenied(key, **params)

    async def upcoming_shifts(self, person_id: int, count: int = 6) -> list[Shift]:
        """The person's coming rotation shifts that nobody else already covers."""
        duty = DutyRepository(self.db.reader)
        rotation = await duty.rotation()
        if rotation is None:
            return []
        now = self.clock.now()
        overrides = [o for o in await duty.overrides(now) if o.person_id != person_id]
        current = [s for s in shifts_of(rotation, person_id, now - rotation.shift, 1)
                   if s.end_at > now]
        shifts = current + shifts_of(rotation, person_id, now, count + len(overrides))
        free = [s for s in shifts if not any(o.start_at < s.end_at and o.end_at > s.start_at
                                             for o in overrides)]
        return free[:count]

    async def assign(self, admin_user_id: int, person_id: int, start: datetime,
                     end: datetime) -> Person:
        """Put a person on duty for a period (an override), and tell them."""
        self.check_period(start, end)
        person = await self.responder(admin_user_id, person_id)
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await DutyRepository(conn).add_override(person_id, start, end, admin_user_id, now)
            await self._tell(conn, person, start, end, now)
            await AuditRepository(conn).add(now, admin_user_id, "duty.assigned", str(person_id),
                                            {"start": to_epoch(start), "end": to_epoch(end)})
        self.wake_sender()
        return person

    async def swap(self, admin_user_id: int, a: Shift, b: Shift) -> tuple[Person, Person]:
        """A takes B's shift and B takes A's: two overrides, in one transaction."""
        await self.shift(admin_user_id, a)
        await self.shift(admin_user_id, b)
        pa = await self.responder(admin_user_id, a.person_id)
        pb = await self.responder(admin_user_id, b.person_id, other_than=pa.id)
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            duty = DutyRepository(conn)
            await duty.add_override(pa.id, b.start_at, b.end_at, admin_user_id, now)
            await duty.add_override(pb.id, a.start_at, a.end_at, admin_user_id, now)
            await self._tell(conn, pa, b.start_at, b.end_at, now)
            await self._tell(conn, pb, a.start_at, a.end_at, now)
            await AuditRepository(conn).add(
                now, admin_user_id, "duty.swapped", f"{pa.id}<->{pb.id}",
                {"a_shift": to_epoch(a.start_at), "b_shift": to_epoch(b.start_at)})
        self.wake_sender()
        return pa, pb

    async def _tell(self, conn: aiosqlite.Connection, person: Person, start: datetime, end: datetime,
                    now: int) -> None:
        if person.chat_id is None:
            return
        await OutboxRepository(conn).enqueue(
            person.chat_id, "send_message", {"text": t(
                "duty_assigned", start=local_time(start, self.settings.tz),
                end=local_time(end, self.settings.tz))}, now)
