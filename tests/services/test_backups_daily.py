"""The daily backup job under a clock that jumps: forward (one copy, for the day it wakes
up in: the missed days are not made up), backwards (no second copy of a day), KEEP=1, the
folder inside the data folder, and a failure every day for a week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from bot.clock import FakeClock
from bot.domain.notices import Notice
from bot.services.backups import BackupService
from bot.services.ports import Notifier
from bot.storage.db import Database
from config.settings import Settings


@dataclass
class Told:
    notices: list[Notice] = field(default_factory=list)

    async def send(self, conn: Any, to: Any, notice: Notice, now: int, **_: Any) -> int:
        self.notices.append(notice)
        return 1

    def flush(self) -> None:
        pass


def service(db: Database, clock: FakeClock, folder: Path, keep: int,
            told: Told | None = None) -> BackupService:
    settings = Settings(backup_dir=folder, backup_keep=keep, admin_ids=(9001,))
    return BackupService(db, clock, settings, cast(Notifier, told or Told()))


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".db"))


def at(day: int, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, 0, 0, tzinfo=UTC)  # 07:00 in Hà Nội: past 02:30


async def test_a_jump_forward_makes_one_copy_for_the_day_it_wakes_up_in(
        db: Database, clock: FakeClock, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    job = service(db, clock, folder, keep=7)
    clock.set(at(23))
    assert await job.run_due() is not None
    clock.set(at(28))  # the machine slept five days
    assert await job.run_due() is not None
    assert await job.run_due() is None
    assert names(folder) == ["test-2026-11-23.db", "test-2026-11-28.db"]


async def test_a_jump_back_never_makes_a_second_copy_of_a_day(
        db: Database, clock: FakeClock, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    job = service(db, clock, folder, keep=7)
    for day in (23, 24, 25):
        clock.set(at(day))
        assert await job.run_due() is not None
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    for day in (24, 23, 25):  # the clock set back, then right again
        clock.set(at(day))
        assert await job.run_due() is None
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


async def test_keep_one_after_a_wrong_clock_still_keeps_todays_copy(
        db: Database, clock: FakeClock, tmp_path: Path) -> None:
    """A clock a year ahead for a while, then put right: with HOATOC_BACKUP_KEEP=1 the copy
    of the wrong date must not make every later copy be deleted as soon as it is made."""
    folder = tmp_path / "backups"
    job = service(db, clock, folder, keep=1)
    clock.set(at(23))
    assert await job.run_due() is not None
    clock.set(at(23, 11, 2027))  # the clock runs a year ahead
    assert await job.run_due() is not None
    assert names(folder) == ["test-2027-11-23.db"]
    clock.set(at(24))  # put right
    written = await job.run_due()
    assert written is not None and written.exists()
    assert names(folder) == ["test-2026-11-24.db"]


async def test_a_backup_folder_inside_the_data_folder(
        db: Database, clock: FakeClock) -> None:
    folder = db.path.parent  # the database's own folder
    job = service(db, clock, folder, keep=1)
    for day in (23, 24):
        clock.set(at(day))
        assert await job.run_due() is not None
    assert names(folder) == ["test-2026-11-24.db", "test.db"]
    assert db.path.exists()


async def test_a_failure_every_day_for_a_week_is_told_once_a_day(
        db: Database, clock: FakeClock, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.write_text("a file where the folder should be")
    told = Told()
    job = service(db, clock, folder, keep=7, told=told)
    clock.set(at(23))
    for _ in range(7 * 24 * 4):  # a wake-up every quarter of an hour for a week
        await job.run_due()
        clock.advance(minutes=15)
    # 07:00 on the 23rd to 06:45 on the 30th, Hà Nội time: eight local days, told once in each.
    assert [n.key for n in told.notices] == ["bk_failed_first"] * 8
