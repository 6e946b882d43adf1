"""Editing the duty roster: an override for a period, or a swap of two shifts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.errors import EntityDoesNotExist, InvalidInput, PermissionDenied
from bot.domain.models import Person, Role
from bot.domain.notices import About, Notice, Topic
from bot.domain.roster import (
    HORIZON,
    Shift,
    coming_shifts,
    next_shift,
    on_duty,
    on_duty_since,
    on_duty_until,
    parse_when,
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


def not_on_the_bot(person: Person) -> str | None:
    """Why Telegram cannot reach this person ("not_joined", "blocked", "inactive"), or None."""
    if not person.active:
        return "inactive"
    if person.chat_id is None:
        return "not_joined"
    if not person.reachable:
        return "blocked"
    return None


@dataclass(frozen=True, slots=True)
class AlertCover:
    """Who on duty now cannot be reached, and who gets the on-duty alerts meanwhile."""

    unreachable: list[tuple[Person, str]]  # the person, and why (see `not_on_the_bot`)
    instead: list[Person]  # reachable on duty; or, when `fallback`, the reachable leads
    fallback: bool  # nobody on duty can be reached: the lead and the admins get the alerts


async def rotation_gaps(conn: aiosqlite.Connection) -> tuple[int, list[tuple[Person, str]]]:
    """The rotation's size, and the people in it whom the bot cannot reach (and why)."""
    rotation = await DutyRepository(conn).rotation()
    if rotation is None:
        return 0, []
    people = {p.id: p for p in await PeopleRepository(conn).all()}
    gaps = []
    for person_id in dict.fromkeys(rotation.person_ids):
        person = people.get(person_id)
        why = not_on_the_bot(person) if person is not None else None
        if person is not None and why is not None:
            gaps.append((person, why))
    return len(set(rotation.person_ids)), gaps


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
        (a night shift from 20:00), `12 tiếng` twelve hours after it; `mai 07:30` is
        tomorrow's from today."""
        return parse_when(text, start, self.settings.tz, speaking=self.clock.now())

    def quick_start(self, text: str) -> datetime:
        """A quick choice's start («Bây giờ», «17:00 hôm nay» ...), refused once it is past:
        typed, a start may lie in the past (a shift already begun); a button never means it."""
        now = self.clock.now()  # one reading: «Bây giờ» read now is not past a moment later
        start = parse_when(text, now, self.settings.tz)
        if start < now:
            raise InvalidInput("duty_start_past", text=text)
        return start

    def check_period(self, start: datetime, end: datetime) -> None:
        if end <= start:
            raise InvalidInput("duty_end_before_start", start=start)
        if end <= self.clock.now():
            raise InvalidInput("duty_end_past")

    async def responders(self, *, with_shifts: bool = False) -> list[Person]:
        """Active responders by name; `with_shifts`: only those with a coming shift to swap."""
        people = await PeopleRepository(self.db.reader).all()
        found = sorted((p for p in people if p.active and p.has(Role.RESPONDER)),
                       key=lambda p: p.full_name)
        if with_shifts:
            found = [p for p in found if await self.upcoming_shifts(p.id)]
        return found

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
        """The person's coming shift with these times, as offered (a rotation shift or an
        override); else refused, audited."""
        person = await self.responder(admin_user_id, shift.person_id)
        found = next((s for s in await self.upcoming_shifts(person.id)
                      if s.start_at == shift.start_at and s.end_at == shift.end_at), None)
        if found is None:
            raise await self._refuse(
                admin_user_id, "duty_not_their_shift", f"{person.id}@{to_epoch(shift.start_at)}",
                name=person.full_name)
        return found

    async def _refuse(self, admin_user_id: int, key: str, subject: str,
                      **params: object) -> PermissionDenied:
        async with self.db.transaction() as conn:
            await AuditRepository(conn).add(to_epoch(self.clock.now()), admin_user_id,
                                            "duty.refused", subject, {"reason": key})
        return PermissionDenied(key, **params)

    async def upcoming_shifts(self, person_id: int, count: int = 6) -> list[Shift]:
        """The person's coming shifts, each once: their overrides, and their rotation shifts
        that nobody else already covers."""
        duty = DutyRepository(self.db.reader)
        now = self.clock.now()
        return coming_shifts(await duty.rotation(), await duty.overrides(now), person_id, now,
                             count)

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
        """A takes B's shift and B takes A's, in one transaction: a rotation shift is covered
        by a new override; an override changes hands (else both would be on duty)."""
        a = await self.shift(admin_user_id, a)
        b = await self.shift(admin_user_id, b)
        pa = await self.responder(admin_user_id, a.person_id)
        pb = await self.responder(admin_user_id, b.person_id, other_than=pa.id)
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            duty = DutyRepository(conn)
            await self._hand_over(duty, a, pa, pb, admin_user_id, now)
            await self._hand_over(duty, b, pb, pa, admin_user_id, now)
            await self._tell(conn, pa, b.start_at, b.end_at, now, gave=a, other=pb)
            await self._tell(conn, pb, a.start_at, a.end_at, now, gave=b, other=pa)
            await self._told_of_duty(conn, [pa, pb])
            await AuditRepository(conn).add(
                now, admin_user_id, "duty.swapped", f"{pa.id}<->{pb.id}",
                {"a_shift": to_epoch(a.start_at), "b_shift": to_epoch(b.start_at),
                 "a_override": a.override, "b_override": b.override})
        self.notifier.flush()
        return pa, pb

    async def _hand_over(self, duty: DutyRepository, shift: Shift, owner: Person, to: Person,
                         admin_user_id: int, now: int) -> None:
        if not shift.override:
            await duty.add_override(to.id, shift.start_at, shift.end_at, admin_user_id, now)
        elif not await duty.reassign_override(owner.id, shift.start_at, shift.end_at, to.id):
            # Removed since it was offered: the transaction rolls back, nothing changes.
            raise PermissionDenied("duty_not_their_shift", name=owner.full_name)

    async def _tell(self, conn: aiosqlite.Connection, person: Person, start: datetime,
                    end: datetime, now: int, *, gave: Shift | None = None,
                    other: Person | None = None) -> None:
        """The person hears of their new period; in a swap, also of the shift they gave away
        and to whom (else they would still count on it)."""
        if person.chat_id is None:
            return
        if gave is not None and other is not None:
            notice = Notice("duty_swapped", About(Topic.DUTY, person_id=person.id),
                            {"start": start, "end": end, "old_start": gave.start_at,
                             "old_end": gave.end_at, "other": other.full_name})
        else:
            notice = Notice("duty_assigned", About(Topic.DUTY, person_id=person.id),
                            {"start": start, "end": end})
        await self.notifier.send(conn, person, notice, now)

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

    async def alert_cover(self) -> AlertCover:
        """As the escalation engine resolves an `on_duty` step at this instant."""
        conn, now = self.db.reader, self.clock.now()
        people = [p for p in await PeopleRepository(conn).all() if p.active]
        reachable, shifts = await on_duty_people(conn, people, now)
        by_id = {p.id: p for p in people}
        unreachable: list[tuple[Person, str]] = []
        for shift in shifts:
            person = by_id.get(shift.person_id)
            why = not_on_the_bot(person) if person is not None else None
            if person is not None and why is not None and all(
                    person is not u for u, _ in unreachable):
                unreachable.append((person, why))
        if reachable or not unreachable:
            return AlertCover(unreachable, reachable, False)
        leads = [p for p in people if p.has(Role.RESPONDER) and p.lead
                 and not_on_the_bot(p) is None]
        return AlertCover(unreachable, leads, True)

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
