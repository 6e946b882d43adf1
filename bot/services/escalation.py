"""The escalation engine: one engine for every deadline, the database as the truth.

Each escalation row holds a frozen copy of its policy's steps, how many occurrences of each
step were handled, and the next due time. `run_due` decides (with the pure `decide`) what is
due, queues the notices through the notifier and records the progress in the same
transaction, so a notice is queued exactly when its step is recorded as done. Wake-ups only
call `run_due`; running it twice, or late, is harmless.

The engine knows no subject: each `SubjectKind` has an adapter (`Subject`) registered at
construction that says whether an escalation is still open, what the agency-side reminders
are and what the digest for responders, the lead and the admins says. Adding a kind is one
adapter and its registration (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

import aiosqlite

from bot.clock import Clock, from_epoch, to_epoch
from bot.domain.directives import Delivery
from bot.domain.escalation import (
    Fired,
    Step,
    SubjectKind,
    Target,
    decide,
    first_due,
    rounds,
    skip,
)
from bot.domain.models import Person, Role
from bot.domain.notices import About, Action, ClaimAll, ClaimOne, ClaimPage, Lateness, Notice
from bot.services.access import RefusalLog
from bot.services.duty import on_duty_people
from bot.services.ports import Notifier, Signal
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.escalations import DigestSnapshot, EscalationRepository, EscalationRow
from bot.storage.people import PeopleRepository
from config.settings import Settings

log = logging.getLogger(__name__)

RESPONDER_TARGETS = frozenset({Target.ON_DUTY, Target.RESPONDERS, Target.TEAM_LEAD})
# A notice later than this against its schedule (the bot was down) says so.
LATE_NOTE_AFTER = timedelta(seconds=30)
# A digest offers at most this many «Tôi sẽ liên hệ» buttons for single agencies at a time;
# more are reached with the next/previous page buttons (in the order the digest lists them).
CLAIMS_PER_PAGE = 8


@dataclass
class Item:
    """One escalation at one run: the step occurrences that fired for it."""

    row: EscalationRow
    fired: list[Fired] = field(default_factory=list)
    unreachable_now: bool = False
    done: tuple[int, ...] | None = None  # the step counters after this run (None: the row's)
    # Nobody could be reached from the start: a setup problem reported when the subject
    # started (see `page_no_liaison`), not an overdue agency.
    setup: bool = False

    @property
    def rounds(self) -> tuple[int, int]:
        """Which round of urging this is, of how many ("Đôn đốc (lần n/N)")."""
        return rounds(self.row.steps, self.row.done if self.done is None else self.done,
                      self.row.skipped)


class Briefing(Protocol):
    """What an adapter knows about one subject during one run (read once, used for all)."""

    @property
    def name(self) -> str:
        """The subject as the audit log names it."""
        ...

    @property
    def refs(self) -> dict[str, object]:
        """Its ids, for the audit log."""
        ...

    async def reminders(self, conn: aiosqlite.Connection, item: Item,
                        now: datetime) -> list[tuple[Person | Delivery, Notice]]:
        """The agency-side reminders of an item (a step named its agency's liaisons)."""
        ...

    def digest(self, items: list[Item], now: datetime, late: Lateness | None,
               nobody_on_duty: bool, unreachable_on_duty: tuple[str, ...] = ()) -> Notice:
        """The digest of these items for responders, the lead and the admins."""
        ...

    def label(self, row: EscalationRow) -> str:
        """An item as a claim names it (its agency)."""
        ...


@runtime_checkable
class OwnActions(Protocol):
    """A briefing whose notices carry buttons of its own instead of the engine's «Tôi sẽ liên
    hệ» claims (an incident's digest offers «Tiếp nhận»: nobody "calls" an incident).

    Optional: a `Briefing` that has `actions` is asked for every copy it sends or draws
    again; one that has not (the directives') gets the claim buttons on responders' copies.
    """

    def actions(self, items: list[Item], person: Person) -> tuple[Action, ...]:
        """The buttons of this person's copy of a notice listing `items`, as things are now
        (none once nothing is left to do)."""
        ...


@runtime_checkable
class Records(Protocol):
    """A briefing whose subject keeps its own timeline (an incident): each round of urging is
    written there, in the same transaction as its notices. The first notice is no round."""

    async def record(self, conn: aiosqlite.Connection, items: list[Item],
                     now: datetime) -> None:
        """A round fired for these items (each has `fired` steps) at `now`."""
        ...


@runtime_checkable
class Assigned(Protocol):
    """A briefing whose subject has an assignee, whom `Target.ASSIGNEE` reaches."""

    @property
    def assignee_id(self) -> int | None: ...


class Subject(Protocol):
    """The adapter of one subject kind."""

    @property
    def kind(self) -> SubjectKind: ...

    async def still_open(self, conn: aiosqlite.Connection, subject_id: int,
                         agency_ids: Collection[int | None]) -> set[int | None]:
        """Which of these agencies (None: the subject as a whole) are still awaited."""
        ...

    async def brief(self, conn: aiosqlite.Connection, subject_id: int,
                    rows: list[EscalationRow]) -> Briefing:
        ...


class EscalationService:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, notifier: Notifier,
        subjects: Iterable[Subject], schedule: Signal | None = None,
        refusals: RefusalLog | None = None,
    ) -> None:
        self.db = db
        self.refusals = refusals or RefusalLog(db, clock)
        self.clock = clock
        self.settings = settings
        self.notifier = notifier
        self.subjects = {s.kind: s for s in subjects}
        self.super_admins = frozenset(settings.admin_ids)
        # Told whenever the earliest due time may have moved (the scheduler re-arms).
        self.schedule = schedule or Signal()

    def on_schedule(self) -> None:
        """The earliest due time may have moved: the wake-up is armed again."""
        self.schedule()

    # --- hooks, called inside other services' transactions --------------------------------------

    async def start(self, conn: aiosqlite.Connection, kind: SubjectKind, subject_id: int,
                    agency_id: int | None, deadline: datetime, steps: tuple[Step, ...],
                    now: int, *, unreachable: bool = False,
                    skip_within: timedelta | None = None) -> None:
        """Freeze the steps of one escalation (once per subject and agency).

        `skip_within`: occurrences due at or before now plus this are skipped (recorded as
        such), not fired with what started the subject. `unreachable`: nobody of the agency
        can be reached from the start; the caller reports it (`page_no_liaison`), so the
        engine does not page it again as an agency lost on the way.
        """
        if kind not in self.subjects:
            raise ValueError(f"no adapter registered for {kind}")
        skipped: tuple[int, ...] = ()
        next_due = first_due(steps, deadline)
        if skip_within is not None:
            skipped = skip(steps, deadline, from_epoch(now) + skip_within)
            next_due = decide(steps, deadline, skipped, from_epoch(now)).next_due_at
        await EscalationRepository(conn).create(kind, subject_id, agency_id, deadline, steps,
                                                next_due, unreachable, now, skipped=skipped,
                                                unreachable_notified=unreachable)

    async def page_no_liaison(self, conn: aiosqlite.Connection, kind: SubjectKind,
                              subject_id: int, agency_ids: Collection[int], now: int) -> int:
        """Agencies nobody can be reached at from the start: one notice at once to the
        on-duty responders (the lead and the admins when nobody is on duty), with a claim
        button per agency. A setup problem, told as such: no round of urging is counted."""
        rows = [r for r in await EscalationRepository(conn).of_subject(kind, subject_id)
                if r.agency_id in agency_ids and r.status != "stopped"]
        items = [Item(r, unreachable_now=True, setup=True) for r in rows]
        return await self._notify(conn, kind, subject_id, items, from_epoch(now)) if items else 0

    async def announce(self, conn: aiosqlite.Connection, kind: SubjectKind, subject_id: int,
                       targets: Collection[Target], now: int) -> int:
        """The first notice of a subject, at once, to `targets` (on-duty responders, with the
        lead and the admins when nobody is on duty; admins ...): the adapter's digest of its
        running escalation marked `setup` (no round counted), every copy kept to be drawn
        again, as `page_no_liaison` does for a directive. Returns how many messages."""
        rows = [r for r in await EscalationRepository(conn).of_subject(kind, subject_id)
                if r.status != "stopped"]
        items = [Item(r, setup=True) for r in rows]
        if not items:
            return 0
        return await self._notify(conn, kind, subject_id, items, from_epoch(now),
                                  also=frozenset(targets))

    async def team_paged(self, conn: aiosqlite.Connection, now: datetime) -> list[Person]:
        """Who of the team an on-duty page reaches now: the responders on duty, or the lead
        when nobody is (the admins, who hear it too then, are not the team)."""
        people = [p for p in await PeopleRepository(conn).all() if p.active]
        on_duty, _ = await on_duty_people(conn, people, now)
        chosen = on_duty or self._people_for(Target.TEAM_LEAD, people, [])
        return [p for p in chosen if self.notifier.reachable(p)]

    async def stop(self, conn: aiosqlite.Connection, kind: SubjectKind, subject_id: int,
                   agency_id: int | None, reason: str, now: int, *,
                   finished_too: bool = False) -> None:
        await EscalationRepository(conn).stop(kind, subject_id, agency_id, reason, now,
                                              finished_too=finished_too)

    async def reschedule(self, conn: aiosqlite.Connection, kind: SubjectKind, subject_id: int,
                         deadline: datetime, now: int) -> None:
        """A new deadline: every agency's frozen steps run again from it."""
        await EscalationRepository(conn).reschedule(kind, subject_id, deadline, now)

    async def rearm(self, conn: aiosqlite.Connection, kind: SubjectKind, subject_id: int,
                    deadline: datetime, steps: tuple[Step, ...], now: int, *,
                    skip_within: timedelta | None = None) -> None:
        """The escalation of a subject as a whole (no agency) runs again, in place, with these
        steps from this deadline, whatever became of it (stopped, finished): a released
        incident, a new priority. Occurrences due by now plus `skip_within` are skipped. The
        row (and the digests that listed it) stays the same; its token moves, so a wake-up
        computed before is harmless. Started if it never was."""
        repo = EscalationRepository(conn)
        if not any(r.agency_id is None for r in await repo.of_subject(kind, subject_id)):
            await self.start(conn, kind, subject_id, None, deadline, steps, now,
                             skip_within=skip_within)
            return
        skipped = (skip(steps, deadline, from_epoch(now) + skip_within)
                   if skip_within is not None else (0,) * len(steps))
        next_due = decide(steps, deadline, skipped, from_epoch(now)).next_due_at
        await repo.rearm(kind, subject_id, deadline, steps, skipped, next_due, now)

    # --- the engine ---------------------------------------------------------------------------

    async def next_due_at(self) -> datetime | None:
        return await EscalationRepository(self.db.reader).next_due_at()

    async def run_due(self) -> int:
        """Fire whatever is due now; returns how many notices were queued."""
        now = self.clock.now()
        queued = 0
        async with self.db.transaction() as conn:
            repo = EscalationRepository(conn)
            by_subject: dict[tuple[SubjectKind, int], list[EscalationRow]] = {}
            for row in await repo.due(now):
                by_subject.setdefault((row.subject_kind, row.subject_id), []).append(row)
            for (kind, subject_id), rows in by_subject.items():
                subject = self.subjects.get(kind)
                if subject is None:
                    log.error("no adapter for escalations of kind %s", kind)
                    continue
                # Read once per subject: which of its due agencies are still awaited.
                open_ = await subject.still_open(conn, subject_id, {r.agency_id for r in rows})
                items = []
                for row in rows:
                    if row.agency_id not in open_:
                        await repo.stop(kind, subject_id, row.agency_id, "no longer pending",
                                        to_epoch(now))
                        continue
                    decision = decide(row.steps, row.deadline_at, row.done, now)
                    item = Item(row, list(decision.fire),
                                row.unreachable and not row.unreachable_notified,
                                decision.done)
                    if not await repo.advance(row, decision.done, decision.next_due_at,
                                              to_epoch(now), unreachable_notified=True
                                              if item.unreachable_now else None):
                        continue  # changed meanwhile: the next run sees the new state
                    if item.fired or item.unreachable_now:
                        items.append(item)
                if items:
                    sent = await self._notify(conn, kind, subject_id, items, now)
                    queued += sent
                    if log.isEnabledFor(logging.INFO):  # read again, for the operator's log
                        _log_fired(kind, await self.subjects[kind].brief(
                            conn, subject_id, [i.row for i in items]), items, sent)
        if queued:
            self.notifier.flush()
        self.on_schedule()
        return queued

    # --- notices ------------------------------------------------------------------------------

    async def _notify(self, conn: aiosqlite.Connection, kind: SubjectKind, subject_id: int,
                      items: list[Item], now: datetime,
                      also: frozenset[Target] = frozenset()) -> int:
        """`also`: targets told of every item besides what its steps say (`announce`)."""
        briefing = await self.subjects[kind].brief(conn, subject_id, [i.row for i in items])
        assignee = briefing.assignee_id if isinstance(briefing, Assigned) else None
        people = [p for p in await PeopleRepository(conn).all() if p.active]
        queued = 0
        # Agency-side reminders, each to its own recipients with their own actions.
        for item in items:
            if any(Target.AGENCY_LIAISONS in item.row.steps[f.step].targets for f in item.fired):
                for to, notice in await briefing.reminders(conn, item, now):
                    queued += await self.notifier.send(conn, to, notice, to_epoch(now))
        # Digests: one per recipient for this subject, listing every item they are told of.
        recipients: dict[int, tuple[Person, list[Item], bool]] = {}
        fallback_used = False
        digest_wanted = False  # a step named someone beyond the agency's own liaisons
        on_duty, shifts = await on_duty_people(conn, people, now)
        # On duty but not reachable through the bot (blocked it): named, so they are phoned.
        by_id = {p.id: p for p in people}
        unreachable_on_duty = tuple(by_id[s.person_id].full_name for s in shifts
                                    if s.person_id in by_id and by_id[s.person_id] not in on_duty)
        for item in items:
            targets: set[Target] = set()
            for f in item.fired:
                targets |= set(item.row.steps[f.step].targets) - {Target.AGENCY_LIAISONS}
            if item.unreachable_now:
                targets.add(Target.ON_DUTY)
            targets |= also
            if item.row.handled_by is not None:
                targets -= RESPONDER_TARGETS  # a responder took it: only admins hear more
            digest_wanted = digest_wanted or bool(targets)
            for target in targets:
                chosen = self._people_for(target, people, on_duty, assignee)
                if target is Target.ON_DUTY and not on_duty:
                    fallback_used = True
                for person in chosen:
                    _, listed, responder = recipients.setdefault(person.id, (person, [], False))
                    if item not in listed:
                        listed.append(item)
                    recipients[person.id] = (person, listed, responder or (
                        target in RESPONDER_TARGETS and person.has(Role.RESPONDER)))
        if not recipients:
            if digest_wanted:
                log.warning("escalation of %s %s reached nobody (no lead, no admin)",
                            kind, subject_id)
                await AuditRepository(conn).add(to_epoch(now), None, "escalation.nobody",
                                                briefing.name, briefing.refs)
            return queued
        all_items = [i for i in items if any(i in r[1] for r in recipients.values())]
        repo = EscalationRepository(conn)
        notice_id = await repo.add_notice(kind, subject_id, [i.row.id for i in all_items],
                                          "esc_digest", to_epoch(now))
        for person, listed, responder in recipients.values():
            if not self.notifier.reachable(person):
                continue
            named = unreachable_on_duty if fallback_used else ()
            notice = briefing.digest(listed, now, _lateness(listed), fallback_used, named)
            if isinstance(briefing, OwnActions):
                actions = briefing.actions(listed, person)
                responder = bool(actions)
            else:
                actions = self._claims(notice_id, listed, briefing) if responder else ()
            notice = dataclasses.replace(
                notice, about=dataclasses.replace(notice.about, person_id=person.id),
                actions=actions)
            # Every copy is kept, with what it listed, to be drawn again when that changes;
            # only a responder's has claim buttons (or the adapter's own).
            queued += await self.notifier.send(conn, person, notice, to_epoch(now),
                                               keep_as=notice_id)
            await repo.set_snapshot(notice_id, person.id, DigestSnapshot(
                now, listed[0].row.deadline_at, tuple(i.row.id for i in listed),
                {i.row.id: i.done if i.done is not None else i.row.done for i in listed},
                frozenset(i.row.id for i in listed if i.row.unreachable),
                _lateness(listed), fallback_used, named, buttons=responder,
                setup=all(i.setup for i in listed)))
        await AuditRepository(conn).add(
            to_epoch(now), None, "escalation.notice", briefing.name,
            {"kind": kind, **briefing.refs,
             "agencies": [i.row.agency_id for i in all_items],
             "steps": sorted({f.step for i in all_items for f in i.fired}),
             "recipients": len(recipients), "nobody_on_duty": fallback_used})
        if isinstance(briefing, Records) and any(i.fired for i in all_items):
            await briefing.record(conn, [i for i in all_items if i.fired], now)
        return queued

    @staticmethod
    def _claims(notice_id: int, items: list[Item], briefing: Briefing,
                page: int = 0) -> tuple[Action, ...]:
        """«Tôi sẽ liên hệ tất cả», then one button per item in the digest's order (by
        label), `CLAIMS_PER_PAGE` at a time with buttons to the other pages."""
        ordered = sorted(items, key=lambda i: (briefing.label(i.row), i.row.id))
        pages = max(1, -(-len(ordered) // CLAIMS_PER_PAGE))
        page = min(max(page, 0), pages - 1)
        shown = ordered[page * CLAIMS_PER_PAGE:(page + 1) * CLAIMS_PER_PAGE]
        actions: list[Action] = [ClaimAll(notice_id)]
        actions += [ClaimOne(notice_id, i.row.id, briefing.label(i.row)) for i in shown]
        if page > 0:
            actions.append(ClaimPage(notice_id, page - 1, later=False))
        if page < pages - 1:
            actions.append(ClaimPage(notice_id, page + 1, later=True))
        return tuple(actions)

    def _people_for(self, target: Target, people: list[Person],
                    on_duty: list[Person], assignee: int | None = None) -> list[Person]:
        if target is Target.ASSIGNEE:
            chosen = [p for p in people if p.id == assignee]
            if chosen or assignee is None:
                return chosen
            # The assignee was deactivated (left the team): their reminder is never dropped,
            # the lead hears it instead (the admins when there is no lead), to reassign.
            return (self._people_for(Target.TEAM_LEAD, people, [])
                    or self._people_for(Target.ADMINS, people, []))
        if target is Target.ON_DUTY:
            if on_duty:
                return on_duty
            # Nobody on duty: never dropped, the lead and the admins hear it instead.
            return self._people_for(Target.TEAM_LEAD, people, []) + self._people_for(
                Target.ADMINS, people, [])
        if target is Target.RESPONDERS:
            return [p for p in people if p.has(Role.RESPONDER)]
        if target is Target.TEAM_LEAD:
            return [p for p in people if p.has(Role.RESPONDER) and p.lead]
        if target is Target.ADMINS:
            return [p for p in people if p.has(Role.ADMIN)
                    or (p.telegram_user_id is not None and p.telegram_user_id in self.super_admins)]
        return []

    # --- digests that stay true -----------------------------------------------------------------

    async def refresh(self, conn: aiosqlite.Connection, kind: SubjectKind, subject_id: int,
                      now: int, *, touching: Collection[int | None] | None = None) -> None:
        """Something changed about a subject (an agency confirmed, the directive was recalled
        or extended, a responder took an agency): every kept copy of its digests (those
        listing one of the agencies `touching`, when given) is drawn again as it was sent,
        with the change marked; claim buttons stay only for agencies still to be called."""
        repo = EscalationRepository(conn)
        copies = await repo.kept_copies(kind, subject_id)
        if not copies or kind not in self.subjects:
            return
        rows = {r.id: r for r in await repo.of_subject(kind, subject_id)}
        if touching is not None:
            wanted = {i for i, r in rows.items() if r.agency_id in touching}
            copies = [c for c in copies if c.snapshot and wanted & set(c.snapshot.ids)]
            if not copies:
                return
        subject = self.subjects[kind]
        briefing = await subject.brief(conn, subject_id, list(rows.values()))
        open_ = await subject.still_open(conn, subject_id, {r.agency_id for r in rows.values()})
        people = PeopleRepository(conn)
        names = {pid: (await people.get(pid)).full_name
                 for pid in {r.handled_by for r in rows.values()} if pid is not None}
        own = briefing if isinstance(briefing, OwnActions) else None
        for copy in copies:
            snap = copy.snapshot
            assert snap is not None
            listed = [rows[i] for i in snap.ids if i in rows]
            if not listed:
                continue
            items = [Item(dataclasses.replace(r, deadline_at=snap.deadline,
                                              unreachable=r.id in snap.unreachable),
                          done=snap.done.get(r.id, r.done), setup=snap.setup) for r in listed]
            notice = briefing.digest(items, snap.at, snap.late, snap.nobody_on_duty,
                                     snap.unreachable_on_duty)
            # Still to be called: open, and chased against the same deadline (an extension
            # makes the digest's round moot: a new one comes if the new deadline passes).
            live = [r for r in listed if r.agency_id in open_ and r.status != "stopped"
                    and (snap.setup or r.deadline_at == snap.deadline)]
            handlers: dict[int, list[str]] = {}
            for r in live:
                if r.handled_by is not None:
                    handlers.setdefault(r.handled_by, []).append(briefing.label(r))
            untaken = [Item(r) for r in live if r.handled_by is None]
            if own is not None:
                actions = (own.actions(items, await people.get(copy.person_id))
                           if snap.buttons else ())
            else:
                actions = (self._claims(copy.notice_id, untaken, briefing)
                           if untaken and snap.buttons else ())
            notice = dataclasses.replace(
                notice, values={**notice.values, "handlers": [
                    (names[pid], labels) for pid, labels in handlers.items()]},
                actions=actions,
                about=dataclasses.replace(notice.about, person_id=copy.person_id))
            await self.notifier.edit_notice_copy(conn, copy.notice_id, copy.person_id, notice,
                                                 now)

    # --- «Tôi sẽ liên hệ» -----------------------------------------------------------------------

    async def claim(self, user_id: int, notice_id: int, escalation_id: int | None
                    ) -> tuple[str, list[str]]:
        """A responder takes on calling the agencies of a digest (all, or one)."""
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            person = await PeopleRepository(conn).by_telegram_id(user_id)
            repo = EscalationRepository(conn)
            notice = await repo.notice(notice_id)
            kept = (await repo.kept_copy(notice_id, person.id)
                    if notice is not None and person is not None else None)
            # Only those whose copy had the buttons (an admin's copy is kept, without them).
            if (person is None or not person.has(Role.RESPONDER)
                    or notice is None or kept is None
                    or (kept.snapshot is not None and not kept.snapshot.buttons)
                    or (escalation_id is not None and escalation_id not in notice[0])):
                await self.refusals.add(user_id, "escalation.claim_refused", f"escn:{notice_id}",
                                        conn=conn, per_subject=False)
                return "refused", []
            if not person.active:  # received it, but has left the team since
                await self.refusals.add(user_id, "escalation.claim_refused", f"escn:{notice_id}",
                                        {"why": "inactive"}, conn=conn, per_subject=False)
                return "ended", []
            listed = [r for r in [await repo.get(i) for i in notice[0]] if r is not None]
            if not listed:
                return "done", []
            kind, subject_id = listed[0].subject_kind, listed[0].subject_id
            if isinstance(await self.subjects[kind].brief(conn, subject_id, listed), OwnActions):
                # Its digests never offered a claim (an incident is taken, not called): forged.
                await self.refusals.add(user_id, "escalation.claim_refused", f"escn:{notice_id}",
                                        {"why": "no_claims"}, conn=conn, per_subject=False)
                return "refused", []
            # An agency that confirmed (or a subject closed) since the digest: nobody calls.
            open_ = await self.subjects[kind].still_open(conn, subject_id,
                                                         {r.agency_id for r in listed})
            open_ids = [r.id for r in listed if r.status != "stopped" and r.agency_id in open_
                        and (escalation_id is None or r.id == escalation_id)]
            if not open_ids:
                return "done", []
            snap = kept.snapshot
            if snap is not None and not snap.setup and any(
                    r.deadline_at != snap.deadline for r in listed if r.id in open_ids):
                return "extended", []  # the deadline moved since: this round is moot
            claimed = await repo.set_handled(open_ids, person.id, now)
            if not claimed:
                return "none", []
            rows = [r for r in [await repo.get(i) for i in notice[0]] if r is not None]
            briefing = await self.subjects[kind].brief(conn, subject_id, rows)
            names = [briefing.label(r) for r in rows if r.id in claimed]
            if snap is not None:
                # Every digest listing them (this one, and one sent earlier for an agency
                # nobody could reach) shows who takes them; their buttons go.
                await self.refresh(conn, kind, subject_id, now,
                                   touching={r.agency_id for r in rows if r.id in claimed})
            else:  # a copy kept before digests could be drawn again: its last part only
                await self._claim_lines(conn, notice_id, rows, briefing, now)
            await AuditRepository(conn).add(now, user_id, "escalation.claimed",
                                            f"escn:{notice_id}", {"escalations": claimed})
        self.notifier.flush()
        return "claimed", names

    async def claim_page(self, user_id: int, notice_id: int, page: int
                         ) -> tuple[str, tuple[Action, ...]]:
        """The claim buttons of one page of a digest, for a responder who received it:
        ("ok", actions), or ("refused" | "ended", ()) and nothing shown changes."""
        conn = self.db.reader
        person = await PeopleRepository(conn).by_telegram_id(user_id)
        repo = EscalationRepository(conn)
        notice = await repo.notice(notice_id)
        copies = await repo.notice_copies(notice_id) if notice is not None else []
        if (person is None or not person.has(Role.RESPONDER) or notice is None
                or person.id not in {c[0] for c in copies}):
            await self.refusals.add(user_id, "escalation.claim_refused", f"escn:{notice_id}",
                                    per_subject=False)
            return "refused", ()
        if not person.active:
            return "ended", ()
        rows = [r for r in [await repo.get(i) for i in notice[0]] if r is not None]
        open_items = [Item(r) for r in rows if r.handled_by is None and r.status != "stopped"]
        if not open_items:
            return "ok", ()
        briefing = await self.subjects[rows[0].subject_kind].brief(
            conn, rows[0].subject_id, rows)
        if isinstance(briefing, OwnActions):  # no claim buttons to page through: forged
            await self.refusals.add(user_id, "escalation.claim_refused", f"escn:{notice_id}",
                                    {"why": "no_claims"}, per_subject=False)
            return "refused", ()
        return "ok", self._claims(notice_id, open_items, briefing, page)

    async def _claim_lines(self, conn: aiosqlite.Connection, notice_id: int,
                           rows: list[EscalationRow], briefing: Briefing, now: int) -> None:
        """Every kept copy of the notice says who takes which agencies (under its text);
        buttons stay for those not yet taken."""
        handlers: dict[int, list[str]] = {}
        for r in rows:
            if r.handled_by is not None:
                handlers.setdefault(r.handled_by, []).append(briefing.label(r))
        people_repo = PeopleRepository(conn)
        named = [((await people_repo.get(pid)).full_name, labels)
                 for pid, labels in handlers.items()]
        open_items = [Item(r) for r in rows if r.handled_by is None and r.status != "stopped"]
        actions = self._claims(notice_id, open_items, briefing) if open_items else ()
        await self.notifier.edit_notice(conn, notice_id, Notice(
            "esc_claimed", About(rows[0].subject_kind, rows[0].subject_id),
            {"handlers": named}, actions), now)


def _lateness(items: list[Item]) -> Lateness | None:
    """How late the latest of these notices is, and how many missed ones it folds in."""
    late = [f for i in items for f in i.fired if f.late_by >= LATE_NOTE_AFTER or f.collapsed]
    if not late:
        return None
    worst = max(late, key=lambda f: f.late_by)
    return Lateness(worst.late_by, sum(f.collapsed for f in late))


_SUBJECT_LOG_NAMES = {"directive_ack": "directive {} (acknowledgement)",
                      "directive_result": "directive {} (result report)"}


def _log_fired(kind: SubjectKind, briefing: Briefing, items: list[Item], queued: int) -> None:
    """What the operator reads at INFO: which step fired for which subject and agencies."""
    subject = _SUBJECT_LOG_NAMES.get(str(kind), f"{kind} {{}}").format(briefing.name)
    nobody = [briefing.label(i.row) for i in items if i.unreachable_now]
    if nobody:
        log.info("escalation for %s: nobody on the bot for %s; sent to the on-duty responders",
                 subject, ", ".join(nobody))
    by_step: dict[int, list[Item]] = {}
    for item in items:
        for fired in item.fired:
            by_step.setdefault(fired.step, []).append(item)
    for index, fired_items in sorted(by_step.items()):
        steps = fired_items[0].row.steps
        targets = "+".join(str(t) for t in steps[index].targets)
        count = len(fired_items)
        log.info("escalation step fired for %s: step %d/%d (%s) for %d agenc%s (%s); "
                 "%d message%s queued", subject, index + 1, len(steps), targets, count,
                 "y" if count == 1 else "ies", ", ".join(briefing.label(i.row) for i in fired_items),
                 queued, "" if queued == 1 else "s")
