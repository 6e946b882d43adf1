"""Failure paths of incidents, round 2: what changes under a report while it is written,
faults of Telegram, long and marked-up answers — end to end through the fake Telegram."""

from __future__ import annotations

from tests.e2e.conftest import Harness
from tests.e2e.test_report_conversation import (
    LIAISON,
    _drafts,
    incidents,
    liaison_with_phone,
    to_summary,
)


async def test_an_agency_deactivated_before_gui_is_said_plainly_and_the_report_kept(
        harness: Harness) -> None:
    """The liaison's agency is deactivated while they write: «Gửi» says so (not "only
    liaisons may report"), stores nothing, and keeps the draft so that nothing typed at 2 a.m.
    is lost; once the agency is active again «Gửi» sends it."""
    h = harness
    p = await liaison_with_phone(h)
    summary = await to_summary(p)
    async with h.services.db.transaction() as conn:
        await conn.execute("UPDATE agencies SET active = 0 WHERE code = 'CAT'")
    before = len(h.fake.messages_to(LIAISON))
    answer = await p.tap(summary, summary.button_data("Gửi"))
    await h.fake.wait_for_message(LIAISON, lambda m: True, after=before)
    said = " ".join(m.plain_text or "" for m in p.since(before)) + answer
    assert "Chỉ cán bộ đầu mối" not in said, said
    assert "Công an tỉnh" in said and "ngừng" in said, said
    assert await incidents(h) == []
    assert await _drafts(h, LIAISON), "the report typed so far is kept"
    async with h.services.db.transaction() as conn:
        await conn.execute("UPDATE agencies SET active = 1 WHERE code = 'CAT'")
    again = p.since(before)[-1]
    await p.press(again, "Gửi", "Đã gửi báo cáo sự cố")
    assert len(await incidents(h)) == 1
