"""Management in chat (admins): agencies, recipient groups and people, each change previewed
and applied only when its admin confirms it, in one transaction with its audit row.

A preview is stored as a pending change (`pending_changes`, keyed by a random nonce that the
«Xác nhận» / «Hủy» buttons carry). Confirming claims the row once and re-checks everything
against the database: a replayed, forged, foreign or stale tap changes nothing.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.errors import InvalidInput
from bot.domain.models import Agency, AgencyKind, Group, Person, Rank, Role
from bot.domain.roster import on_duty
from bot.services.onboarding import mark_agencies_unreachable
from bot.services.ports import Notifier, Signal
from bot.storage.agencies import AgencyRepository, GroupRepository
from bot.storage.audit import AuditRepository
from bot.storage.changes import PendingChangeRepository
from bot.storage.db import Database
from bot.storage.duty import DutyRepository
from bot.storage.incidents import IncidentRepository
from bot.storage.invites import InviteRepository
from bot.storage.outbox import PERSON_INACTIVE, OutboxRepository
from bot.storage.people import PeopleRepository

# A preview older than this is not applied: what it showed may no longer be true.
PREVIEW_TTL = timedelta(minutes=30)
NAME_MAX = 200  # as the importer's
_CODE = re.compile(r"^[A-Z0-9_-]{1,32}$")  # as the importer's
# What a /person off preview warns of; one that arises before «Xác nhận» stops the change.
WARNINGS = ("sole_primary", "on_duty", "assigned")
# Names are shown escaped anyway; refusing tags keeps the roster free of what looks like code.
_MARKUP = re.compile(r"[<>]")


class Ambiguous(InvalidInput):
    """A name that fits several people: the admin picks one by code."""

    def __init__(self, query: str, candidates: list[Person]) -> None:
        super().__init__("mg_person_ambiguous", query=query)
        self.candidates = candidates


@dataclass(frozen=True)
class Preview:
    """What a confirmed change will do; `nonce` binds the buttons to it."""

    action: str
    nonce: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Done:
    action: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AgencyView:
    agency: Agency
    people: list[Person]  # liaisons first (primary, backup), then the others; inactive last
    groups: list[Group]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


# Who joined by a role invite has no code, only their Telegram name, which two people may
# share: "#<record id>" picks them out (and is what lists show for them).
_BY_ID = re.compile(r"^#(\d{1,9})$")


def handle(person: Person) -> str:
    """What an admin types to name this person in /person: their code, else #<record id>."""
    return person.code or f"#{person.id}"


def parse_code(raw: str, key: str = "mg_code_invalid") -> str:
    code = raw.strip().upper()
    if not _CODE.match(code):
        raise InvalidInput(key, code=raw[:40])
    return code


def parse_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput("mg_name_missing")
    if len(name) > NAME_MAX:
        raise InvalidInput("mg_name_too_long", limit=NAME_MAX, length=len(name))
    # Cf: zero-width and direction marks make look-alikes of other names or show one
    # backwards; Vietnamese names need none.
    if _MARKUP.search(name) or any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise InvalidInput("mg_name_markup")
    return name


def parse_kind(raw: str) -> AgencyKind | None:
    try:
        return AgencyKind(raw.strip().lower())
    except ValueError:
        return None


class ManagementService:
    def __init__(self, db: Database, clock: Clock, notifier: Notifier, schedule: Signal,
                 super_admins: frozenset[int] = frozenset(),
                 page_untaken: Callable[[], Awaitable[object]] | None = None) -> None:
        self.super_admins = super_admins
        # After a responder is deactivated: incidents nobody took yet go to the fallback at
        # once when nobody on duty is left (IncidentService.page_untaken).
        self.page_untaken = page_untaken
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.schedule = schedule

    # --- finding ---------------------------------------------------------------------------

    @staticmethod
    async def find_person(conn: aiosqlite.Connection, query: str) -> Person:
        """By code, else by a name that fits one person only (whole name first, then part)."""
        query = " ".join(query.split())
        if not query:
            raise InvalidInput("mg_person_missing")
        people = PeopleRepository(conn)
        by_id = _BY_ID.match(query)
        if by_id is not None:
            found = await people.find(int(by_id[1]))
            if found is None:
                raise InvalidInput("mg_person_not_found", query=query)
            return found
        if _CODE.match(query.upper()):
            found = await people.by_code(query)
            if found is not None:
                return found
        everyone = await people.all()
        wanted = _fold(query)
        for matches in ([p for p in everyone if _fold(p.full_name) == wanted],
                        [p for p in everyone if wanted in _fold(p.full_name)]):
            if len(matches) == 1:
                return matches[0]
            if matches:
                raise Ambiguous(query, sorted(matches, key=lambda p: (not p.active, p.id)))
        raise InvalidInput("mg_person_not_found", query=query[:80])

    async def agency(self, code: str) -> AgencyView:
        conn = self.db.reader
        agency = await AgencyRepository(conn).by_code(parse_code(code, "mg_agency_usage"))
        people = await PeopleRepository(conn).of_agency(agency.id)
        people.sort(key=lambda p: (not p.active, not p.has(Role.LIAISON),
                                   p.rank is not Rank.PRIMARY, p.full_name, p.id))
        groups = [g for g in await GroupRepository(conn).all() if agency.id in g.agency_ids]
        return AgencyView(agency, people, groups)

    async def groups(self) -> tuple[list[Group], dict[int, Agency]]:
        conn = self.db.reader
        return (await GroupRepository(conn).all(),
                {a.id: a for a in await AgencyRepository(conn).all()})

    # --- previews --------------------------------------------------------------------------

    async def _propose(self, admin_user_id: int, action: str, payload: dict[str, Any],
                       facts: dict[str, Any]) -> Preview:
        nonce = secrets.token_hex(6)
        async with self.db.transaction() as conn:
            await PendingChangeRepository(conn).add(
                nonce, admin_user_id, action, payload, to_epoch(self.clock.now()))
        return Preview(action, nonce, facts)

    async def preview_person_off(self, admin_user_id: int, query: str) -> Preview:
        conn = self.db.reader
        person = await self.find_person(conn, query)
        self._check_off(admin_user_id, person)
        facts = await self._person_facts(conn, person)
        return await self._propose(admin_user_id, "person_off", {
            "person_id": person.id, "warned": {k: bool(facts[k]) for k in WARNINGS}}, facts)

    def _check_off(self, admin_user_id: int, person: Person) -> None:
        if not person.active:
            raise InvalidInput("mg_person_already_off", name=person.full_name)
        if person.telegram_user_id == admin_user_id:
            raise InvalidInput("mg_person_self")
        # Named in the settings, they keep every command whatever their record says: an admin
        # they invited must not stop what reaches them (escalations, reminders).
        if person.telegram_user_id in self.super_admins:
            raise InvalidInput("mg_person_super_admin", name=person.full_name)

    async def _person_facts(self, conn: aiosqlite.Connection, person: Person) -> dict[str, Any]:
        now = self.clock.now()
        agency = (await AgencyRepository(conn).get(person.agency_id)
                  if person.agency_id is not None else None)
        others = [p for p in await PeopleRepository(conn).of_agency(agency.id)
                  if p.id != person.id and p.active and p.has(Role.LIAISON)
                  ] if agency is not None else []
        sole_primary = (person.has(Role.LIAISON) and person.rank is Rank.PRIMARY
                        and not any(p.rank is Rank.PRIMARY for p in others))
        duty = DutyRepository(conn)
        shifts = on_duty(await duty.rotation(), await duty.overrides(now), now)
        invites = await InviteRepository(conn).pending_for_person(person.id, to_epoch(now))
        queued = (await OutboxRepository(conn).queued_to(person.chat_id)
                  if person.chat_id is not None else 0)
        # Open incidents they hold: an admin reassigns them (their reminders go to the lead).
        assigned = [i.code for i in await IncidentRepository(conn).open()
                    if i.assignee_id == person.id]
        return {"person": person, "agency": agency, "sole_primary": sole_primary,
                "assigned": assigned,
                "backups": [p for p in others if p.rank is Rank.BACKUP] if sole_primary else [],
                "on_duty": any(s.person_id == person.id for s in shifts),
                "invites": len(invites), "queued": queued}

    async def preview_person_primary(self, admin_user_id: int, query: str) -> Preview:
        conn = self.db.reader
        person = await self.find_person(conn, query)
        agency = await self._check_primary(conn, person)
        former = [p for p in await PeopleRepository(conn).primaries(agency.id)
                  if p.id != person.id]
        return await self._propose(admin_user_id, "person_primary", {"person_id": person.id},
                                   {"person": person, "agency": agency, "former": former})

    @staticmethod
    async def _check_primary(conn: aiosqlite.Connection, person: Person) -> Agency:
        if not person.active:
            raise InvalidInput("mg_person_already_off", name=person.full_name)
        if not person.has(Role.LIAISON) or person.agency_id is None:
            raise InvalidInput("mg_person_not_liaison", name=person.full_name)
        if person.rank is Rank.PRIMARY:
            raise InvalidInput("mg_person_already_primary", name=person.full_name)
        return await AgencyRepository(conn).get(person.agency_id)

    @staticmethod
    async def _check_name_free(conn: aiosqlite.Connection, name: str,
                               agency_id: int | None = None) -> None:
        """Two agencies of one name look alike in /broadcast's picker, /status and the
        summary: a directive meant for one would go to the other."""
        wanted = _fold(name)
        for other in await AgencyRepository(conn).all():
            if other.id != agency_id and _fold(other.name) == wanted:
                raise InvalidInput("mg_agency_name_taken", name=other.name, code=other.code)

    async def preview_agency_add(self, admin_user_id: int, code: str, name: str,
                                 kind: AgencyKind) -> Preview:
        code, name = parse_code(code), parse_name(name)
        if await AgencyRepository(self.db.reader).find_by_code(code) is not None:
            raise InvalidInput("mg_agency_exists", code=code)
        await self._check_name_free(self.db.reader, name)
        return await self._propose(admin_user_id, "agency_add",
                                   {"code": code, "name": name, "kind": str(kind)},
                                   {"code": code, "name": name, "kind": kind})

    async def preview_agency_rename(self, admin_user_id: int, code: str, name: str) -> Preview:
        agency = await AgencyRepository(self.db.reader).by_code(parse_code(code))
        name = parse_name(name)
        if name == agency.name:
            raise InvalidInput("mg_agency_same_name", name=name)
        await self._check_name_free(self.db.reader, name, agency.id)
        return await self._propose(admin_user_id, "agency_rename",
                                   {"agency_id": agency.id, "name": name},
                                   {"agency": agency, "name": name})

    async def preview_agency_active(self, admin_user_id: int, code: str, active: bool) -> Preview:
        conn = self.db.reader
        agency = await AgencyRepository(conn).by_code(parse_code(code))
        if agency.active == active:
            raise InvalidInput("mg_agency_already_on" if active else "mg_agency_already_off",
                               agency=agency.name)
        now = to_epoch(self.clock.now())
        invites = [i for i in await InviteRepository(conn).pending(now)
                   if i.agency_id == agency.id]
        async with conn.execute(
            "SELECT count(*) FROM directives d JOIN directive_agencies da"
            " ON da.directive_id = d.id WHERE da.agency_id = ? AND d.status = 'active'"
            " AND NOT EXISTS (SELECT 1 FROM acknowledgements a WHERE a.directive_id = d.id"
            " AND a.agency_id = da.agency_id)", (agency.id,)) as cur:
            row = await cur.fetchone()
        waiting = int(row[0]) if row is not None else 0
        action = "agency_on" if active else "agency_off"
        return await self._propose(admin_user_id, action, {"agency_id": agency.id},
                                   {"agency": agency, "invites": len(invites),
                                    "waiting": waiting})

    async def preview_group(self, admin_user_id: int, group_code: str, agency_code: str,
                            add: bool) -> Preview:
        conn = self.db.reader
        group = await GroupRepository(conn).find_by_code(parse_code(group_code))
        if group is None:
            raise InvalidInput("mg_group_not_found", code=group_code[:40])
        agency = await AgencyRepository(conn).by_code(parse_code(agency_code))
        if (agency.id in group.agency_ids) == add:
            raise InvalidInput("mg_group_already_in" if add else "mg_group_not_in",
                               agency=agency.name, group=group.name)
        return await self._propose(
            admin_user_id, "group_add" if add else "group_remove",
            {"group_id": group.id, "agency_id": agency.id},
            {"group": group, "agency": agency, "count": len(group.agency_ids) + (1 if add else -1)})

    # --- confirming ------------------------------------------------------------------------

    async def _check_owner(self, admin_user_id: int, nonce: str) -> None:
        """Another admin's preview (its buttons forwarded or forged) is not theirs to decide."""
        change = await PendingChangeRepository(self.db.reader).get(nonce)
        if change is not None and change.admin_user_id != admin_user_id:
            async with self.db.transaction() as conn:
                await AuditRepository(conn).add(
                    to_epoch(self.clock.now()), admin_user_id, "manage.refused", change.action,
                    {"why": "not_owner", "owner": change.admin_user_id})
            raise InvalidInput("mg_stale")

    async def cancel(self, admin_user_id: int, nonce: str) -> None:
        """«Hủy»: the change will never be applied."""
        await self._check_owner(admin_user_id, nonce)
        async with self.db.transaction() as conn:
            await self._claim(conn, admin_user_id, nonce, "cancelled")

    async def _claim(self, conn: aiosqlite.Connection, admin_user_id: int, nonce: str,
                     outcome: str) -> dict[str, Any]:
        changes = PendingChangeRepository(conn)
        change = await changes.get(nonce)
        now = to_epoch(self.clock.now())
        if change is None or change.admin_user_id != admin_user_id:
            raise InvalidInput("mg_stale")
        if change.done_at is not None:
            raise InvalidInput("mg_done_already")
        if outcome == "applied" and now - change.created_at > PREVIEW_TTL.total_seconds():
            raise InvalidInput("mg_expired")
        if not await changes.close(nonce, outcome, now):
            raise InvalidInput("mg_done_already")
        return {"action": change.action, **change.payload}

    async def confirm(self, admin_user_id: int, nonce: str) -> Done:
        """«Xác nhận»: apply the pending change, re-checked, audited, once."""
        await self._check_owner(admin_user_id, nonce)
        now = to_epoch(self.clock.now())
        dropped: tuple[int, ...] = ()
        async with self.db.transaction() as conn:
            change = await self._claim(conn, admin_user_id, nonce, "applied")
            action = change["action"]
            audit = AuditRepository(conn)
            if action == "person_off":
                done, dropped = await self._person_off(conn, admin_user_id, change, now)
            elif action == "person_primary":
                done = await self._person_primary(conn, change, now)
            elif action in ("agency_add", "agency_rename", "agency_on", "agency_off"):
                done = await self._agency(conn, admin_user_id, change, now)
            else:
                done = await self._group(conn, change, now)
            await audit.add(now, admin_user_id, f"manage.{action}", done.facts.pop("subject"),
                            done.facts.pop("details"))
        self.notifier.flush(dropped)
        self.schedule()  # an agency may have lost its last liaison: escalate at once
        if action == "person_off" and self.page_untaken is not None:
            person = done.facts.get("person")
            if isinstance(person, Person) and person.has(Role.RESPONDER):
                await self.page_untaken()
        return done

    async def _person_off(self, conn: aiosqlite.Connection, admin_user_id: int,
                          change: dict[str, Any], now: int) -> tuple[Done, tuple[int, ...]]:
        people = PeopleRepository(conn)
        person = await people.get(change["person_id"])
        self._check_off(admin_user_id, person)
        facts = await self._person_facts(conn, person)
        # A warning the preview did not show (a shift began, the other primary left): the
        # admin sees it before anything is applied.
        warned = change.get("warned", {})
        if any(facts[k] and not warned.get(k, False) for k in WARNINGS):
            raise InvalidInput("mg_changed", name=person.full_name, command=handle(person))
        await people.update(person.id, {"active": False}, now)
        invites = InviteRepository(conn)
        revoked = [i.id for i in await invites.pending_for_person(person.id, now)
                   if await invites.revoke(i.id, admin_user_id, now)]
        dropped = (await OutboxRepository(conn).cancel_chat(person.chat_id, PERSON_INACTIVE, now)
                   if person.chat_id is not None else [])
        if person.agency_id is not None and person.has(Role.LIAISON):
            await mark_agencies_unreachable(conn, [person.agency_id], now)
        facts.update(subject=person.code or person.full_name, details={
            "person_id": person.id, "invites_revoked": len(revoked),
            "messages_dropped": len(dropped), "on_duty": facts["on_duty"],
            "sole_primary": facts["sole_primary"]}, revoked=len(revoked), dropped=len(dropped))
        return Done("person_off", facts), tuple(dropped)

    async def _person_primary(self, conn: aiosqlite.Connection, change: dict[str, Any],
                              now: int) -> Done:
        people = PeopleRepository(conn)
        person = await people.get(change["person_id"])
        agency = await self._check_primary(conn, person)
        # One primary per agency, as invites keep it: the former primary becomes a backup.
        former = [p for p in await people.primaries(agency.id) if p.id != person.id]
        for p in former:
            await people.update(p.id, {"rank": Rank.BACKUP}, now)
        await people.update(person.id, {"rank": Rank.PRIMARY}, now)
        return Done("person_primary", {
            "person": person, "agency": agency, "former": former,
            "subject": person.code or person.full_name,
            "details": {"person_id": person.id, "agency": agency.code,
                        "former": [p.id for p in former]}})

    async def _agency(self, conn: aiosqlite.Connection, admin_user_id: int,
                      change: dict[str, Any], now: int) -> Done:
        agencies, action = AgencyRepository(conn), change["action"]
        if action == "agency_add":
            if await agencies.find_by_code(change["code"]) is not None:
                raise InvalidInput("mg_agency_exists", code=change["code"])
            await self._check_name_free(conn, change["name"])
            await agencies.insert({"code": change["code"], "name": change["name"],
                                   "kind": change["kind"]}, now)
            agency = await agencies.by_code(change["code"])
            return Done(action, {"agency": agency, "subject": agency.code,
                                 "details": {"name": agency.name, "kind": str(agency.kind)}})
        agency = await agencies.get(change["agency_id"])
        fields = {"name": agency.name, "kind": agency.kind, "address": agency.address,
                  "email": agency.email, "phone": agency.phone, "active": agency.active}
        details: dict[str, Any] = {}
        revoked = 0
        if action == "agency_rename":
            await self._check_name_free(conn, change["name"], agency.id)
            details = {"from": agency.name, "to": change["name"]}
            fields["name"] = change["name"]
        else:
            active = action == "agency_on"
            if agency.active == active:
                raise InvalidInput("mg_agency_already_on" if active else "mg_agency_already_off",
                                   agency=agency.name)
            fields["active"] = active
            if not active:  # a link for a liaison of an agency that gets nothing is no use
                invites = InviteRepository(conn)
                for i in await invites.pending(now):
                    if i.agency_id == agency.id and await invites.revoke(i.id, admin_user_id, now):
                        revoked += 1
                details = {"invites_revoked": revoked}
        await agencies.update(agency.id, fields, now)
        return Done(action, {"agency": await agencies.get(agency.id), "before": agency,
                             "revoked": revoked, "subject": agency.code, "details": details})

    async def _group(self, conn: aiosqlite.Connection, change: dict[str, Any], now: int) -> Done:
        groups, action = GroupRepository(conn), change["action"]
        group = next((g for g in await groups.all() if g.id == change["group_id"]), None)
        agency = await AgencyRepository(conn).get(change["agency_id"])
        if group is None:
            raise InvalidInput("mg_stale")
        add = action == "group_add"
        if (agency.id in group.agency_ids) == add:
            raise InvalidInput("mg_group_already_in" if add else "mg_group_not_in",
                               agency=agency.name, group=group.name)
        members = group.agency_ids | {agency.id} if add else group.agency_ids - {agency.id}
        await groups.set_members(group.id, members)
        return Done(action, {"group": group, "agency": agency, "count": len(members),
                             "subject": f"{group.code}: {agency.code}",  # /audit names both
                             "details": {"agency": agency.code}})
