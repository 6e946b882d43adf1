"""Invites, joining through them, and keeping each person's chat state true."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.audience import reaches_agency
from bot.domain.errors import EntityDoesNotExist, InvalidInput, InviteRejected, SecondHolder
from bot.domain.escalation import SubjectKind
from bot.domain.invites import InviteSpec, hash_token, looks_like_token, new_token
from bot.domain.models import Agency, Invite, InviteState, Person, Rank, Role
from bot.domain.phones import normalise_phone
from bot.services.access import RefusalLog
from bot.services.ports import Signal
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.escalations import EscalationRepository
from bot.storage.invites import InviteRepository
from bot.storage.people import PeopleRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TelegramIdentity:
    user_id: int
    chat_id: int
    full_name: str


@dataclass(frozen=True, slots=True)
class CreatedInvite:
    token: str
    invite: Invite
    agency: Agency | None
    person: Person | None


@dataclass(frozen=True, slots=True)
class InviteView:
    invite: Invite
    agency: Agency | None
    person: Person | None


@dataclass(frozen=True, slots=True)
class Joined:
    person: Person
    invite: Invite
    agency: Agency | None


class LateDelivery(Protocol):
    """Sends a liaison who just became reachable what was broadcast before (BroadcastService)."""

    async def catch_up(self, conn: aiosqlite.Connection, person: Person, now: int) -> list[int]: ...

    def caught_up(self, directive_ids: list[int]) -> None: ...


async def mark_agencies_unreachable(conn: aiosqlite.Connection, agency_ids: Iterable[int],
                                    now: int) -> int:
    """Agencies left with no reachable liaison: their awaited acknowledgements escalate to the
    on-duty responders at once, not as reminders to nobody; returns the escalations marked."""
    marked = 0
    for agency_id in sorted(set(agency_ids)):
        people = await PeopleRepository(conn).of_agency(agency_id)
        if any(reaches_agency(p, agency_id) for p in people):
            continue
        count = await EscalationRepository(conn).mark_unreachable_agency(
            SubjectKind.DIRECTIVE_ACK, agency_id, now)
        if count:
            agency = await AgencyRepository(conn).get(agency_id)
            await AuditRepository(conn).add(now, None, "agency.unreachable", agency.code,
                                            {"escalations": count})
        marked += count
    return marked


class OnboardingService:
    def __init__(
        self, db: Database, clock: Clock, *, invite_ttl: timedelta, super_admins: frozenset[int],
        refusals: RefusalLog | None = None, late_delivery: LateDelivery | None = None,
        schedule: Signal | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.invite_ttl = invite_ttl
        self.super_admins = super_admins
        self.refusals = refusals or RefusalLog(db, clock)
        # Joining, activation and coming back send what was broadcast before.
        self.late_delivery = late_delivery
        # Told when an agency was marked unreachable, so the escalation wake-up re-arms.
        self.schedule = schedule or Signal()

    async def _catch_up(self, conn: aiosqlite.Connection, person: Person, now: int) -> list[int]:
        if self.late_delivery is None:
            return []
        return await self.late_delivery.catch_up(conn, person, now)

    def _caught_up(self, directive_ids: list[int]) -> None:
        if self.late_delivery is not None:
            self.late_delivery.caught_up(directive_ids)

    # --- invites (admins) ------------------------------------------------------------------

    async def create_invite(self, admin_user_id: int, spec: InviteSpec, *,
                            confirmed: bool = False) -> CreatedInvite:
        """A single-use link; SecondHolder (nothing written) when it would make a second
        primary liaison of an agency or a second lead, unless the admin `confirmed` that."""
        try:
            return await self._create_invite(admin_user_id, spec, confirmed)
        except InviteRejected as exc:
            await self._audit(admin_user_id, "invite.create_refused", {"why": exc.key})
            raise

    async def candidates(self, admin_user_id: int,
                         spec: InviteSpec) -> tuple[Agency | None, list[Person]]:
        """The imported people an invite of this role (and agency) could link instead of
        creating someone new: active, with the role, and not on the bot yet."""
        conn = self.db.reader
        agency = await self._agency(conn, spec)
        if spec.role is None or (spec.role is Role.ADMIN
                                 and admin_user_id not in self.super_admins):
            return agency, []
        if spec.role is Role.LIAISON and agency is None:
            return agency, []
        people = await PeopleRepository(conn).not_on_bot(
            spec.role, agency.id if spec.role is Role.LIAISON and agency else None)
        return agency, people

    @staticmethod
    async def _agency(conn: aiosqlite.Connection, spec: InviteSpec) -> Agency | None:
        if spec.agency_id is not None:
            agency = await AgencyRepository(conn).get(spec.agency_id)
        elif spec.agency_code is not None:
            agency = await AgencyRepository(conn).by_code(spec.agency_code)
        else:
            return None
        if not agency.active:
            raise EntityDoesNotExist("agency_not_found", code=agency.code)
        return agency

    @staticmethod
    async def _holders(conn: aiosqlite.Connection, spec: InviteSpec, agency: Agency | None,
                       person: Person | None) -> tuple[str, list[Person]]:
        """Who already holds the primary rank or the lead this invite would give."""
        people = PeopleRepository(conn)
        if person is not None:
            if person.lead:
                return "invite_second_lead", [p for p in await people.leads() if p.id != person.id]
            if person.has(Role.LIAISON) and person.rank is Rank.PRIMARY and person.agency_id:
                return "invite_second_primary", [
                    p for p in await people.primaries(person.agency_id) if p.id != person.id]
            return "", []
        if spec.role is Role.RESPONDER and spec.lead:
            return "invite_second_lead", await people.leads()
        if spec.role is Role.LIAISON and spec.rank is Rank.PRIMARY and agency is not None:
            return "invite_second_primary", await people.primaries(agency.id)
        return "", []

    @staticmethod
    async def _pending_holders(conn: aiosqlite.Connection, key: str, agency_id: int | None,
                               now: datetime) -> list[Invite]:
        """The pending invites that would make someone new the agency's primary liaison
        (`invite_second_primary`) or the team's lead (`invite_second_lead`)."""
        return [i for i in await InviteRepository(conn).pending(to_epoch(now))
                if i.person_id is None and (
                    (key == "invite_second_lead" and i.lead)
                    or (key == "invite_second_primary" and i.role is Role.LIAISON
                        and i.rank is Rank.PRIMARY and i.agency_id == agency_id))]

    async def _create_invite(self, admin_user_id: int, spec: InviteSpec,
                             confirmed: bool) -> CreatedInvite:
        if spec.role is Role.ADMIN and admin_user_id not in self.super_admins:
            raise InviteRejected("invite_admin_superonly")
        now = self.clock.now()
        token = new_token()
        async with self.db.transaction() as conn:
            agency = await self._agency(conn, spec)
            person = None
            if spec.person_code is not None or spec.person_id is not None:
                if spec.person_id is not None:
                    person = await PeopleRepository(conn).get(spec.person_id)
                else:
                    assert spec.person_code is not None
                    person = await PeopleRepository(conn).by_code(spec.person_code)
                if person is None:
                    raise EntityDoesNotExist("person_not_found", code=spec.person_code)
                if person.telegram_user_id is not None:
                    raise InvalidInput("invite_person_linked", name=person.full_name)
                if not person.active:
                    raise InvalidInput("invite_person_inactive", name=person.full_name)
                # Linking a record hands over its roles: admin ones only from a super-admin.
                if person.has(Role.ADMIN) and admin_user_id not in self.super_admins:
                    raise InviteRejected("invite_admin_superonly")
            if not confirmed:
                key, holders = await self._holders(conn, spec, agency, person)
                # A pending invite for someone new holds the place too: two such links, both
                # used, would make two primaries (or leads) that nobody confirmed. (Linking an
                # imported holder adds no holder: he is one already.)
                pending = await self._pending_holders(
                    conn, key, agency.id if agency else None, now) if key and person is None else []
                if holders or pending:
                    where = person.agency_id if person is not None else None
                    named = (await AgencyRepository(conn).get(where) if where is not None
                             else agency)
                    raise SecondHolder(key, tuple(holders),
                                       person_id=person.id if person else None,
                                       agency_id=agency.id if agency else None,
                                       pending=tuple(i.public_id for i in pending),
                                       agency=named.name if named else "",
                                       names=", ".join(p.full_name for p in holders))
            invite_id = await InviteRepository(conn).insert({
                "token_hash": hash_token(token),
                "role": str(spec.role) if spec.role else None,
                "agency_id": agency.id if agency else None,
                "rank": str(spec.rank) if spec.rank else None,
                "lead": spec.lead,
                "person_id": person.id if person else None,
                "created_by": admin_user_id,
                "created_at": to_epoch(now),
                "expires_at": to_epoch(now + self.invite_ttl),
            })
            invite = await InviteRepository(conn).get(invite_id)
            assert invite is not None
            await AuditRepository(conn).add(
                to_epoch(now), admin_user_id, "invite.created", invite.public_id,
                {"role": spec.role, "agency": agency.code if agency else None, "rank": spec.rank,
                 "lead": spec.lead, "person": person.code if person else None,
                 "second_confirmed": confirmed or None},
            )
        return CreatedInvite(token, invite, agency, person)

    async def pending_invites(self) -> list[InviteView]:
        conn = self.db.reader
        invites = await InviteRepository(conn).pending(to_epoch(self.clock.now()))
        return [await self._view(conn, inv) for inv in invites]

    async def pending_invite(self, invite_id: int) -> InviteView:
        """One pending invite (to confirm its revocation); EntityDoesNotExist otherwise."""
        conn = self.db.reader
        invite = await InviteRepository(conn).get(invite_id)
        if invite is None or invite.state(self.clock.now()) is not InviteState.PENDING:
            raise EntityDoesNotExist("revoke_not_pending", public_id=f"INV-{invite_id}")
        return await self._view(conn, invite)

    async def revoke(self, admin_user_id: int, invite_id: int) -> Invite:
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            repo = InviteRepository(conn)
            invite = await repo.get(invite_id)
            if invite is None or invite.state(self.clock.now()) is not InviteState.PENDING:
                raise EntityDoesNotExist("revoke_not_pending", public_id=f"INV-{invite_id}")
            await repo.revoke(invite_id, admin_user_id, now)
            await AuditRepository(conn).add(now, admin_user_id, "invite.revoked", invite.public_id)
        return invite

    async def _view(self, conn: aiosqlite.Connection, invite: Invite) -> InviteView:
        agency = await AgencyRepository(conn).get(invite.agency_id) if invite.agency_id else None
        person = await PeopleRepository(conn).get(invite.person_id) if invite.person_id else None
        return InviteView(invite, agency, person)

    # --- joining ---------------------------------------------------------------------------

    async def redeem(self, who: TelegramIdentity, token: str) -> Joined:
        """Register `who` for the invite behind `token`, or raise InviteRejected; atomic."""
        try:
            return await self._redeem(who, token)
        except InviteRejected as exc:
            # The refusal changes nothing but is still on record, as every refusal is.
            await self._audit_rejection(who.user_id, exc.key)
            raise

    async def _redeem(self, who: TelegramIdentity, token: str) -> Joined:
        if not looks_like_token(token):
            raise InviteRejected("invite_invalid")
        now = self.clock.now()
        async with self.db.transaction() as conn:
            invites, people = InviteRepository(conn), PeopleRepository(conn)
            invite = await invites.by_hash(hash_token(token))
            if invite is None:
                raise InviteRejected("invite_invalid")
            self._check_state(invite, who.user_id, now)
            existing = await people.by_telegram_id(who.user_id)
            person_id = await self._apply(conn, invite, existing, who, to_epoch(now))
            if not await invites.mark_used(invite.id, who.user_id, to_epoch(now)):
                raise InviteRejected("invite_used")
            await AuditRepository(conn).add(
                to_epoch(now), who.user_id, "invite.redeemed", invite.public_id,
                {"person_id": person_id},
            )
            person = await people.get(person_id)
            agency = await AgencyRepository(conn).get(person.agency_id) if person.agency_id else None
            late = await self._catch_up(conn, person, to_epoch(now))
        self._caught_up(late)
        log.info("invite %s used by %s (Telegram user %d): %s", invite.public_id,
                 person.full_name, who.user_id, describe_roles(person, agency))
        return Joined(person, invite, agency)

    async def _audit_rejection(self, user_id: int, why: str) -> None:
        await self.refusals.add(user_id, "invite.rejected", None, {"why": why})

    async def _audit(self, user_id: int, action: str, details: dict[str, object]) -> None:
        async with self.db.transaction() as conn:
            await AuditRepository(conn).add(
                to_epoch(self.clock.now()), user_id, action, None, details)

    @staticmethod
    def _check_state(invite: Invite, user_id: int, now: datetime) -> None:
        state = invite.state(now)
        if state is InviteState.USED:
            raise InviteRejected("invite_used_by_you" if invite.used_by == user_id else "invite_used")
        if state is InviteState.REVOKED:
            raise InviteRejected("invite_revoked")
        if state is InviteState.EXPIRED:
            raise InviteRejected("invite_expired", when=invite.expires_at)

    async def _apply(
        self, conn: aiosqlite.Connection, invite: Invite, existing: Person | None,
        who: TelegramIdentity, now: int,
    ) -> int:
        people = PeopleRepository(conn)
        linked = {"telegram_user_id": who.user_id, "chat_id": who.chat_id,
                  "activated": True, "reachable": True, "active": True}
        if invite.person_id is not None:
            target = await people.get(invite.person_id)
            if target.telegram_user_id not in (None, who.user_id):
                raise InviteRejected("invite_for_other_person")
            if existing is not None and existing.id != target.id:
                raise InviteRejected("invite_account_linked", name=existing.full_name)
            if not target.active:
                raise InviteRejected("invite_invalid")
            await people.update(target.id, linked, now)
            return target.id
        assert invite.role is not None
        fields: dict[str, object] = dict(linked)
        if invite.role is Role.LIAISON:
            if (existing is not None and existing.has(Role.LIAISON)
                    and existing.agency_id not in (None, invite.agency_id)):
                agency = await AgencyRepository(conn).get(existing.agency_id)
                raise InviteRejected("invite_other_agency", agency=agency.name)
            fields.update(agency_id=invite.agency_id, rank=invite.rank)
        if invite.role is Role.RESPONDER and invite.lead:
            fields["lead"] = True
        if existing is None:
            fields.update(full_name=who.full_name or str(who.user_id), roles={invite.role})
            return await people.insert(fields, now)
        if not existing.active:
            # Someone who left comes back with this invite's role only, nothing of the past.
            fields.setdefault("lead", False)
            if invite.role is not Role.LIAISON:
                fields.update(agency_id=None, rank=None)
            fields["roles"] = {invite.role}
            await people.update(existing.id, fields, now)
            return existing.id
        fields["roles"] = set(existing.roles) | {invite.role}
        await people.update(existing.id, fields, now)
        return existing.id

    # --- every contact with a person ---------------------------------------------------------

    async def touch(self, who: TelegramIdentity) -> Person | None:
        """A person who writes to the bot is activated and reachable again; cheap when unchanged."""
        user_id, chat_id = who.user_id, who.chat_id
        person = await PeopleRepository(self.db.reader).by_telegram_id(user_id)
        if person is None:
            return await self.ensure_super_admin(who)
        if person.activated and person.reachable and person.chat_id == chat_id:
            return person
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await PeopleRepository(conn).update(
                person.id, {"activated": True, "reachable": True, "chat_id": chat_id}, now
            )
            if not person.reachable:
                await AuditRepository(conn).add(now, user_id, "person.reachable", str(person.id))
            person = await PeopleRepository(conn).get(person.id)
            # Activated or reachable again: what went out meanwhile follows now.
            late = await self._catch_up(conn, person, now)
        self._caught_up(late)
        return person

    async def mark_unreachable(self, user_id: int, reason: str) -> None:
        """Telegram said the bot cannot write to this person (blocked, chat gone)."""
        person = await PeopleRepository(self.db.reader).by_telegram_id(user_id)
        if person is None or not person.reachable:
            return
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            await PeopleRepository(conn).update(person.id, {"reachable": False}, now)
            await AuditRepository(conn).add(
                now, user_id, "person.unreachable", str(person.id), {"reason": reason})
            marked = (await mark_agencies_unreachable(conn, [person.agency_id], now)
                      if person.agency_id is not None and person.has(Role.LIAISON) else 0)
        if marked:
            self.schedule()

    async def ensure_super_admin(self, who: TelegramIdentity) -> Person | None:
        """Give a super-admin a person record (for their chat id and phone) on first contact."""
        if who.user_id not in self.super_admins:
            return None
        people = PeopleRepository(self.db.reader)
        person = await people.by_telegram_id(who.user_id)
        if person is not None:
            return person
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            repo = PeopleRepository(conn)
            person_id = await repo.insert({
                "full_name": who.full_name or str(who.user_id), "telegram_user_id": who.user_id,
                "chat_id": who.chat_id, "activated": True, "roles": set(),
            }, now)
            await AuditRepository(conn).add(now, who.user_id, "person.super_admin", str(person_id))
            return await repo.get(person_id)

    async def audit_refusal(self, user_id: int, command: str, why: str) -> None:
        await self.refusals.add(user_id, "access.denied", None, {"command": command, "why": why})

    async def save_phone(self, user_id: int, raw: str) -> str:
        """Store a normalised phone number for the person; InvalidInput if it is not one."""
        phone = normalise_phone(raw)
        if phone is None:
            raise InvalidInput("phone_invalid", text=raw[:40])
        now = to_epoch(self.clock.now())
        async with self.db.transaction() as conn:
            repo = PeopleRepository(conn)
            person = await repo.by_telegram_id(user_id)
            if person is None:
                raise EntityDoesNotExist("not_registered")
            if not person.active:
                raise EntityDoesNotExist("access_ended")
            if person.phone != phone:
                await repo.update(person.id, {"phone": phone}, now)
                await AuditRepository(conn).add(now, user_id, "person.phone", str(person.id))
        return phone


def describe_roles(person: Person, agency: Agency | None) -> str:
    """A person's roles for the operator's log: "liaison (primary) of CAT, responder (lead)"."""
    parts = []
    for role in sorted(person.roles):
        if role is Role.LIAISON:
            parts.append(f"liaison ({person.rank or 'primary'}) of "
                         f"{agency.code if agency else '?'}")
        elif role is Role.RESPONDER:
            parts.append("responder (lead)" if person.lead else "responder")
        else:
            parts.append(str(role))
    return ", ".join(parts) or "no role"
