"""The daily backup: one copy a day at `HOATOC_BACKUP_AT` local time, the newest N kept.

The folder is the truth: today's copy is `<database stem>-YYYY-MM-DD.db` (local date), so a
wake-up that finds it there does nothing, and a restart never makes a second one. The bot's
scheduler only wakes this up (every minute). A failure is logged and told to the
super-admins once a day; it is tried again every `RETRY_AFTER` meanwhile, and the old copies
are kept (they are pruned only after a good one).
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.clock import Clock, to_epoch
from bot.domain.notices import About, Account, Notice, Topic
from bot.services.ports import Notifier
from bot.storage.backup import BackupError, backup
from bot.storage.db import Database
from config.settings import Settings

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(hours=1)


class BackupService:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 notifier: Notifier) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.notifier = notifier
        self.folder = settings.backup_dir
        self._done: date | None = None        # the local day whose copy exists
        self._retry_at: datetime | None = None
        self._told: date | None = None        # the day the admins were told of a failure
        self._pattern = re.compile(rf"^{re.escape(db.path.stem)}-\d{{4}}-\d{{2}}-\d{{2}}\.db$")

    def path_for(self, day: date) -> Path:
        return self.folder / f"{self.db.path.stem}-{day.isoformat()}.db"

    def copies(self) -> list[Path]:
        """The daily copies in the folder, oldest first (nothing else there is ours)."""
        try:
            names = [p for p in self.folder.iterdir() if self._pattern.match(p.name)]
        except OSError:
            return []
        return sorted(names, key=lambda p: p.name)

    async def run_due(self) -> Path | None:
        """Make today's copy if its time has come and it is not there; the file made, or None."""
        now = self.clock.now()
        local = now.astimezone(self.settings.tz)
        day = local.date()
        if local.time() < self.settings.backup_time or self._done == day:
            return None
        if self._retry_at is not None and now < self._retry_at:
            return None
        target = self.path_for(day)
        if target.exists():
            self._done = day
            return None
        try:
            await asyncio.to_thread(backup, self.db.path, target)
        except (BackupError, OSError) as exc:
            log.error("the daily backup to %s failed: %s", target, exc)
            self._retry_at = now + RETRY_AFTER
            if self._told != day:
                copies = self.copies()
                await self._tell("bk_failed" if copies else "bk_failed_first", reason=str(exc),
                                 folder=str(self.folder), last=copies[-1].name if copies else "",
                                 retry=int(RETRY_AFTER.total_seconds() // 60))
                self._told = day
            return None
        log.info("daily backup written: %s", target)
        self._done, self._retry_at = day, None
        if self._told is not None:  # they were told it failed: tell them it works again
            await self._tell("bk_recovered", file=str(target))
            self._told = None
        self._prune(target)
        return target

    def _prune(self, written: Path) -> None:
        """The copy just written and the newest others by date, `backup_keep` in all. The one
        just written is never deleted: a copy dated by a clock that ran ahead (a later name)
        would otherwise have every later copy deleted as soon as it is made (KEEP=1)."""
        others = [p for p in self.copies() if p != written]
        for old in others[:max(0, len(others) - (self.settings.backup_keep - 1))]:
            try:
                old.unlink()
                log.info("old backup deleted: %s", old)
            except OSError as exc:
                log.warning("cannot delete the old backup %s: %s", old, exc)

    async def _tell(self, key: str, **values: object) -> None:
        """Each super-admin, through the outbox (the database is fine; the folder is not)."""
        now = self.clock.now()
        notice = Notice(key, About(Topic.BACKUP), {"at": now, **values})
        try:
            async with self.db.transaction() as conn:
                for user_id in self.settings.admin_ids:
                    await self.notifier.send(conn, Account(user_id), notice, to_epoch(now))
        except Exception:  # telling is best effort; the log line above stays
            log.exception("cannot tell the super-admins about the backup")
            return
        self.notifier.flush()

