"""Migration 0009: directives get their date of issue; the ones sent before have none."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.storage.db import Database, _migrations
from bot.storage.directives import DirectiveRepository


def old_database(path: Path) -> None:
    """A database as the bot left it before 0009, with one directive."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                 " name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
    for version, name, sql in _migrations():
        if version >= 9:
            break
        conn.executescript(sql)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (version, name))
    conn.execute("INSERT INTO directives (id, number, issuer, summary, urgency, ack_deadline_at,"
                 " created_by, created_at) VALUES (5, '1/UBND-X', 'UBND', 'thử', 'khan', 100,"
                 " 9001, 0)")
    conn.commit()
    conn.close()


async def test_old_directives_have_no_date_of_issue_new_ones_keep_theirs(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "data" / "old.db"
    old_database(path)
    db = Database(path, clock)
    await db.open()
    try:
        repo = DirectiveRepository(db.reader)
        assert (await repo.get(5)).issued_on is None
        async with db.transaction() as conn:
            new_id = await DirectiveRepository(conn).insert({
                "number": "248-KH/TU", "issuer": "Tỉnh ủy", "summary": "thử", "urgency": "khan",
                "issued_on": date(2022, 8, 30), "ack_deadline_at": 100, "created_by": 9001,
                "created_at": 0})
        assert (await repo.get(new_id)).issued_on == date(2022, 8, 30)
        async with db.reader.execute("SELECT issued_on FROM directives WHERE id = ?",
                                     (new_id,)) as cur:
            assert tuple(await cur.fetchone() or ()) == ("2022-08-30",)  # ISO date text
        with pytest.raises(sqlite3.IntegrityError):  # only an ISO date, or nothing
            async with db.transaction() as conn:
                await conn.execute("UPDATE directives SET issued_on = '30/8/2022' WHERE id = 5")
    finally:
        await db.close()
