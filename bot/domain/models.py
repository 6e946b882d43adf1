"""Pure domain models: no I/O, no Telegram, no clock calls."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Role(enum.StrEnum):
    ADMIN = "admin"
    LIAISON = "liaison"
    RESPONDER = "responder"


class AgencyKind(enum.StrEnum):
    DEPARTMENT = "department"
    COMMITTEE = "committee"
    TELECOM = "telecom"
    CENTRE = "centre"
    OTHER = "other"


class Rank(enum.StrEnum):
    PRIMARY = "primary"
    BACKUP = "backup"


@dataclass(frozen=True, slots=True)
class Agency:
    id: int
    code: str
    name: str
    kind: AgencyKind
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    code: str
    name: str
    agency_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    full_name: str
    roles: frozenset[Role]
    code: str | None = None
    phone: str | None = None
    lead: bool = False
    agency_id: int | None = None
    rank: Rank | None = None
    telegram_user_id: int | None = None
    chat_id: int | None = None
    activated: bool = False
    reachable: bool = True
    active: bool = True

    def has(self, role: Role) -> bool:
        return role in self.roles


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    role: Role | None
    created_by: int
    created_at: datetime
    expires_at: datetime
    agency_id: int | None = None
    rank: Rank | None = None
    lead: bool = False
    person_id: int | None = None
    used_at: datetime | None = None
    used_by: int | None = None
    revoked_at: datetime | None = None

    @property
    def public_id(self) -> str:
        return public_invite_id(self.id)

    def state(self, now: datetime) -> InviteState:
        if self.revoked_at is not None:
            return InviteState.REVOKED
        if self.used_at is not None:
            return InviteState.USED
        if now >= self.expires_at:
            return InviteState.EXPIRED
        return InviteState.PENDING


class InviteState(enum.StrEnum):
    PENDING = "pending"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


def public_invite_id(invite_id: int) -> str:
    return f"INV-{invite_id}"


def parse_public_invite_id(text: str) -> int | None:
    """`INV-17`, `inv-17` or `17` -> 17; anything else -> None."""
    text = text.strip().upper().removeprefix("INV-")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor_user_id: int | None
    action: str
    subject: str | None = None
    details: dict[str, object] = field(default_factory=dict)
