"""Editing the duty roster: an override for a period, or a swap of two shifts."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.errors import EntityDoesNotExist, InvalidInput, PermissionDenied
from bot.domain.models import Person, Role
from bot.domain.notices import About, Notice, Topic
from bot.domain.roster import (
    HORIZON,
    Shift,
    next_shift,
    on_duty,
    on_duty_since,
    on_duty_until,
    parse_when,
    shifts_of,
)
from bot.services.ports import Notifier
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.duty import DutyRepository
from bot.storage.people import PeopleRepository
from config.settings import Settings


async def on_duty_people(conn: aiosqlite.Connection, people: list[Person],
                         now: datetime) -> tuple[list[Person], list[Shift]]:
    """Who is on duty now and can be reached (of `people`), and the shifts running now."""
    duty = DutyRepository(conn)
    shifts = on_duty(await duty.rotation(), await duty.overrides(now), now)
    # Someone on duty whom Telegram cannot reach does not count: the fallback takes over.
    by_id = {p.id: p for p in people if p.chat_id is not None and p.reachable}
    return [by_id[s.person_id] for s in shifts if s.person_id in by_id], shifts


class DutyService:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 notifier: Notifier) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.notifier = notifier

    def parse_when(self, text: str) -> datetime:
        """A duty period's start as typed (`07:30`: the next 07:30; `07:30 24/11`)."""
        return parse_when(text, self.clock.now(), self.settings.tz)

    def parse_until(self, text: str, start: datetime) -> datetime:
        """A period's end, read from its start: `07:00` is the first 07:00 after the start
        (a night shift from 20:00), `12 tiếng` twelve hours after it."""
        return parse_when(text, start, self.settings.tz)

    def check_period(self, start: datetime, end: datetime) -> None:
        if end <= start:
            raise InvalidInput("duty_end_before_start", start=start)
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
            await self._told_of_duty(conn, [person])
            await AuditRepository(conn).add(now, admin_user_id, "duty.assigned", str(person_id),
                                            {"start": to_epoch(start), "end": to_epoch(end)})
        self.notifier.flush()
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
            await self._told_of_duty(conn, [pa, pb])
            await AuditRepository(conn).add(
                now, admin_user_id, "duty.swapped", f"{pa.id}<->{pb.id}",
                {"a_shift": to_epoch(a.start_at), "b_shift": to_epoch(b.start_at)})
        self.notifier.flush()
        return pa, pb

    async def _tell(self, conn: aiosqlite.Connection, person: Person, start: datetime,
                    end: datetime, now: int) -> None:
        if person.chat_id is None:
            return
        await self.notifier.send(conn, person, Notice(
            "duty_assigned", About(Topic.DUTY, person_id=person.id),
            {"start": start, "end": end}), now)

    async def _told_of_duty(self, conn: aiosqlite.Connection, people: list[Person]) -> None:
        """Whoever an assignment put on duty right now was just told so: that message is
        their duty's start notice (one notice per duty)."""
        now = self.clock.now()
        duty = DutyRepository(conn)
        rotation, overrides = await duty.rotation(), await duty.overrides(now - HORIZON)
        on_now = {s.person_id for s in on_duty(rotation, overrides, now)}
        for person in people:
            if person.id in on_now and person.chat_id is not None:
                await duty.mark_shift_notice(
                    on_duty_since(rotation, overrides, person.id, now), person.id)

    # --- who is on duty -------------------------------------------------------------------

    async def duty_view(self) -> tuple[list[tuple[Shift, Person]], tuple[Shift, Person] | None]:
        """Who is on duty now (each until they go off duty), and the next person to come on."""
        conn, now = self.db.reader, self.clock.now()
        duty = DutyRepository(conn)
        rotation, overrides = await duty.rotation(), await duty.overrides(now)
        people = {p.id: p for p in await PeopleRepository(conn).all() if p.active}
        current = [(Shift(s.person_id, s.start_at,
                          on_duty_until(rotation, overrides, s.person_id, now) or s.end_at,
                          s.override), people[s.person_id])
                   for s in on_duty(rotation, overrides, now) if s.person_id in people]
        upcoming = next_shift(rotation, overrides, now)
        nxt = (upcoming, people[upcoming.person_id]) if upcoming and upcoming.person_id in people else None
        return current, nxt

    async def shift_start_notices(self) -> int:
        """Tell whoever is on duty now that their duty started: once per duty, however many
        rotation shifts and overrides make it up (keyed by when it began), across restarts."""
        now = self.clock.now()
        sent = 0
        async with self.db.transaction() as conn:
            people = [p for p in await PeopleRepository(conn).all() if p.active]
            on_duty_now, shifts = await on_duty_people(conn, people, now)
            duty = DutyRepository(conn)
            # Overrides that ended lately too: they tell when a duty running now began.
            rotation, overrides = await duty.rotation(), await duty.overrides(now - HORIZON)
            for shift in shifts:
                person = next((p for p in on_duty_now if p.id == shift.person_id), None)
                if person is None or person.chat_id is None:
                    continue
                since = on_duty_since(rotation, overrides, person.id, now)
                if await duty.mark_shift_notice(since, person.id):
                    until = on_duty_until(rotation, overrides, person.id, now) or shift.end_at
                    await self.notifier.send(conn, person, Notice(
                        "duty_shift_start", About(Topic.DUTY, person_id=person.id),
                        {"start": since, "end": until}), to_epoch(now))
                    sent += 1
        if sent:
            self.notifier.flush()
        return sent
