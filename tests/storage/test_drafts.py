"""The drafts table and its index: one draft per person and conversation, rebuilt at start-up."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.storage.db import Database
from bot.storage.drafts import DraftRepository, Drafts, StoredDraft


async def test_repository_round_trip_upsert_and_delete(db: Database, clock: FakeClock) -> None:
    answers = {"number": "1556/UBND-KGVX", "issuer": "UBND tỉnh Kiên Giang", "ids": [3, 1]}
    draft = StoredDraft(7, "broadcast", "summary", answers, clock.now())
    async with db.transaction() as conn:
        await DraftRepository(conn).save(draft)
    repo = DraftRepository(db.reader)
    assert await repo.get(7, "broadcast") == draft
    assert await repo.get(7, "duty_admin") is None
    later = StoredDraft(7, "broadcast", "body", {**answers, "summary": "V/v"},
                        clock.advance(minutes=5))
    async with db.transaction() as conn:
        await DraftRepository(conn).save(later)
        await DraftRepository(conn).save(StoredDraft(8, "duty_admin", "from", {}, clock.now()))
    assert await repo.all() == [later, StoredDraft(8, "duty_admin", "from", {}, clock.now())]
    async with db.transaction() as conn:
        assert await DraftRepository(conn).delete(7, "broadcast")
        assert not await DraftRepository(conn).delete(7, "broadcast")
    assert [d.user_id for d in await repo.all()] == [8]


async def test_store_keeps_its_index_with_the_table(db: Database, clock: FakeClock) -> None:
    drafts = Drafts(db, clock, timeout=timedelta(minutes=30))
    await drafts.load()
    assert drafts.step(7, "broadcast") is None and drafts.conversations(7) == []
    saved = await drafts.save(7, "broadcast", "number", {"urgency": "khan"})
    assert saved.updated_at == clock.now()
    assert drafts.step(7, "broadcast") == "number" and not drafts.restored(7, "broadcast")
    assert await drafts.get(7, "broadcast") == saved
    assert await drafts.drop(7, "broadcast")
    assert drafts.conversations(7) == [] and await drafts.get(7, "broadcast") is None
    assert not await drafts.drop(7, "broadcast")


async def test_restart_rebuilds_the_index_and_marks_drafts_restored(
    db: Database, clock: FakeClock
) -> None:
    before = Drafts(db, clock)
    await before.save(7, "broadcast", "recipients", {})
    await before.save(7, "duty_admin", "to", {})
    after = Drafts(db, clock)  # a new process on the same database
    assert after.conversations(7) == []
    await after.load()
    assert sorted(after.conversations(7)) == ["broadcast", "duty_admin"]
    assert after.step(7, "broadcast") == "recipients" and after.restored(7, "broadcast")
    after.taken_up(7, "broadcast")
    assert not after.restored(7, "broadcast") and after.restored(7, "duty_admin")
    await after.save(7, "duty_admin", "confirm", {})
    assert not after.restored(7, "duty_admin")


async def test_expired_only_past_the_timeout(db: Database, clock: FakeClock) -> None:
    drafts = Drafts(db, clock, timeout=timedelta(minutes=30))
    saved = await drafts.save(7, "broadcast", "number", {})
    clock.advance(minutes=30)
    assert not drafts.expired(saved)
    clock.advance(seconds=1)
    assert drafts.expired(saved)
