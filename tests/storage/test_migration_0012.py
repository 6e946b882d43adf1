"""Migration 0012: an acknowledgement may come with a result report; older rows are kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.storage.db import Database, _migrations
from bot.storage.directives import DirectiveRepository


def old_database(path: Path) -> None:
    """A database as the bot left it before 0012, with one phone acknowledgement."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                 " name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
    for version, name, sql in _migrations():
        if version >= 12:
            break
        conn.executescript(sql)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (version, name))
    conn.execute("INSERT INTO agencies (id, code, name, kind, created_at, updated_at) VALUES"
                 " (1, 'CAT', 'Công an tỉnh', 'department', 0, 0)")
    conn.execute("INSERT INTO people (id, code, full_name, created_at, updated_at) VALUES"
                 " (1, 'P1', 'Lan Nguyễn', 0, 0)")
    conn.execute("INSERT INTO directives (id, number, issuer, summary, urgency, ack_deadline_at,"
                 " created_by, created_at) VALUES (1, '1556/UBND-KGVX', 'UBND tỉnh', 'V/v',"
                 " 'hoa_toc', 1000, 9001, 0)")
    conn.execute("INSERT INTO acknowledgements VALUES (1, 1, 1, 500, 0, 'phone')")
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError):  # what 0012 lifts
        conn.execute("INSERT INTO acknowledgements VALUES (1, 2, 1, 500, 0, 'report')")
    conn.close()


async def test_acknowledgements_keep_their_rows_and_take_report(tmp_path: Path,
                                                                clock: FakeClock) -> None:
    path = tmp_path / "data" / "old.db"
    old_database(path)
    db = Database(path, clock)
    await db.open()
    try:
        acks = await DirectiveRepository(db.reader).acks(1)
        assert acks[1].via == "phone" and acks[1].person_id == 1
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO agencies (id, code, name, kind, created_at,"
                               " updated_at) VALUES (2, 'VP', 'Văn phòng', 'department', 0, 0)")
            assert await DirectiveRepository(conn).acknowledge(1, 2, 1, 600, False, "report")
        assert (await DirectiveRepository(db.reader).acks(1))[2].via == "report"
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO acknowledgements VALUES (1, 3, 1, 700, 0, 'pigeon')")
    finally:
        await db.close()
