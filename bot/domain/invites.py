"""Invite rules: parsing `/invite` arguments, tokens and their hashes."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from bot.domain.errors import InvalidInput
from bot.domain.models import Rank, Role

TOKEN_BYTES = 24  # 192 random bits; Telegram allows 64 characters in a start parameter
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

# Typed kinds, English or Vietnamese without tone marks (or with them, joined by "_").
_KINDS = {
    "liaison": "liaison", "dau_moi": "liaison", "daumoi": "liaison", "đầu_mối": "liaison",
    "responder": "responder", "ung_cuu": "responder", "ungcuu": "responder",
    "ứng_cứu": "responder",
    "admin": "admin", "quan_tri": "admin", "quantri": "admin", "quản_trị": "admin",
    "person": "person", "can_bo": "person", "canbo": "person", "cán_bộ": "person",
}
_LEAD = {"lead", "doi_truong", "doitruong", "đội_trưởng"}

_RANKS = {
    "chinh": Rank.PRIMARY, "chính": Rank.PRIMARY, "primary": Rank.PRIMARY,
    "du_phong": Rank.BACKUP, "dự_phòng": Rank.BACKUP, "duphong": Rank.BACKUP,
    "backup": Rank.BACKUP,
}


@dataclass(frozen=True, slots=True)
class InviteSpec:
    """What an admin asked for: a role (with agency, rank, lead) or an imported person."""

    role: Role | None
    agency_code: str | None = None
    rank: Rank | None = None
    lead: bool = False
    person_code: str | None = None
    agency_id: int | None = None  # instead of the code, from a button
    person_id: int | None = None  # instead of the code, from a button


# What the /invite buttons invite: each name stands for one spec (an agency added for liaisons).
InviteKind = Literal["liaison", "backup", "responder", "lead", "admin"]
INVITE_KINDS: tuple[InviteKind, ...] = ("liaison", "backup", "responder", "lead", "admin")


def spec_of(kind: str, agency_id: int | None = None) -> InviteSpec:
    """The spec an /invite button names (`INVITE_KINDS`)."""
    if kind in ("liaison", "backup"):
        if agency_id is None:
            raise InvalidInput("invite_usage")
        rank = Rank.PRIMARY if kind == "liaison" else Rank.BACKUP
        return InviteSpec(Role.LIAISON, rank=rank, agency_id=agency_id)
    if kind in ("responder", "lead"):
        return InviteSpec(Role.RESPONDER, lead=kind == "lead")
    if kind == "admin":
        return InviteSpec(Role.ADMIN)
    raise InvalidInput("invite_usage")


def kind_of(spec: InviteSpec) -> InviteKind:
    """The button name of a role spec (the inverse of `spec_of`)."""
    if spec.role is Role.LIAISON:
        return "backup" if spec.rank is Rank.BACKUP else "liaison"
    if spec.role is Role.RESPONDER:
        return "lead" if spec.lead else "responder"
    return "admin"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    # Tokens carry 192 random bits, so an unsalted hash cannot be reversed by guessing.
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(text: str) -> bool:
    return bool(_TOKEN_SHAPE.match(text))


def parse_rank(value: str) -> Rank:
    rank = _RANKS.get(value.strip().lower())
    if rank is None:
        raise InvalidInput("rank_invalid", value=value)
    return rank


def parse_invite_args(args: list[str]) -> InviteSpec:
    """`liaison CAT [chinh|du_phong]`, `responder [lead]`, `admin`, `person P001`; or in
    Vietnamese: `dau_moi`, `ung_cuu [doi_truong]`, `quan_tri`, `can_bo`."""
    if not args:
        raise InvalidInput("invite_usage")
    kind, rest = _KINDS.get(args[0].strip().lower()), args[1:]
    if kind == "liaison" and 1 <= len(rest) <= 2 and _CODE_SHAPE.match(rest[0]):
        rank = parse_rank(rest[1]) if len(rest) == 2 else Rank.PRIMARY
        return InviteSpec(Role.LIAISON, agency_code=rest[0].upper(), rank=rank)
    if kind == "responder" and len(rest) <= 1:
        if rest and rest[0].strip().lower() not in _LEAD:
            raise InvalidInput("invite_usage")
        return InviteSpec(Role.RESPONDER, lead=bool(rest))
    if kind == "admin" and not rest:
        return InviteSpec(Role.ADMIN)
    if kind == "person" and len(rest) == 1 and _CODE_SHAPE.match(rest[0]):
        return InviteSpec(None, person_code=rest[0].upper())
    raise InvalidInput("invite_usage")
