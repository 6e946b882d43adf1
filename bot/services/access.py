"""Who may do what: roles are checked on the server for every command and button."""

from __future__ import annotations

import json
from datetime import timedelta
from enum import Enum

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.errors import InvalidInput, PermissionDenied
from bot.domain.models import Person, Role
from bot.domain.throttle import Bucket, Window
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.people import PeopleRepository

# A flood of refused messages must not grow the audit log without limit: the same refusal
# (user, action, subject, details) is written once per window; the next row counts the rest.
REFUSAL_AUDIT_WINDOW = timedelta(minutes=1)
# Someone unregistered is answered this many times at once, then once every few seconds.
STRANGER_BURST = 5
STRANGER_EVERY = timedelta(seconds=3)


class RefusalLog:
    """Refusals to the audit log, each distinct one at most once per user per window."""

    def __init__(self, db: Database, clock: Clock, window: timedelta = REFUSAL_AUDIT_WINDOW) -> None:
        self.db = db
        self.clock = clock
        self._window = Window(window)

    async def add(self, user_id: int, action: str, subject: str | None = None,
                  details: dict[str, object] | None = None, *,
                  conn: aiosqlite.Connection | None = None, per_subject: bool = True) -> bool:
        """Write the refusal unless the same one is already on record within the window.

        `per_subject=False` for taps, whose data a forger can vary without end: one row per
        user and action per window. `conn`: write in the caller's transaction.
        """
        now = self.clock.now()
        same = json.dumps(details or {}, sort_keys=True, default=str) if per_subject else ""
        key = (user_id, action, subject if per_subject else None, same)
        held_back = self._window.admit(key, now)
        if held_back is None:
            return False
        if held_back:
            details = {**(details or {}), "held_back": held_back}
        if conn is not None:
            await AuditRepository(conn).add(to_epoch(now), user_id, action, subject, details)
            return True
        async with self.db.transaction() as own:
            await AuditRepository(own).add(to_epoch(now), user_id, action, subject, details)
        return True


class Admission(Enum):
    """What becomes of a stranger's update."""

    ANSWER = "answer"
    NOTICE = "notice"  # over the allowance: say so once (audited) instead of answering
    DROP = "drop"


class AccessService:
    def __init__(self, db: Database, clock: Clock, super_admins: frozenset[int],
                 refusals: RefusalLog | None = None) -> None:
        self.db = db
        self.clock = clock
        self.super_admins = super_admins
        self.refusals = refusals or RefusalLog(db, clock)
        self._strangers = Bucket(STRANGER_BURST, STRANGER_EVERY)

    def is_super_admin(self, user_id: int) -> bool:
        return user_id in self.super_admins

    async def person(self, user_id: int) -> Person | None:
        return await PeopleRepository(self.db.reader).by_telegram_id(user_id)

    def effective_roles(self, user_id: int, person: Person | None) -> frozenset[Role]:
        """Roles from the database, plus admin for the super-admins named in the settings."""
        roles = set(person.roles) if person is not None and person.active else set()
        if self.is_super_admin(user_id):
            roles.add(Role.ADMIN)
        return frozenset(roles)

    async def roles_of(self, user_id: int) -> frozenset[Role]:
        return self.effective_roles(user_id, await self.person(user_id))

    async def require(self, user_id: int, role: Role, command: str) -> Person | None:
        """Return the caller's record if they hold `role`; otherwise audit and refuse."""
        person = await self.person(user_id)
        if role in self.effective_roles(user_id, person):
            return person
        await self.refusals.add(user_id, "access.denied", command, {"needed": str(role)})
        raise PermissionDenied(command=command, role=role)

    async def member(self, user_id: int, command: str) -> Person | None:
        """The caller's record while they have access; strangers and people who left are refused.

        A super-admin passes even without a record. Refusals are audited like the others.
        """
        person = await self.person(user_id)
        if (person is not None and person.active) or self.is_super_admin(user_id):
            return person
        why = "inactive" if person is not None else "not_registered"
        await self.refusals.add(user_id, "access.denied", None, {"command": command, "why": why})
        raise InvalidInput("access_ended" if person is not None else "not_registered")

    async def admit_stranger(self, user_id: int) -> Admission:
        """An update from someone with no role: answered within their allowance, else held back."""
        if self._strangers.take(user_id, self.clock.now()):
            return Admission.ANSWER
        if await self.refusals.add(user_id, "access.flood"):
            return Admission.NOTICE
        return Admission.DROP
