"""Who may do what: roles are checked on the server for every command and button."""

from __future__ import annotations

from bot.clock import Clock, to_epoch
from bot.domain.errors import InvalidInput, PermissionDenied
from bot.domain.models import Person, Role
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.people import PeopleRepository


class AccessService:
    def __init__(self, db: Database, clock: Clock, super_admins: frozenset[int]) -> None:
        self.db = db
        self.clock = clock
        self.super_admins = super_admins

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
        async with self.db.transaction() as conn:
            await AuditRepository(conn).add(
                to_epoch(self.clock.now()), user_id, "access.denied", command,
                {"needed": str(role)},
            )
        raise PermissionDenied(command=command, role=role)

    async def member(self, user_id: int, command: str) -> Person | None:
        """The caller's record while they have access; strangers and people who left are refused.

        A super-admin passes even without a record. Refusals are audited like the others.
        """
        person = await self.person(user_id)
        if (person is not None and person.active) or self.is_super_admin(user_id):
            return person
        why = "inactive" if person is not None else "not_registered"
        async with self.db.transaction() as conn:
            await AuditRepository(conn).add(to_epoch(self.clock.now()), user_id, "access.denied",
                                            None, {"command": command, "why": why})
        raise InvalidInput("access_ended" if person is not None else "not_registered")
