"""The SQLite database: WAL mode, foreign keys, numbered migrations, one writer at a time."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.clock import Clock, to_epoch

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def _migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every shipped migration, in order."""
    found = []
    for entry in resources.files("bot.storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration numbers: {versions}")
    return found


class Database:
    """Two connections: a writer behind a lock (SQLite allows one) and a reader beside it."""

    def __init__(self, path: Path | str, clock: Clock, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.clock = clock
        self.busy_timeout = busy_timeout  # how long a write waits for another process's lock
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def open(self) -> None:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Create the file ourselves so it is never world-readable, not even for a moment.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            os.chmod(self.path, 0o600)
        self._writer = await self._connect()
        await self._writer.execute("PRAGMA journal_mode=WAL")
        await self.migrate()
        self._reader = await self._connect()

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
        # FULL: a commit a user was told about survives a power cut too (WAL + NORMAL may lose
        # the last commits then); the fsync costs ~2 ms a commit (docs/BENCHMARKS.md).
        await conn.execute("PRAGMA synchronous=FULL")
        return conn

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction; commits on success, rolls back on any exception."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:
            conn = self._writer
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    async def migrate(self) -> list[int]:
        """Apply every migration not yet recorded; returns the versions applied now."""
        conn = self._writer
        assert conn is not None
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
        )
        async with conn.execute("SELECT version FROM schema_migrations") as cur:
            done = {row[0] async for row in cur}
        applied = []
        for version, name, sql in _migrations():
            if version in done:
                continue
            now = to_epoch(self.clock.now())
            # executescript runs the whole file plus its record atomically.
            await conn.executescript(
                f"BEGIN;\n{sql}\n;INSERT INTO schema_migrations VALUES "  # noqa: S608 (our files)
                f"({version}, '{name}', {now});\nCOMMIT;"
            )
            log.info("applied migration %04d_%s", version, name)
            applied.append(version)
        return applied
