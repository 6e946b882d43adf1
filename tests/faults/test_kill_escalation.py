"""kill -9 while an escalation step's reminders to many agencies are going out, then a
restart: every reminder arrives (duplicates within the in-flight bound), the step is not
fired again as a whole, and the later steps still fire, once, not before their time."""

from __future__ import annotations

import json
from collections import Counter

from bot.domain.directives import Urgency
from bot.services.broadcast import Draft
from tests.faults.conftest import IN_FLIGHT, SUPER_ADMIN, Rig, policy_file, province

AGENCIES = 40
ADMINS = 2
RESPONDERS = 6
NUMBER = "7/UBND-THU"
# Reminders 6 s before the deadline, every responder at it, the admins 3 s after it.
POLICY = {"ack_within": "10s", "no_liaison_to_on_duty": False, "steps": [
    {"at": "-6s", "notify": ["agency_liaisons"]},
    {"at": "0", "notify": ["responders"]},
    {"at": "+3s", "notify": ["admins"]},
]}


async def test_sigkill_mid_reminders_then_restart_every_step_once(rig: Rig) -> None:
    fake = rig.fake
    fake.latency = 0.05
    rig.env["HOATOC_POLICY_FILE"] = str(policy_file(rig.tmp / "policy.yaml", hoa_toc=POLICY))
    rig.env["HOATOC_SEND_RATE"] = "20"  # the reminders take about two seconds to go out
    await rig.import_province(province(agencies=AGENCIES, admins=ADMINS, responders=RESPONDERS))
    async with rig.services() as services:
        ids = {a.id for a in (await services.broadcast.catalog())[1]}
        draft = Draft(urgency=Urgency.HOA_TOC, number=NUMBER, issuer="UBND tỉnh",
                      summary="thử nghiệm", body="Nội dung", agency_ids=ids)
        await services.broadcast.send(SUPER_ADMIN, draft)
    [(deadline,)] = rig.query("SELECT DISTINCT deadline_at FROM escalations")
    liaisons = [100_000 + i for i in range(AGENCIES)]
    admins = [200_000 + i for i in range(ADMINS)]
    responders = [300_000 + i for i in range(RESPONDERS)]

    def reminders() -> Counter[int]:
        return Counter(m.chat_id for m in fake.sent_messages
                       if "Nhắc hạn" in (m.plain_text or "") and NUMBER in (m.plain_text or ""))

    def digests(chats: list[int]) -> dict[int, list[int]]:
        """Per chat, the dates of the digests about the directive it received."""
        return {c: [m.date for m in fake.messages_to(c) if NUMBER in (m.plain_text or "")]
                for c in chats}

    first = rig.start()
    await rig.until(lambda: len(reminders()) >= AGENCIES // 4, 60, first, "for the reminders")
    await first.kill()
    assert len(reminders()) < AGENCIES, "the kill came after the step was over"
    assert all(not d for d in digests(responders).values())  # the next step is still to come

    second = rig.start()
    await rig.until(lambda: all(digests(admins).values()), 60, second, "for the last step")
    await rig.until(lambda: len(reminders()) == AGENCIES, 30, second, "for every reminder")
    # A digest of 40 agencies is sent in parts: wait for its last ones too.
    await rig.until(lambda: rig.query("SELECT count(*) FROM outbox WHERE status = 'queued'"
                                      " AND method != 'edit_message_text'") == [(0,)],
                    30, second, "for the outbox to drain")
    await second.stop()

    counts = reminders()
    assert sorted(counts) == liaisons
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= IN_FLIGHT, f"{duplicates} duplicate reminders, bound {IN_FLIGHT}"
    # The step was recorded with its reminders in one transaction: queued once, not again
    # by the restarted engine.
    queued = [row for row in rig.query("SELECT chat_id, payload FROM outbox")
              if "Nhắc hạn" in json.loads(row[1]).get("text", "")]
    assert len(queued) == AGENCIES
    for chats, offset in ((responders, 0), (admins, 3)):
        for chat, dates in digests(chats).items():
            assert len(dates) == 1, f"chat {chat}: {len(dates)} digests"
            assert dates[0] >= deadline + offset, f"chat {chat}: fired before its time"
    # Nothing left half done: every step of every agency recorded, every notice sent (edits
    # of the status message may still be pending at the stop: they resume at the next start).
    assert rig.query("SELECT count(*) FROM escalations WHERE next_due_at IS NOT NULL") == [(0,)]
    assert [row for row in rig.query("SELECT chat_id, method, status, payload FROM outbox")
            if row[1] != "edit_message_text" and row[2] != "sent"] == []
