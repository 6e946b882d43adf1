"""/broadcast: an agency deactivated (/agency off) between the preview and «Gửi» (review r4).
The preview counted it; «Gửi» silently sent to one agency fewer than the admin approved.
Now nothing is sent from the stale preview: the admin is told which agency left, and the
draft as it now stands is previewed again to be sent from there."""

from __future__ import annotations

from tests.e2e.conftest import Harness
from tests.e2e.test_broadcast_conversation import (
    A,
    count_directives,
    pick_to_preview,
    tap,
)


async def test_an_agency_deactivated_after_the_preview_stops_gui_and_is_named(
        harness: Harness) -> None:
    from tests.e2e.test_directives import FAST, join
    from tests.e2e.test_onboarding import import_province

    h = harness
    await h.start(**FAST)
    await import_province(h)
    await join(h, 101, "liaison VNPT_AG")
    await join(h, 102, "liaison TT_CNTT")
    summary = await pick_to_preview(h, "Các doanh nghiệp viễn thông", "Trung tâm Công nghệ")
    assert "6 đơn vị, 2 người nhận" in (summary.plain_text or "")
    async with h.services.db.transaction() as conn:  # /agency off TT_CNTT, confirmed meanwhile
        await conn.execute("UPDATE agencies SET active = 0 WHERE code = 'TT_CNTT'")
    fresh = await tap(h, summary, "Gửi", "Tóm tắt trước khi gửi")
    assert fresh is not None
    assert await count_directives(h) == 0, "nothing sent from a preview that no longer holds"
    said = " ".join(m.plain_text or "" for m in h.fake.messages_to(A)
                    if m.message_id > summary.message_id)
    assert "Trung tâm Công nghệ" in said and "ngừng hoạt động" in said, said
    assert "5 đơn vị, 1 người nhận" in (fresh.plain_text or ""), fresh.plain_text
    await tap(h, fresh, "Gửi", "Đang gửi văn bản số")
    assert await count_directives(h) == 1
    await h.services.sender.drained()
    assert not any("576/UBND-VHXH" in (m.text or "") for m in h.fake.messages_to(102))
