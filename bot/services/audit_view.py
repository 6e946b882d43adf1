"""/audit: the latest audited actions, with the names of who did them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.models import AuditEntry
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.people import PeopleRepository

DEFAULT_COUNT = 20
MAX_COUNT = 200


def parse_count(args: list[str]) -> int | None:
    """`/audit [n]`: n in 1..MAX_COUNT (default DEFAULT_COUNT); None when it is not that."""
    if not args:
        return DEFAULT_COUNT
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit():
        return None
    n = int(args[0])
    return n if 1 <= n <= MAX_COUNT else None


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]  # newest first
    names: dict[int, str]  # Telegram user id -> the person's name, for the actors known


class AuditView:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def latest(self, count: int) -> AuditPage:
        """The last `count` audited actions and the names of their actors (callers check
        the role first)."""
        conn = self.db.reader
        entries = await AuditRepository(conn).latest(count)
        people = PeopleRepository(conn)
        names: dict[int, str] = {}
        for uid in {e.actor_user_id for e in entries if e.actor_user_id is not None}:
            person = await people.by_telegram_id(uid)
            if person is not None:
                names[uid] = person.full_name
        return AuditPage(entries, names)
