"""The escalation engine: one engine for every deadline, the database as the truth.

Each escalation row holds a frozen copy of its policy's steps, how many occurrences of each
step were handled, and the next due time. `run_due` decides (with the pure `decide`) what is
due, queues the notices through the outbox and records the progress in the same transaction,
so a notice is queued exactly when its step is recorded as done. Wake-ups only call
`run_due`; running it twice, or late, is harmless.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import aiosqlite
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import Clock, to_epoch
from bot.domain.directives import Directive, DirectiveStatus
from bot.domain.escalation import Fired, Target, decide, first_due
from bot.domain.models import Agency, Person, Role
from bot.domain.phones import display_phone
from bot.domain.roster import Shift, next_shift, on_duty
from bot.services.access import RefusalLog
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.storage.duty import DutyRepository
from bot.storage.escalations import EscalationRepository, EscalationRow
from bot.storage.outbox import OutboxRepository
from bot.storage.people import PeopleRepository
from bot.telegram import directive_view as view
from bot.telegram.render import TEXT_LIMIT, local_time, pack, tg_len
from bot.texts import Safe, join, label, t
from config.policy import PolicyFile
from config.settings import Settings

log = logging.getLogger(__name__)

ACK = "directive_ack"
REPORT = "directive_report"
RESPONDER_TARGETS = frozenset({Target.ON_DUTY, Target.RESPONDERS, Target.TEAM_LEAD})
MAX_AGENCY_BUTTONS = 8
# Room kept free in each digest part (UTF-16 units) for the "… sẽ liên hệ" lines of claims.
CLAIM_ROOM = 600
# A notice later than this against its schedule (the bot was down) says so.
LATE_NOTE_AFTER = timedelta(seconds=30)


def humanize(delta: timedelta) -> str:
    """`40 giây`, `5 phút`, `1 giờ 20 phút`, `2 ngày 3 giờ`."""
    if delta < timedelta(minutes=1):
        return f"{max(0, int(delta.total_seconds()))} giây"
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if mins or not parts:
        parts.append(f"{mins} phút")
    return " ".join(parts[:2])


def claim_lines(handlers: list[tuple[str, list[str]]], room: int) -> list[Safe]:
    """Who takes which agencies, within `room` UTF-16 units: long lists end "… và N đơn vị khác"."""

    def lines(names_shown: int, people_shown: int) -> list[Safe]:
        out = []
        for name, agencies in handlers[:people_shown]:
            listed = Safe(html.escape(", ".join(agencies[:names_shown]), quote=False))
            if len(agencies) > names_shown:
                listed = join([listed, t("esc_handled_more", count=len(agencies) - names_shown)], "")
            out.append(t("esc_handled_line", name=name, agencies=listed))
        if people_shown < len(handlers):
            out.append(t("esc_handled_others", count=len(handlers) - people_shown))
        return out

    longest = max((len(agencies) for _, agencies in handlers), default=0)
    tries = [(n, len(handlers)) for n in range(longest, 0, -1)]
    tries += [(1, p) for p in range(len(handlers) - 1, -1, -1)]
    for names_shown, people_shown in tries:
        candidate = lines(names_shown, people_shown)
        if sum(tg_len(line) for line in candidate) <= room:
            return candidate
    return []  # a copy with no room left keeps its text; its buttons still change


@dataclass
class _Item:
    """One escalation at one run: the step occurrences that fired for it."""

    row: EscalationRow
    fired: list[Fired] = field(default_factory=list)
    unreachable_now: bool = False


class EscalationService:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, policy: PolicyFile,
        wake_sender: Callable[[], None] = lambda: None, refusals: RefusalLog | None = None,
    ) -> None:
        self.db = db
        self.refusals = refusals or RefusalLog(db, clock)
        self.clock = clock
        self.settings = settings
        self.policy = policy
        self.wake_sender = wake_sender
        self.super_admins = frozenset(settings.admin_ids)
        # Told whenever the earliest due time may have moved (the scheduler re-arms).
        self.on_schedule: Callable[[], None] = lambda: None

    # --- hooks, called inside other services' transactions --------------------------------------

    async def start_for_directive(
        self, conn: aiosqlite.Connection, d: Directive, agency_ids: list[int],
        unreachable_ids: set[int], now: int,
    ) -> None:
        """Freeze the urgency's steps for every agency; one for the result report if due."""
        repo = EscalationRepository(conn)
        steps = self.policy.directives[d.urgency].snapshot()
        for agency_id in agency_ids:
            await repo.create(ACK, d.id, agency_id, d.ack_deadline_at, steps,
                              first_due(steps, d.ack_deadline_at), agency_id in unreachable_ids,
                              now)
            if d.report_deadline_at is not None:
                report_steps = self.policy.results.snapshot()
                await repo.create(REPORT, d.id, agency_id, d.report_deadline_at, report_steps,
                                  first_due(report_steps, d.report_deadline_at), False, now)

    async def stop(self, conn: aiosqlite.Connection, kind: str, subject_id: int,
                   agency_id: int | None, reason: str, now: int) -> None:
        await EscalationRepository(conn).stop(kind, subject_id, agency_id, reason, now)

    async def reschedule(self, conn: aiosqlite.Connection, subject_id: int, deadline: datetime,
                         now: int) -> None:
        """A new acknowledgement deadline: every agency's frozen steps run again from it."""
        await EscalationRepository(conn).reschedule(ACK, subject_id, deadline, now)

    # --- the engine ---------------------------------------------------------------------------

    async def next_due_at(self) -> datetime | None:
        return await EscalationRepository(self.db.reader).next_due_at()

    async def run_due(self) -> int:
        """Fire whatever is due now; returns how many messages were queued."""
        now = self.clock.now()
        queued = 0
        async with self.db.transaction() as conn:
            repo = EscalationRepository(conn)
            by_subject: dict[tuple[str, int], list[_Item]] = {}
            pending_cache: dict[tuple[str, int], set[int] | None] = {}
            for row in await repo.due(now):
                if not await self._still_pending(conn, row, pending_cache):
                    await repo.stop(row.subject_kind, row.subject_id, row.agency_id,
                                    "no longer pending", to_epoch(now))
                    continue
                decision = decide(row.steps, row.deadline_at, row.done, now)
                item = _Item(row, list(decision.fire),
                             row.unreachable and not row.unreachable_notified)
                if not await repo.advance(row, decision.done, decision.next_due_at,
                                          to_epoch(now), unreachable_notified=True
                                          if item.unreachable_now else None):
                    continue  # changed meanwhile: the next run sees the new state
                if item.fired or item.unreachable_now:
                    by_subject.setdefault((row.subject_kind, row.subject_id), []).append(item)
            for (kind, subject_id), items in by_subject.items():
                queued += await self._notify(conn, kind, subject_id, items, now)
        if queued:
            self.wake_sender()
        self.on_schedule()
        return queued

    async def _still_pending(self, conn: aiosqlite.Connection, row: EscalationRow,
                             cache: dict[tuple[str, int], set[int] | None]) -> bool:
        """Is the agency still awaited? (Per subject, read once per run.)"""
        key = (row.subject_kind, row.subject_id)
        if key not in cache:
            repo = DirectiveRepository(conn)
            d = await repo.get(row.subject_id)
            if d.status is not DirectiveStatus.ACTIVE:
                cache[key] = None
            elif row.subject_kind == ACK:
                cache[key] = set(await repo.acks(d.id))
            else:
                cache[key] = {r["agency_id"] for r in await repo.result_reports(d.id)}
        done = cache[key]
        return done is not None and row.agency_id not in done

    # --- notices ------------------------------------------------------------------------------

    async def _notify(self, conn: aiosqlite.Connection, kind: str, subject_id: int,
                      items: list[_Item], now: datetime) -> int:
        d = await DirectiveRepository(conn).get(subject_id)
        agencies = await AgencyRepository(conn).by_ids([i.row.agency_id for i in items])
        people = [p for p in await PeopleRepository(conn).all() if p.active]
        queued = 0
        # Agency-side reminders: to each liaison of the agency, with their own button.
        for item in items:
            if any(Target.AGENCY_LIAISONS in item.row.steps[f.step].targets for f in item.fired):
                queued += await self._remind(conn, kind, d, agencies[item.row.agency_id], now)
        # Digests: one message per recipient for this directive, listing every agency.
        recipients: dict[int, tuple[Person, list[_Item], bool]] = {}
        fallback_used = False
        digest_wanted = False  # a step named someone beyond the agency's own liaisons
        on_duty_people, shifts = await self._on_duty_people(conn, people, now)
        # On duty but not reachable through the bot (blocked it): named, so they are phoned.
        by_id = {p.id: p for p in people}
        unreachable_on_duty = [by_id[s.person_id].full_name for s in shifts
                               if s.person_id in by_id and by_id[s.person_id] not in on_duty_people]
        for item in items:
            targets: set[Target] = set()
            for f in item.fired:
                targets |= set(item.row.steps[f.step].targets) - {Target.AGENCY_LIAISONS}
            if item.unreachable_now:
                targets.add(Target.ON_DUTY)
            if item.row.handled_by is not None:
                targets -= RESPONDER_TARGETS  # a responder took it: only admins hear more
            digest_wanted = digest_wanted or bool(targets)
            for target in targets:
                chosen = self._people_for(target, people, on_duty_people)
                if target is Target.ON_DUTY and not on_duty_people:
                    fallback_used = True
                for person in chosen:
                    _, listed, responder = recipients.setdefault(person.id, (person, [], False))
                    if item not in listed:
                        listed.append(item)
                    recipients[person.id] = (person, listed, responder or (
                        target in RESPONDER_TARGETS and person.has(Role.RESPONDER)))
        if not recipients:
            if digest_wanted:
                log.warning("escalation of directive %s reached nobody (no lead, no admin)", d.id)
                await AuditRepository(conn).add(to_epoch(now), None, "escalation.nobody",
                                                d.number, {"directive_id": d.id})
            return queued
        all_items = [i for i in items if any(i in r[1] for r in recipients.values())]
        fallback = (None if not fallback_used
                    else t("esc_on_duty_unreachable", names=", ".join(unreachable_on_duty))
                    if unreachable_on_duty else t("esc_nobody_on_duty"))
        text = self._digest_text(kind, d, all_items, agencies, people, now, fallback)
        repo = EscalationRepository(conn)
        notice_id = await repo.add_notice(kind, d.id, [i.row.id for i in all_items], text,
                                          to_epoch(now))
        outbox = OutboxRepository(conn)
        for person, listed, responder in recipients.values():
            if person.chat_id is None or not person.reachable:
                continue
            own = self._digest_text(kind, d, listed, agencies, people, now, fallback)
            markup = self._claim_buttons(notice_id, listed, agencies) if responder else None
            parts = pack([Safe(line) for line in own.split("\n")], TEXT_LIMIT - CLAIM_ROOM)
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                op_id = await outbox.enqueue(person.chat_id, "send_message", {
                    "escalation_notice": notice_id, "directive_id": d.id, "text": part,
                    "reply_markup": view.markup_dict(markup) if last else None},
                    to_epoch(now))
                queued += 1
                if last and responder:
                    await repo.add_notice_copy(notice_id, person.id, person.chat_id, op_id, part)
        await AuditRepository(conn).add(
            to_epoch(now), None, "escalation.notice", d.number,
            {"kind": kind, "directive_id": d.id, "agencies": [i.row.agency_id for i in all_items],
             "steps": sorted({f.step for i in all_items for f in i.fired}),
             "recipients": len(recipients), "nobody_on_duty": fallback_used})
        return queued

    async def _remind(self, conn: aiosqlite.Connection, kind: str, d: Directive,
                      agency: Agency, now: datetime) -> int:
        deadline = d.ack_deadline_at if kind == ACK else d.report_deadline_at
        assert deadline is not None
        when = (t("esc_before", left=humanize(deadline - now)) if now < deadline
                else t("esc_overdue", late=humanize(now - deadline)))
        key = "esc_reminder" if kind == ACK else "esc_reminder_report"
        text = t(key, agency=agency.name, urgency=view.urgency_header(d), number=d.number,
                 summary=d.summary, deadline=local_time(deadline, self.settings.tz), when=when)
        outbox, queued = OutboxRepository(conn), 0
        # Only chats of people who are still the agency's liaisons (not those who left or
        # moved) and not known to have blocked the bot (a send would only fail again).
        current = {p.id for p in await PeopleRepository(conn).of_agency(agency.id)
                   if p.active and p.reachable and p.has(Role.LIAISON)}
        for dl in await DirectiveRepository(conn).deliveries(d.id, agency.id):
            if dl.status not in ("sent", "queued") or dl.person_id not in current:
                continue
            markup = view.buttons(d, dl.id, acked=kind != ACK)
            await outbox.enqueue(dl.chat_id, "send_message", {
                "directive_id": d.id, "reminder_for": agency.id, "text": text,
                "reply_markup": view.markup_dict(markup), "reply_to": dl.message_id},
                to_epoch(now))
            queued += 1
        return queued

    def _digest_text(self, kind: str, d: Directive, items: list[_Item],
                     agencies: dict[int, Agency], people: list[Person], now: datetime,
                     fallback: Safe | None) -> str:
        deadline = d.ack_deadline_at if kind == ACK else d.report_deadline_at
        assert deadline is not None
        head_key = "esc_digest_head" if kind == ACK else "esc_digest_head_report"
        lines = [t(head_key, urgency=view.urgency_header(d), number=d.number, summary=d.summary,
                   deadline=local_time(deadline, self.settings.tz), count=len(items))]
        for item in sorted(items, key=lambda i: agencies[i.row.agency_id].name):
            agency = agencies[item.row.agency_id]
            if item.row.unreachable:
                state = t("esc_state_unreachable")
            elif now >= deadline:
                state = t("esc_state_overdue", late=humanize(now - deadline))
            else:
                state = t("esc_state_before", left=humanize(deadline - now))
            liaisons = [p for p in people if p.agency_id == agency.id and p.has(Role.LIAISON)]
            liaisons.sort(key=lambda p: (p.rank != "primary", p.id))
            if liaisons:
                contacts = t("esc_contacts", people=", ".join(
                    f"{p.full_name} {display_phone(p.phone) or '—'}" for p in liaisons[:3]))
            else:
                phone = t("esc_agency_phone", phone=display_phone(agency.phone)) if agency.phone else ""
                contacts = t("esc_no_contact", phone=phone)
            lines.append(t("esc_digest_line", agency=agency.name, state=state, contacts=contacts))
        late = [f for i in items for f in i.fired
                if f.late_by >= LATE_NOTE_AFTER or f.collapsed]
        if late:
            worst = max(late, key=lambda f: f.late_by)
            collapsed = sum(f.collapsed for f in late)
            lines.append(t("esc_late_note", late=humanize(worst.late_by), collapsed=collapsed)
                         if collapsed else t("esc_late_note_plain", late=humanize(worst.late_by)))
        if fallback is not None:
            lines.append(fallback)
        return join(lines)

    def _claim_buttons(self, notice_id: int, items: list[_Item],
                       agencies: dict[int, Agency]) -> InlineKeyboardMarkup:
        rows = [[InlineKeyboardButton(t("esc_button_all"), callback_data=f"escn:{notice_id}")]]
        for item in items[:MAX_AGENCY_BUTTONS]:
            name = agencies[item.row.agency_id].name[:40]
            rows.append([InlineKeyboardButton(label("esc_button_one", agency=name),
                                              callback_data=f"esc:{notice_id}:{item.row.id}")])
        return InlineKeyboardMarkup(rows)

    # --- who ----------------------------------------------------------------------------------

    async def _on_duty_people(self, conn: aiosqlite.Connection, people: list[Person],
                              now: datetime) -> tuple[list[Person], list[Shift]]:
        duty = DutyRepository(conn)
        shifts = on_duty(await duty.rotation(), await duty.overrides(now), now)
        # Someone on duty whom Telegram cannot reach does not count: the fallback takes over.
        by_id = {p.id: p for p in people if p.chat_id is not None and p.reachable}
        return [by_id[s.person_id] for s in shifts if s.person_id in by_id], shifts

    def _people_for(self, target: Target, people: list[Person],
                    on_duty_people: list[Person]) -> list[Person]:
        if target is Target.ON_DUTY:
            if on_duty_people:
                return on_duty_people
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

    # --- «Tôi sẽ liên hệ» -----------------------------------------------------------------------

    async def claim(self, user_id: int, notice_id: int, escalation_id: int | None
                    ) -> tuple[str, list[str]]:
        """A responder takes on calling the agencies of a digest (all, or one)."""
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            person = await PeopleRepository(conn).by_telegram_id(user_id)
            repo = EscalationRepository(conn)
            notice = await repo.notice(notice_id)
            copies = await repo.notice_copies(notice_id) if notice is not None else []
            if (person is None or not person.has(Role.RESPONDER)
                    or notice is None or person.id not in {c[0] for c in copies}
                    or (escalation_id is not None and escalation_id not in notice[0])):
                await self.refusals.add(user_id, "escalation.claim_refused", f"escn:{notice_id}",
                                        conn=conn, per_subject=False)
                return "refused", []
            if not person.active:  # received it, but has left the team since
                await self.refusals.add(user_id, "escalation.claim_refused", f"escn:{notice_id}",
                                        {"why": "inactive"}, conn=conn, per_subject=False)
                return "ended", []
            rows = [r for r in [await repo.get(i) for i in notice[0]] if r is not None]
            wanted = [r for r in rows if escalation_id is None or r.id == escalation_id]
            # An agency that confirmed (or a directive recalled) since the digest: nobody calls.
            open_ids = [r.id for r in wanted if r.status != "stopped"]
            if not open_ids:
                return "done", []
            claimed = await repo.set_handled(open_ids, person.id, now)
            if not claimed:
                return "none", []
            rows = [r for r in [await repo.get(i) for i in notice[0]] if r is not None]
            agencies = await AgencyRepository(conn).by_ids([r.agency_id for r in rows])
            names = [agencies[r.agency_id].name for r in rows if r.id in claimed]
            # Every copy shows who takes which agencies; buttons stay for those not yet taken.
            handlers: dict[int, list[str]] = {}
            for r in rows:
                if r.handled_by is not None:
                    handlers.setdefault(r.handled_by, []).append(agencies[r.agency_id].name)
            people_repo = PeopleRepository(conn)
            named = [((await people_repo.get(pid)).full_name, agency_names)
                     for pid, agency_names in handlers.items()]
            open_items = [_Item(r) for r in rows if r.handled_by is None and r.status != "stopped"]
            markup = (view.markup_dict(self._claim_buttons(notice_id, open_items, agencies))
                      if open_items else None)
            outbox = OutboxRepository(conn)
            for _, chat_id, outbox_id, copy_text in copies:
                lines = claim_lines(named, TEXT_LIMIT - tg_len(copy_text))
                await outbox.enqueue(chat_id, "edit_message_text", {
                    "text": join([Safe(copy_text), *lines], ""), "target_op": outbox_id,
                    "reply_markup": markup}, now, edit_key=f"escn:{notice_id}:{chat_id}")
            await AuditRepository(conn).add(now, user_id, "escalation.claimed",
                                            f"escn:{notice_id}", {"escalations": claimed})
        self.wake_sender()
        return "claimed", names

    # --- duty ---------------------------------------------------------------------------------

    async def duty_view(self) -> tuple[list[tuple[Shift, Person]], tuple[Shift, Person] | None]:
        conn, now = self.db.reader, self.clock.now()
        duty = DutyRepository(conn)
        rotation, overrides = await duty.rotation(), await duty.overrides(now)
        people = {p.id: p for p in await PeopleRepository(conn).all() if p.active}
        current = [(s, people[s.person_id]) for s in on_duty(rotation, overrides, now)
                   if s.person_id in people]
        upcoming = next_shift(rotation, overrides, now)
        nxt = (upcoming, people[upcoming.person_id]) if upcoming and upcoming.person_id in people else None
        return current, nxt

    async def shift_start_notices(self) -> int:
        """Tell whoever is on duty now that their shift started (once per shift)."""
        now = self.clock.now()
        sent = 0
        async with self.db.transaction() as conn:
            people = [p for p in await PeopleRepository(conn).all() if p.active]
            on_duty_people, shifts = await self._on_duty_people(conn, people, now)
            duty, outbox = DutyRepository(conn), OutboxRepository(conn)
            for shift in shifts:
                person = next((p for p in on_duty_people if p.id == shift.person_id), None)
                if person is None or person.chat_id is None:
                    continue
                if await duty.mark_shift_notice(shift.start_at, person.id):
                    await outbox.enqueue(person.chat_id, "send_message", {"text": t(
                        "duty_shift_start", start=local_time(shift.start_at, self.settings.tz),
                        end=local_time(shift.end_at, self.settings.tz))}, to_epoch(now))
                    sent += 1
        if sent:
            self.wake_sender()
        return sent
