from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.domain.errors import (
    EntityDoesNotExist,
    InvalidInput,
    InviteRejected,
    PermissionDenied,
    SecondHolder,
)
from bot.domain.invites import InviteSpec, hash_token
from bot.domain.models import Rank, Role
from bot.services.access import AccessService
from bot.services.importer import Importer
from bot.services.onboarding import OnboardingService, TelegramIdentity
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from tests.conftest import PROVINCE

ADMIN = 9001
ALICE = TelegramIdentity(101, 101, "Alice Nguyễn")
BOB = TelegramIdentity(102, 102, "Bob Trần")


@pytest.fixture
async def onboarding(db: Database, clock: FakeClock) -> OnboardingService:
    await Importer(db, clock).import_file(PROVINCE)
    return OnboardingService(db, clock, invite_ttl=timedelta(hours=72),
                             super_admins=frozenset({ADMIN}))


async def table(db: Database, name: str) -> list[tuple[object, ...]]:
    async with db.reader.execute(f"SELECT * FROM {name} ORDER BY 1") as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def test_liaison_invite_registers_once(onboarding: OnboardingService, db: Database) -> None:
    created = await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "CAT", Rank.BACKUP))
    assert created.invite.public_id == f"INV-{created.invite.id}"
    async with db.reader.execute("SELECT token_hash FROM invites") as cur:
        stored = [r[0] for r in await cur.fetchall()]
    assert stored == [hash_token(created.token)] and created.token not in stored

    joined = await onboarding.redeem(ALICE, created.token)
    assert joined.person.roles == {Role.LIAISON}
    assert joined.agency is not None and joined.agency.code == "CAT"
    assert joined.person.rank is Rank.BACKUP and joined.person.activated
    assert joined.person.telegram_user_id == ALICE.user_id

    people_before, invites_before = await table(db, "people"), await table(db, "invites")
    with pytest.raises(InviteRejected) as again:
        await onboarding.redeem(ALICE, created.token)
    assert again.value.key == "invite_used_by_you"
    with pytest.raises(InviteRejected) as other:
        await onboarding.redeem(BOB, created.token)
    assert other.value.key == "invite_used"
    assert await table(db, "people") == people_before
    assert await table(db, "invites") == invites_before
    rejected = await AuditRepository(db.reader).entries("invite.rejected")
    assert [e.details["why"] for e in rejected] == ["invite_used_by_you", "invite_used"]


async def test_expired_revoked_and_made_up_tokens(
    onboarding: OnboardingService, db: Database, clock: FakeClock
) -> None:
    expiring = await onboarding.create_invite(ADMIN, InviteSpec(Role.RESPONDER))
    revoked = await onboarding.create_invite(ADMIN, InviteSpec(Role.RESPONDER, lead=True),
                                             confirmed=True)  # the province imports a lead
    await onboarding.revoke(ADMIN, revoked.invite.id)
    with pytest.raises(EntityDoesNotExist):
        await onboarding.revoke(ADMIN, revoked.invite.id)  # not pending any more
    clock.advance(hours=72)
    people_before = await table(db, "people")
    for token, key in [(expiring.token, "invite_expired"), (revoked.token, "invite_revoked"),
                       ("A" * 32, "invite_invalid"), ("../../etc", "invite_invalid"),
                       ("", "invite_invalid")]:
        with pytest.raises(InviteRejected) as info:
            await onboarding.redeem(ALICE, token)
        assert info.value.key == key
    assert await table(db, "people") == people_before
    assert await onboarding.pending_invites() == []


async def test_pending_lists_only_live_invites(
    onboarding: OnboardingService, clock: FakeClock
) -> None:
    a = await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "CAT", Rank.PRIMARY),
                                       confirmed=True)  # CAT's imported primary stays
    clock.advance(hours=1)
    b = await onboarding.create_invite(ADMIN, InviteSpec(Role.RESPONDER))
    await onboarding.redeem(ALICE, b.token)
    views = await onboarding.pending_invites()
    assert [v.invite.id for v in views] == [a.invite.id]
    assert views[0].agency is not None and views[0].agency.code == "CAT"


async def test_only_super_admins_invite_admins(
    onboarding: OnboardingService, db: Database
) -> None:
    created = await onboarding.create_invite(ADMIN, InviteSpec(Role.ADMIN))
    joined = await onboarding.redeem(ALICE, created.token)
    assert joined.person.roles == {Role.ADMIN}
    with pytest.raises(InviteRejected) as info:
        await onboarding.create_invite(ALICE.user_id, InviteSpec(Role.ADMIN))
    assert info.value.key == "invite_admin_superonly"


async def test_person_invite_links_the_imported_record(
    onboarding: OnboardingService, db: Database
) -> None:
    people = PeopleRepository(db.reader)
    record = next(p for p in await people.all() if p.lead)
    assert record.code is not None and record.telegram_user_id is None
    count = len(await people.all())
    created = await onboarding.create_invite(ADMIN, InviteSpec(None, person_code=record.code))
    joined = await onboarding.redeem(BOB, created.token)
    assert joined.person.id == record.id and joined.person.telegram_user_id == BOB.user_id
    assert joined.person.full_name == record.full_name  # the imported name, not Telegram's
    assert joined.person.phone == record.phone
    assert len(await people.all()) == count
    with pytest.raises(InvalidInput):  # already linked: no second invite
        await onboarding.create_invite(ADMIN, InviteSpec(None, person_code=record.code))
    with pytest.raises(EntityDoesNotExist):
        await onboarding.create_invite(ADMIN, InviteSpec(None, person_code="NOBODY"))


async def test_liaison_of_one_agency_cannot_join_another(onboarding: OnboardingService) -> None:
    first = await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "CAT", Rank.PRIMARY),
                                           confirmed=True)
    await onboarding.redeem(ALICE, first.token)
    other = await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "TT_CNTT", Rank.PRIMARY),
                                           confirmed=True)
    with pytest.raises(InviteRejected) as info:
        await onboarding.redeem(ALICE, other.token)
    assert info.value.key == "invite_other_agency"
    assert [v.invite.id for v in await onboarding.pending_invites()] == [other.invite.id]
    responder = await onboarding.create_invite(ADMIN, InviteSpec(Role.RESPONDER))
    joined = await onboarding.redeem(ALICE, responder.token)  # a second role is fine
    assert joined.person.roles == {Role.LIAISON, Role.RESPONDER}


async def test_second_primary_or_lead_needs_confirmation(
    onboarding: OnboardingService, db: Database
) -> None:
    """Nothing is written until the admin confirms; then the audit says it was confirmed."""
    before = await table(db, "invites")
    with pytest.raises(SecondHolder) as primary:
        await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "CAT", Rank.PRIMARY))
    assert primary.value.key == "invite_second_primary"
    assert [p.code for p in primary.value.holders] == ["P004"]
    with pytest.raises(SecondHolder) as lead:
        await onboarding.create_invite(ADMIN, InviteSpec(Role.RESPONDER, lead=True))
    assert lead.value.key == "invite_second_lead"
    assert [p.code for p in lead.value.holders] == ["P003"]
    assert await table(db, "invites") == before
    # A backup, a member, and the imported primary himself need no confirmation.
    await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "CAT", Rank.BACKUP))
    await onboarding.create_invite(ADMIN, InviteSpec(Role.RESPONDER))
    await onboarding.create_invite(ADMIN, InviteSpec(None, person_code="P004"))
    _, offered = await onboarding.candidates(ADMIN, InviteSpec(Role.LIAISON, "CAT"))
    assert [p.code for p in offered] == ["P004", "P005"]  # primary first, none on the bot
    await onboarding.create_invite(ADMIN, InviteSpec(Role.RESPONDER, lead=True), confirmed=True)
    entries = await AuditRepository(db.reader).entries("invite.created")
    assert [e.details.get("second_confirmed") for e in entries] == [None, None, None, True]


async def test_unknown_agency_refused(onboarding: OnboardingService) -> None:
    with pytest.raises(EntityDoesNotExist) as info:
        await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "NOPE", Rank.PRIMARY))
    assert info.value.key == "agency_not_found"


async def test_phone_and_reachability(onboarding: OnboardingService, db: Database) -> None:
    created = await onboarding.create_invite(ADMIN, InviteSpec(Role.RESPONDER))
    await onboarding.redeem(ALICE, created.token)
    with pytest.raises(InvalidInput):
        await onboarding.save_phone(ALICE.user_id, "not a phone")
    assert await onboarding.save_phone(ALICE.user_id, "0912 345 678") == "+84912345678"
    await onboarding.mark_unreachable(ALICE.user_id, "blocked")
    person = await PeopleRepository(db.reader).by_telegram_id(ALICE.user_id)
    assert person is not None and not person.reachable and person.phone == "+84912345678"
    person = await onboarding.touch(ALICE)
    assert person is not None and person.reachable
    actions = [e.action for e in await AuditRepository(db.reader).entries()]
    assert "person.unreachable" in actions and "person.reachable" in actions


async def test_access_refusal_is_audited(db: Database, clock: FakeClock) -> None:
    access = AccessService(db, clock, frozenset({ADMIN}))
    assert Role.ADMIN in await access.roles_of(ADMIN)
    with pytest.raises(PermissionDenied) as info:
        await access.require(ALICE.user_id, Role.ADMIN, "/invite")
    assert info.value.params == {"command": "/invite", "role": Role.ADMIN}
    [entry] = await AuditRepository(db.reader).entries("access.denied")
    assert entry.actor_user_id == ALICE.user_id and entry.subject == "/invite"


async def test_plain_admin_cannot_mint_admins_through_person_invites(
    onboarding: OnboardingService, db: Database
) -> None:
    people = PeopleRepository(db.reader)
    admin_record = next(p for p in await people.all() if p.has(Role.ADMIN))
    assert admin_record.code is not None
    created = await onboarding.create_invite(ADMIN, InviteSpec(Role.ADMIN))
    plain_admin = (await onboarding.redeem(ALICE, created.token)).person
    with pytest.raises(InviteRejected) as info:
        await onboarding.create_invite(plain_admin.telegram_user_id or 0,
                                       InviteSpec(None, person_code=admin_record.code))
    assert info.value.key == "invite_admin_superonly"
    refused = await AuditRepository(db.reader).entries("invite.create_refused")
    assert [e.actor_user_id for e in refused] == [ALICE.user_id]
    # A super-admin may.
    await onboarding.create_invite(ADMIN, InviteSpec(None, person_code=admin_record.code))


async def test_someone_who_left_comes_back_with_the_new_role_only(
    onboarding: OnboardingService, db: Database, clock: FakeClock
) -> None:
    created = await onboarding.create_invite(ADMIN, InviteSpec(Role.ADMIN))
    person = (await onboarding.redeem(ALICE, created.token)).person
    async with db.transaction() as conn:  # as an import with active: false would
        await PeopleRepository(conn).update(person.id, {"active": False}, 0)
    again = await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "CAT", Rank.BACKUP))
    joined = await onboarding.redeem(ALICE, again.token)
    assert joined.person.roles == {Role.LIAISON} and joined.person.active


async def test_inactive_person_cannot_be_invited(
    onboarding: OnboardingService, db: Database
) -> None:
    people = PeopleRepository(db.reader)
    record = (await people.all())[0]
    async with db.transaction() as conn:
        await PeopleRepository(conn).update(record.id, {"active": False}, 0)
    with pytest.raises(InvalidInput) as info:
        await onboarding.create_invite(ADMIN, InviteSpec(None, person_code=record.code))
    assert info.value.key == "invite_person_inactive"


async def test_two_pending_primary_invites_need_confirmation(onboarding: OnboardingService) -> None:
    """A pending invite for a new primary liaison (or lead) already holds the place: a second
    one is confirmed explicitly, or both links used would make two primaries silently."""
    first = await onboarding.create_invite(
        ADMIN, InviteSpec(Role.LIAISON, "XA_VINH_HAU", Rank.PRIMARY))
    with pytest.raises(SecondHolder) as primary:
        await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "XA_VINH_HAU", Rank.PRIMARY))
    assert primary.value.key == "invite_second_primary"
    assert primary.value.holders == () and primary.value.pending == (first.invite.public_id,)
    await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "XA_VINH_HAU", Rank.BACKUP))
    await onboarding.revoke(ADMIN, first.invite.id)  # a revoked invite holds nothing
    await onboarding.create_invite(ADMIN, InviteSpec(Role.LIAISON, "XA_VINH_HAU", Rank.PRIMARY))
