"""The escalation repository: a row changed meanwhile is never overwritten by stale work."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock, to_epoch
from bot.domain.escalation import Step, Target, first_due
from bot.services.directive_escalations import ACK
from bot.storage.db import Database
from bot.storage.escalations import EscalationRepository

S = timedelta(seconds=1)
STEPS = (Step(-10 * S, (Target.AGENCY_LIAISONS,)), Step(0 * S, (Target.ON_DUTY,)))


async def test_advance_with_a_row_read_before_stop_changes_nothing(
    db: Database, clock: FakeClock
) -> None:
    now, deadline = to_epoch(clock.now()), clock.now() + 60 * S
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO agencies (id, code, name, kind, created_at, updated_at)"
                           " VALUES (7, 'CAT', 'Công an tỉnh', 'department',"
                           " ?, ?)", (now, now))
        repo = EscalationRepository(conn)
        await repo.create(ACK, 1, 7, deadline, STEPS, first_due(STEPS, deadline), False, now)
    clock.set(deadline - 10 * S)
    async with db.transaction() as conn:
        repo = EscalationRepository(conn)
        [stale] = await repo.due(clock.now())  # the engine read the row ...
        assert await repo.stop(ACK, 1, 7, "acknowledged", now) == 1  # ... the agency acknowledged
        advanced = await repo.advance(stale, (1, 0), deadline, to_epoch(clock.now()))
    assert advanced is False
    [row] = await EscalationRepository(db.reader).of_subject(ACK, 1)
    assert row.status == "stopped"
    assert row.done == (0, 0) and row.next_due_at is None
    assert await EscalationRepository(db.reader).next_due_at() is None
