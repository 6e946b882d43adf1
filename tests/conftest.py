"""Shared fixtures: a fake clock and an opened database in a temporary folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = ROOT / "examples" / "province.yaml"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's HOATOC_* variables or .env file."""
    import os

    for name in list(os.environ):
        if name.startswith("HOATOC_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))


@pytest.fixture
async def db(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Database]:
    database = Database(tmp_path / "data" / "test.db", clock)
    await database.open()
    yield database
    await database.close()
