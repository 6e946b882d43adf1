"""A storm of 429s with a large `retry_after` over many chats while 10 % of the recipients have
blocked the bot: every other recipient gets the directive exactly once, no chat is tried again
before its `retry_after`, the blocked ones are marked unreachable and their agencies paged as
having nobody to reach, and the status counts say so."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bot.clock import FakeClock
from bot.domain.directives import Urgency
from bot.services.broadcast import Draft
from bot.services.directive_escalations import ACK
from bot.services.importer import Importer
from bot.storage.escalations import EscalationRepository
from tests.e2e.conftest import SUPER_ADMIN
from tests.faults.net import rows, running, sent_but_not_held, until

N = 20
FIRST = 100_000
BLOCKED = {FIRST + 3, FIRST + 14}  # 10 %
RETRY_AFTER = 2  # seconds: long next to a send, and the test stays a few seconds long
NUMBER = "77/UBND-BAO"


def province(path: Path) -> None:
    agencies = [{"code": f"XA_{i:02d}", "name": f"UBND xã Thử Nghiệm {i}", "kind": "committee"}
                for i in range(N)]
    people = [{"code": f"P{i:02d}", "full_name": f"Cán bộ {i}", "roles": ["liaison"],
               "agency": f"XA_{i:02d}", "telegram_id": FIRST + i} for i in range(N)]
    path.write_text(yaml.safe_dump({"agencies": agencies, "people": people}, allow_unicode=True))


async def test_a_429_storm_with_ten_percent_blocked(tmp_path: Path, clock: FakeClock) -> None:
    async with running(tmp_path, clock) as h:
        for i in range(N):
            h.fake.add_user(FIRST + i, f"Cán bộ {i}")
        await h.start(per_chat_interval=0.05)
        await h.say(SUPER_ADMIN, "/start")  # the admin is on the bot: the page reaches them
        province(tmp_path / "p.yaml")
        await Importer(h.services.db, h.clock).import_file(tmp_path / "p.yaml")
        async with h.services.db.transaction() as conn:  # everyone has pressed Start
            await conn.execute("UPDATE people SET activated = 1")
        for chat in BLOCKED:
            h.fake.block(chat)
        # Telegram allows 8 a second here and says "retry after 2 s"; the first three sends
        # are refused outright too.
        h.fake.set_rate_limit(8, 1, retry_after=RETRY_AFTER)
        h.fake.fail_next("sendMessage", 429, count=3, retry_after=RETRY_AFTER + 1)
        began = len(h.fake.calls)

        ids = {a.id for a in (await h.services.broadcast.catalog())[1]}
        draft = Draft(urgency=Urgency.HOA_TOC, number=NUMBER, issuer="UBND tỉnh",
                      summary="thử nghiệm", body="Nội dung", agency_ids=ids)
        directive, audience = await h.services.broadcast.send(SUPER_ADMIN, draft)
        assert audience.people_count == N
        await h.services.sender.drained(timeout=30)

        copies = Counter(m.chat_id for m in h.fake.sent_messages if NUMBER in (m.text or ""))
        assert set(copies) >= {FIRST + i for i in range(N)} - BLOCKED
        assert all(copies[FIRST + i] == 1 for i in range(N) if FIRST + i not in BLOCKED)
        assert not BLOCKED & set(copies)
        calls = h.fake.calls[began:]
        assert sum(1 for c in calls if c.status == 429) >= 5, "no storm"
        # No chat was tried again before its retry_after had passed.
        for i, call in enumerate(calls):
            if call.status != 429 or call.chat_id is None:
                continue
            wait = (call.error or "").rsplit(" ", 1)[-1]
            retry = next(c for c in calls[i + 1:] if c.chat_id == call.chat_id)
            assert retry.time - call.time >= int(wait) - 0.01, (call, retry)

        # The blocked liaisons are unreachable; their agencies are paged at once as having
        # nobody to reach (nobody is on duty: the admins get it).
        assert sorted(rows(h, "SELECT telegram_user_id FROM people WHERE reachable = 0")) == sorted(
            (chat,) for chat in BLOCKED)
        escalations = await EscalationRepository(h.services.db.reader).of_subject(
            ACK, directive.id)
        unreachable = [r for r in escalations if r.unreachable]
        assert len(unreachable) == len(BLOCKED)
        assert all(r.unreachable_notified for r in unreachable)
        def paged(name: str) -> bool:
            return any("không liên lạc được" in (m.plain_text or "")
                       and f"{name} —" in (m.plain_text or "")
                       for m in h.fake.messages_to(SUPER_ADMIN))

        await until(lambda: paged("UBND xã Thử Nghiệm 3") and paged("UBND xã Thử Nghiệm 14"))
        assert rows(h, "SELECT status, count(*) FROM outbox WHERE delivery_id IS NOT NULL "
                       "GROUP BY status ORDER BY status") == [("failed", 2), ("sent", N - 2)]
        assert sent_but_not_held(h) == []

        # The status counts right.
        h.fake.set_rate_limit(None, None)
        status = await h.say(SUPER_ADMIN, f"/status {NUMBER}",
                             lambda m: "Tình hình" in (m.plain_text or ""))
        text = status.plain_text or ""
        assert f"đã gửi {N - 2}/{N} · không liên lạc được 2" in text, text
        assert "đang gửi" not in text and "gửi lỗi" not in text
