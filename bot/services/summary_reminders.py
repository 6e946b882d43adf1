"""The reminder to admins a week before a half-year or annual incident summary is due.

Woken by the escalation sweep (every 30 s, and once at start-up, so a reminder missed while
the bot was down goes out as it comes back). The row in `summary_reminders` is written in the
transaction that queues the messages: either both happen or neither, and never twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

import aiosqlite

from bot.clock import Clock, to_epoch
from bot.domain.models import Person, Role
from bot.domain.notices import About, Notice, Topic
from bot.domain.summaries import SummaryPeriod, reminder_due
from bot.services.ports import Notifier
from bot.storage.db import Database
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from config.settings import Settings

log = logging.getLogger(__name__)


class SummaryReminders:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 notifier: Notifier) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.notifier = notifier
        self._sent: SummaryPeriod | None = None  # spares the database a look every sweep

    async def run_due(self) -> int:
        """Queue the reminder due now, once per due date; how many admins it was queued to."""
        now = self.clock.now()
        period = reminder_due(now.astimezone(self.settings.tz))
        if period is None or period == self._sent:
            return 0
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT OR IGNORE INTO summary_reminders (due_on, sent_at, sent_to)"
                " VALUES (?, ?, 0)", (period.due.isoformat(), to_epoch(now)))
            if cur.rowcount == 0:  # sent before (before a restart, perhaps)
                self._sent = period
                return 0
            since = datetime.combine(period.start, time(0), self.settings.tz)
            reported = len(await IncidentRepository(conn).between(since, now + timedelta(seconds=1)))
            notice = Notice("sum_reminder_h1" if period.half_year else "sum_reminder_year",
                            About(Topic.SUMMARY), {
                                "year": period.start.year,
                                "start": period.start.strftime("%d/%m/%Y"),
                                "end": period.end.strftime("%d/%m/%Y"),
                                "due": period.due.strftime("%d/%m/%Y"),
                                "now": now, "count": reported,
                                "team_name": self.settings.team_name,
                                "focal_name": self.settings.focal_name})
            admins = await self._admins(conn)
            for person in admins:
                await self.notifier.send(conn, person, notice, to_epoch(now))
            await conn.execute("UPDATE summary_reminders SET sent_to = ? WHERE due_on = ?",
                               (len(admins), period.due.isoformat()))
        self._sent = period
        self.notifier.flush()
        log.info("summary reminder for %s queued to %d admins", period.due, len(admins))
        return len(admins)

    async def _admins(self, conn: aiosqlite.Connection) -> list[Person]:
        """Active admins and the super-admins with a record, each once, if a chat reaches them."""
        super_admins = set(self.settings.admin_ids)
        return [p for p in await PeopleRepository(conn).all()
                if p.active and (p.has(Role.ADMIN) or p.telegram_user_id in super_admins)
                and self.notifier.reachable(p)]
