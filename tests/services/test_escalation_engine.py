"""The escalation engine takes any subject: a toy kind, defined here, is driven through due
steps, repeats, a restart and a stop, with nothing in the engine knowing about it."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.clock import FakeClock, to_epoch
from bot.domain.directives import Delivery, Directive
from bot.domain.escalation import Step, SubjectKind, Target
from bot.domain.models import Person, Role
from bot.domain.notices import About, Account, ClaimAll, ClaimOne, Kind, Lateness, Notice
from bot.services.escalation import EscalationService, Item
from bot.storage.db import Database
from bot.storage.escalations import EscalationRepository, EscalationRow
from bot.storage.people import PeopleRepository
from config.settings import Settings

# The toy rides on a kind the database allows but nothing in the bot handles yet.
TOY = SubjectKind.INCIDENT_UNTAKEN
M = timedelta(minutes=1)
STEPS = (
    Step(-10 * M, (Target.AGENCY_LIAISONS,)),                 # remind the toy's owner
    Step(0 * M, (Target.RESPONDERS,), repeat_every=5 * M, max_repeats=2),
    Step(20 * M, (Target.ADMINS,)),
)


@dataclass
class Sent:
    to: int  # person id
    notice: Notice
    keep_as: int | None


@dataclass
class RecordingNotifier:
    """A channel that only records what it was asked to queue."""

    sent: list[Sent] = field(default_factory=list)
    flushes: int = 0

    def reachable(self, person: Person) -> bool:
        return person.chat_id is not None and person.reachable

    async def send(self, conn: aiosqlite.Connection, to: Person | Account | Delivery,
                   notice: Notice, now: int, *, keep_as: int | None = None) -> int:
        assert isinstance(to, Person)
        self.sent.append(Sent(to.id, notice, keep_as))
        return 1

    async def send_copy(self, conn: aiosqlite.Connection, copy: Delivery, notice: Notice,
                        now: int) -> None:
        raise AssertionError("the toy has no copies")

    async def edit_copy(self, conn: aiosqlite.Connection, copy: Delivery, notice: Notice,
                        now: int, *, landed: int | None = None) -> None:
        raise AssertionError("the toy has no copies")

    async def edit_status(self, conn: aiosqlite.Connection, directive: Directive,
                          notice: Notice, now: int) -> bool:
        raise AssertionError("the toy has no status message")

    async def edit_notice(self, conn: aiosqlite.Connection, notice_id: int, notice: Notice,
                          now: int) -> None:
        raise AssertionError("nobody claims in this test")

    async def edit_notice_copy(self, conn: aiosqlite.Connection, notice_id: int,
                               person_id: int, notice: Notice, now: int) -> None:
        raise AssertionError("the toy's digests are not kept")

    async def edit_reminders(self, conn: aiosqlite.Connection, copy: Delivery,
                             kinds: Collection[Kind], notice: Notice, now: int) -> None:
        raise AssertionError("the toy has no copies")

    async def cancel(self, conn: aiosqlite.Connection, kinds: Collection[Kind],
                     subject_id: int, reason: str, now: int, *,
                     agency_id: int | None = None) -> tuple[int, ...]:
        return ()

    def flush(self, cancelled: tuple[int, ...] = ()) -> None:
        self.flushes += 1


@dataclass
class Toy:
    """The adapter: a toy is open while its id is in `open_ids`; its owner is reminded, the
    digest counts the toys and says how late it is."""

    open_ids: set[int]
    owner: Person
    kind: SubjectKind = TOY

    async def still_open(self, conn: aiosqlite.Connection, subject_id: int,
                         agency_ids: Collection[int | None]) -> set[int | None]:
        return set(agency_ids) if subject_id in self.open_ids else set()

    async def brief(self, conn: aiosqlite.Connection, subject_id: int,
                    rows: list[EscalationRow]) -> ToyBriefing:
        return ToyBriefing(subject_id, self.owner)


@dataclass
class ToyBriefing:
    toy_id: int
    owner: Person

    @property
    def name(self) -> str:
        return f"toy-{self.toy_id}"

    @property
    def refs(self) -> dict[str, object]:
        return {"toy_id": self.toy_id}

    async def reminders(self, conn: aiosqlite.Connection, item: Item,
                        now: datetime) -> list[tuple[Person | Delivery, Notice]]:
        return [(self.owner, Notice("toy_reminder", About(TOY, self.toy_id),
                                    {"deadline": item.row.deadline_at}))]

    def digest(self, items: list[Item], now: datetime, late: Lateness | None,
               nobody_on_duty: bool, unreachable_on_duty: tuple[str, ...] = ()) -> Notice:
        return Notice("toy_digest", About(TOY, self.toy_id), {"late": late})

    def label(self, row: EscalationRow) -> str:
        return f"toy {row.subject_id}"


async def person(db: Database, name: str, user_id: int, roles: set[Role]) -> Person:
    async with db.transaction() as conn:
        repo = PeopleRepository(conn)
        person_id = await repo.insert({"full_name": name, "telegram_user_id": user_id,
                                       "chat_id": user_id, "activated": True, "roles": roles},
                                      0)
        return await repo.get(person_id)


def engine(db: Database, clock: FakeClock, toy: Toy, notifier: RecordingNotifier
           ) -> EscalationService:
    return EscalationService(db, clock, Settings(), notifier, [toy])


def told(notifier: RecordingNotifier) -> list[tuple[int, str, int | None]]:
    """(person, notice key, toy) of everything queued since the last look."""
    out = [(s.to, s.notice.key, s.notice.about.id) for s in notifier.sent]
    notifier.sent.clear()
    return out


async def rows(db: Database) -> dict[int, EscalationRow]:
    repo = EscalationRepository(db.reader)
    return {toy_id: row for toy_id in (1, 2) for row in await repo.of_subject(TOY, toy_id)}


async def test_a_toy_kind_is_driven_through_steps_repeats_a_restart_and_a_stop(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "data" / "toy.db"
    db = Database(path, clock)
    await db.open()
    owner = await person(db, "Chủ", 11, set())
    responder = await person(db, "Trực", 12, {Role.RESPONDER})
    admin = await person(db, "Quản trị", 13, {Role.ADMIN})
    toy = Toy({1, 2}, owner)
    notifier = RecordingNotifier()
    first = engine(db, clock, toy, notifier)
    t0 = clock.now()
    deadline = t0 + 30 * M

    # Started once per subject (no agency): a second start changes nothing.
    async with db.transaction() as conn:
        for toy_id in (1, 2, 1):
            await first.start(conn, TOY, toy_id, None, deadline, STEPS, to_epoch(t0))
    assert {k: (r.agency_id, r.status) for k, r in (await rows(db)).items()} == {
        1: (None, "active"), 2: (None, "active")}
    assert await first.next_due_at() == deadline - 10 * M
    assert await first.run_due() == 0 and told(notifier) == []  # nothing due yet

    # The first step: the owner of each toy is reminded.
    clock.set(deadline - 10 * M)
    assert await first.run_due() == 2
    assert told(notifier) == [(owner.id, "toy_reminder", 1), (owner.id, "toy_reminder", 2)]
    assert await first.next_due_at() == deadline
    assert first.notifier is notifier and notifier.flushes == 1

    # At the deadline: one digest per toy to the responders, with claim buttons, kept.
    clock.set(deadline)
    assert await first.run_due() == 2
    digests = list(notifier.sent)
    assert told(notifier) == [(responder.id, "toy_digest", 1), (responder.id, "toy_digest", 2)]
    assert all(s.notice.values["late"] is None for s in digests)
    escalation_id = (await rows(db))[1].id
    assert digests[0].notice.actions == (ClaimAll(digests[0].keep_as or 0),
                                         ClaimOne(digests[0].keep_as or 0, escalation_id,
                                                  "toy 1"))
    assert digests[0].notice.about.person_id == responder.id
    async with db.reader.execute(
            "SELECT subject_kind, subject_id, escalation_ids FROM escalation_notices"
            " ORDER BY id") as cur:
        notices = [(r[0], r[1], json.loads(r[2])) for r in await cur.fetchall()]
    assert notices == [("incident_untaken", 1, [escalation_id]),
                       ("incident_untaken", 2, [(await rows(db))[2].id])]
    assert await first.next_due_at() == deadline + 5 * M

    # A restart: a new engine (and a new adapter) on the same database. Both repeats fell
    # due while it was down: they are one notice, saying how late it is.
    await db.close()
    db = Database(path, clock)
    await db.open()
    toy = Toy({1, 2}, owner)
    notifier = RecordingNotifier()
    second = engine(db, clock, toy, notifier)
    clock.set(deadline + 11 * M)
    assert await second.run_due() == 2
    repeats = list(notifier.sent)
    assert told(notifier) == [(responder.id, "toy_digest", 1), (responder.id, "toy_digest", 2)]
    assert [s.notice.values["late"] for s in repeats] == [Lateness(M, 1)] * 2
    assert {k: r.done for k, r in (await rows(db)).items()} == {1: (1, 3, 0), 2: (1, 3, 0)}
    assert await second.run_due() == 0  # running again is harmless

    # A stop: toy 2 closes. At the last step only toy 1 goes on, to the admins; toy 2 is
    # stopped without a word.
    toy.open_ids.discard(2)
    clock.set(deadline + 20 * M)
    assert await second.run_due() == 1
    assert told(notifier) == [(admin.id, "toy_digest", 1)]
    after = await rows(db)
    assert (after[1].status, after[1].next_due_at, after[1].done) == ("finished", None, (1, 3, 1))
    assert (after[2].status, after[2].next_due_at) == ("stopped", None)
    async with db.reader.execute(
            "SELECT stop_reason FROM escalations WHERE subject_id = 2") as cur:
        assert [r[0] for r in await cur.fetchall()] == ["no longer pending"]
    assert await second.next_due_at() is None
    clock.set(deadline + 60 * M)
    assert await second.run_due() == 0 and told(notifier) == []
    await db.close()


async def test_a_kind_without_an_adapter_is_refused(db: Database, clock: FakeClock) -> None:
    owner = await person(db, "Chủ", 11, set())
    plain = EscalationService(db, clock, Settings(), RecordingNotifier(), [Toy(set(), owner)])
    async with db.transaction() as conn:
        with pytest.raises(ValueError, match="no adapter"):
            await plain.start(conn, SubjectKind.INCIDENT_NO_PROGRESS, 1, None, clock.now(),
                              STEPS, to_epoch(clock.now()))
