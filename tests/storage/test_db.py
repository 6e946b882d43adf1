from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.storage.db import Database, _migrations


async def test_open_creates_private_wal_database(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "sub" / "hoatoc.db"
    db = Database(path, clock)
    await db.open()
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        async with db.reader.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with db.reader.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        async with db.reader.execute("SELECT version, name FROM schema_migrations") as cur:
            rows = [tuple(r) for r in await cur.fetchall()]
        assert rows == [(v, n) for v, n, _ in _migrations()]
        assert rows[0] == (1, "init")
    finally:
        await db.close()


async def test_every_commit_is_durable_across_a_power_cut(tmp_path: Path, clock: FakeClock) -> None:
    """synchronous=FULL: a commit a user was told about survives a power cut, not only kill -9
    (with WAL, NORMAL may lose the last commits when the machine loses power)."""
    db = Database(tmp_path / "a.db", clock)
    await db.open()
    try:
        async with db.transaction() as writer, writer.execute("PRAGMA synchronous") as cur:
            assert (await cur.fetchone())[0] == 2  # FULL
        async with db.reader.execute("PRAGMA synchronous") as cur:
            assert (await cur.fetchone())[0] == 2
    finally:
        await db.close()


async def test_reopen_applies_nothing_twice(tmp_path: Path, clock: FakeClock) -> None:
    db = Database(tmp_path / "a.db", clock)
    await db.open()
    await db.close()
    db2 = Database(tmp_path / "a.db", clock)
    await db2.open()
    try:
        assert await db2.migrate() == []
    finally:
        await db2.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO groups (code, name, created_at, updated_at) VALUES ('G', 'g', 0, 0)")
            raise RuntimeError("boom")
    async with db.reader.execute("SELECT count(*) FROM groups") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_foreign_keys_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (full_name, agency_id, created_at, updated_at)"
                " VALUES ('x', 999, 0, 0)")
