"""Migration 0011: escalations record the steps skipped at their start; older ones skipped none."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.domain.escalation import Step, Target, rounds
from bot.storage.db import Database, _migrations
from bot.storage.escalations import EscalationRepository, steps_to_json

STEPS = (Step(timedelta(minutes=-15), (Target.AGENCY_LIAISONS,)),
         Step(timedelta(0), (Target.ON_DUTY,)))


def old_database(path: Path) -> None:
    """A database as the bot left it before 0011, with one escalation under way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                 " name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
    for version, name, sql in _migrations():
        if version >= 11:
            break
        conn.executescript(sql)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (version, name))
    conn.execute("INSERT INTO escalations (id, subject_kind, subject_id, agency_id, deadline_at,"
                 " steps, done, next_due_at, created_at, updated_at) VALUES (7, 'directive_ack',"
                 " 1, NULL, 1000, ?, ?, 1000, 0, 0)", (steps_to_json(STEPS), json.dumps([1, 0])))
    conn.commit()
    conn.close()


async def test_an_escalation_from_before_skipped_nothing(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "data" / "old.db"
    old_database(path)
    db = Database(path, clock)
    await db.open()
    try:
        row = await EscalationRepository(db.reader).get(7)
        assert row is not None and row.done == (1, 0) and row.skipped == (0, 0)
        assert rounds(row.steps, row.done, row.skipped) == (0, 1)
    finally:
        await db.close()
