"""Outbox rows know their subject: cancelling is a query on it, for one agency or all."""

from __future__ import annotations

from bot.clock import FakeClock, to_epoch
from bot.domain.escalation import SubjectKind
from bot.domain.notices import DIRECTIVE_KINDS, About, Topic
from bot.storage.db import Database
from bot.storage.outbox import OutboxRepository

ACK, RESULT = SubjectKind.DIRECTIVE_ACK, SubjectKind.DIRECTIVE_RESULT


async def test_cancel_by_subject_and_agency(db: Database, clock: FakeClock) -> None:
    now = to_epoch(clock.now())
    abouts = {
        "copy": About(Topic.DIRECTIVE, 5, 7, 1),
        "reminder 7": About(ACK, 5, 7, 1),
        "result reminder 7": About(RESULT, 5, 7, 1),
        "reminder 8": About(ACK, 5, 8, 2),
        "digest": About(ACK, 5, None, 3),
        "status": About(Topic.DIRECTIVE_STATUS, 5),
        "other directive": About(ACK, 6, 7, 1),
    }
    async with db.transaction() as conn:
        repo = OutboxRepository(conn)
        ids = {name: await repo.enqueue(100, "send_message", {"text": name}, now, about=about)
               for name, about in abouts.items()}
        # An agency acknowledged: its reminders (both kinds) go, nothing else.
        dropped = await repo.cancel((ACK, RESULT), 5, "acknowledged", now, agency_id=7)
        assert sorted(dropped) == sorted([ids["reminder 7"], ids["result reminder 7"]])
        # The directive is recalled: everything about it but its status message goes.
        dropped = await repo.cancel_directive(5, now)
        assert sorted(dropped) == sorted([ids["copy"], ids["reminder 8"], ids["digest"]])
        assert await repo.cancel(DIRECTIVE_KINDS, 5, "again", now) == []
    async with db.reader.execute(
            "SELECT json_extract(payload, '$.text'), status, error FROM outbox ORDER BY id") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [
            ("copy", "failed", "recalled"), ("reminder 7", "failed", "acknowledged"),
            ("result reminder 7", "failed", "acknowledged"), ("reminder 8", "failed", "recalled"),
            ("digest", "failed", "recalled"), ("status", "queued", None),
            ("other directive", "queued", None)]
