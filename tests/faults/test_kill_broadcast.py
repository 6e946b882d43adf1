"""kill -9 in the middle of a 200-recipient broadcast, then a restart: nobody is left out."""

from __future__ import annotations

from collections import Counter

from bot.domain.directives import Urgency
from bot.services.broadcast import Draft
from tests.faults.conftest import IN_FLIGHT, SUPER_ADMIN, Rig, province

RECIPIENTS = 200


async def test_sigkill_mid_broadcast_then_restart_delivers_to_everyone(rig: Rig) -> None:
    fake = rig.fake
    fake.latency = 0.05
    await rig.import_province(province(agencies=RECIPIENTS))
    # Queue the broadcast, as «Gửi» would, before the bot runs.
    async with rig.services() as services:
        ids = {a.id for a in (await services.broadcast.catalog())[1]}
        draft = Draft(urgency=Urgency.HOA_TOC, number="1/UBND-TEST", issuer="UBND tỉnh",
                      summary="thử nghiệm", body="Nội dung", agency_ids=ids)
        _, audience = await services.broadcast.send(SUPER_ADMIN, draft)
    assert audience.people_count == RECIPIENTS

    def delivered() -> Counter[int]:
        return Counter(m.chat_id for m in fake.sent_messages if "1/UBND-TEST" in (m.text or ""))

    first = rig.start()
    await rig.until(lambda: len(delivered()) >= RECIPIENTS // 4, 60, first, "for a quarter")
    await first.kill()  # no chance to record what was in flight
    at_kill = len(delivered())
    assert at_kill < RECIPIENTS

    second = rig.start()
    await rig.until(lambda: len(delivered()) >= RECIPIENTS, 60, second, "for everyone")
    await second.stop()
    counts = delivered()
    assert set(counts) == {100_000 + i for i in range(RECIPIENTS)}
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= IN_FLIGHT, f"{duplicates} duplicates, in-flight bound {IN_FLIGHT}"

    # Nothing was marked sent before Telegram answered: every row marked sent names a
    # message that Telegram really holds, in that chat, and every copy is recorded.
    held = {(m.chat_id, m.message_id) for m in fake.sent_messages
            if "1/UBND-TEST" in (m.text or "")}
    outbox = rig.query("SELECT chat_id, status, message_id FROM outbox")
    deliveries = rig.query("SELECT chat_id, status, message_id FROM deliveries")
    assert len(outbox) == len(deliveries) == RECIPIENTS
    assert [row for row in outbox if row[1] != "sent" or (row[0], row[2]) not in held] == []
    assert [row for row in deliveries
            if row[1] != "sent" or (row[0], row[2]) not in held] == []
