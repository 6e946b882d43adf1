from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock, from_epoch, to_epoch
from bot.domain.errors import InvalidInput
from bot.domain.invites import hash_token, looks_like_token, new_token, parse_invite_args
from bot.domain.models import Invite, InviteState, Rank, Role, parse_public_invite_id
from bot.domain.phones import display_phone, normalise_phone


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0912 345 678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("84912345678", "+84912345678"),  # Telegram contacts come without '+'
        ("0912.345.678", "+84912345678"),
        ("0296 3 852 000", "+842963852000"),
    ],
)
def test_phone_normalised_to_one_form(raw: str, stored: str) -> None:
    assert normalise_phone(raw) == stored


@pytest.mark.parametrize("raw", ["", "123", "abc", "0912", "x" * 100, "+1 202"])
def test_bad_phone_refused(raw: str) -> None:
    assert normalise_phone(raw) is None


def test_phone_displayed_nationally() -> None:
    assert display_phone("+84912345678") == "0912 345 678"
    assert display_phone(None) == ""


def test_tokens_are_long_random_and_hashed() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert looks_like_token(token) and len(token) >= 32  # >= 192 bits in base64url
    assert hash_token(token) != token and len(hash_token(token)) == 64
    assert not looks_like_token("short") and not looks_like_token("a b" * 10)


@pytest.mark.parametrize(
    ("args", "role", "agency", "rank", "lead", "person"),
    [
        (["liaison", "cat"], Role.LIAISON, "CAT", Rank.PRIMARY, False, None),
        (["liaison", "CAT", "du_phong"], Role.LIAISON, "CAT", Rank.BACKUP, False, None),
        (["liaison", "CAT", "chinh"], Role.LIAISON, "CAT", Rank.PRIMARY, False, None),
        (["responder"], Role.RESPONDER, None, None, False, None),
        (["responder", "lead"], Role.RESPONDER, None, None, True, None),
        (["admin"], Role.ADMIN, None, None, False, None),
        (["person", "p001"], None, None, None, False, "P001"),
        # The Vietnamese names (issue 10): đầu mối, ứng cứu, Đội trưởng, quản trị, cán bộ.
        (["dau_moi", "cat", "du_phong"], Role.LIAISON, "CAT", Rank.BACKUP, False, None),
        (["ĐẦU_MỐI", "CAT", "chinh"], Role.LIAISON, "CAT", Rank.PRIMARY, False, None),
        (["ung_cuu"], Role.RESPONDER, None, None, False, None),
        (["ung_cuu", "doi_truong"], Role.RESPONDER, None, None, True, None),
        (["quan_tri"], Role.ADMIN, None, None, False, None),
        (["can_bo", "P012"], None, None, None, False, "P012"),
    ],
)
def test_parse_invite_args(args, role, agency, rank, lead, person) -> None:
    spec = parse_invite_args(args)
    assert (spec.role, spec.agency_code, spec.rank, spec.lead, spec.person_code) == (
        role, agency, rank, lead, person)


@pytest.mark.parametrize(
    "args",
    [[], ["liaison"], ["boss"], ["responder", "x"], ["admin", "x"], ["person"],
     ["liaison", "A B;"], ["liaison", "CAT", "third"], ["dau_moi"], ["ung_cuu", "chinh"],
     ["quan_tri", "x"], ["can_bo"]],
)
def test_parse_invite_args_refuses_bad_input(args: list[str]) -> None:
    with pytest.raises(InvalidInput):
        parse_invite_args(args)


def test_public_invite_id() -> None:
    assert parse_public_invite_id("INV-17") == 17
    assert parse_public_invite_id("inv-17") == 17
    assert parse_public_invite_id("17") == 17
    assert parse_public_invite_id("INV-x") is None
    assert parse_public_invite_id("9" * 40) is None


def test_invite_states(clock: FakeClock) -> None:
    now = clock.now()
    inv = Invite(id=1, role=Role.ADMIN, created_by=1, created_at=now,
                 expires_at=now + timedelta(hours=1))
    assert inv.state(now) is InviteState.PENDING
    assert inv.state(now + timedelta(hours=1)) is InviteState.EXPIRED
    assert Invite(**{**_fields(inv), "used_at": now}).state(now) is InviteState.USED
    assert Invite(**{**_fields(inv), "revoked_at": now}).state(now) is InviteState.REVOKED


def _fields(inv: Invite) -> dict[str, object]:
    return {k: getattr(inv, k) for k in Invite.__slots__}


def test_clock_round_trip_and_fake_clock() -> None:
    fake = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    fake.advance(minutes=90)
    assert fake.now() == datetime(2026, 1, 1, 1, 30, tzinfo=UTC)
    assert from_epoch(to_epoch(fake.now())) == fake.now()
    with pytest.raises(ValueError):
        to_epoch(datetime(2026, 1, 1))  # noqa: DTZ001 (the point of the test)
    with pytest.raises(ValueError):
        FakeClock(datetime(2026, 1, 1))  # noqa: DTZ001
