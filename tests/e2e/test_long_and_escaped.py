"""Long texts and awkward names through the fake Telegram, which refuses what Telegram refuses."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import agency_ids, draft
from tests.e2e.test_escalation import POLICY, S, start, step, texts

RESPONDERS = POLICY.replace("{at: 0, notify: [on_duty]}", "{at: 0, notify: [responders]}")


def utf16(text: str | None) -> int:
    return len((text or "").encode("utf-16-le")) // 2


def failed_calls(h: Harness, method: str) -> list[str]:
    return [str(c.error) for c in h.fake.calls if c.method == method and not c.ok]


async def rename(h: Harness, code: str, name: str) -> None:
    async with h.services.db.transaction() as conn:
        await conn.execute("UPDATE agencies SET name = ? WHERE code = ?", (name, code))


async def forty_communes(h: Harness) -> set[int]:
    return set(sorted(a.id for a in (await h.services.broadcast.catalog())[1]
                      if a.kind == "committee")[:40])


async def test_claiming_all_of_a_forty_agency_digest_shows_on_every_copy(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path, RESPONDERS)
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S)
    d.agency_ids = await forty_communes(h)
    h.t0 = h.clock.now()
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await step(h, 60 * S)
    mine = [m for m in texts(h, 103, "• ") if m.buttons]
    theirs = [m for m in texts(h, 104, "• ") if m.buttons]
    assert len(mine) == 1 and len(theirs) == 1
    query = h.fake.press_button(103, mine[0].message_id,
                                mine[0].button_data("Tôi sẽ liên hệ tất cả"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "Đã ghi nhận" in (h.fake.callback_answer(query) or {}).get("text", "")
    await h.services.sender.drained()
    for user, copy in ((103, mine[0]), (104, theirs[0])):
        edited = await h.fake.wait_for_message(
            user, lambda m, c=copy: m.message_id == c.message_id  # type: ignore[misc]
            and "sẽ liên hệ" in (m.plain_text or ""))
        text = edited.plain_text or ""
        assert "Hùng" in text and not edited.buttons
        claim = text[text.index("sẽ liên hệ"):]
        assert "UBND" in claim and "đơn vị khác" in claim, claim
        assert utf16(text) <= 4096
        # Every agency is still listed in the digest; the claim line names the rest by count.
        assert text.count("• ") == (copy.plain_text or "").count("• ")
    assert failed_calls(h, "editMessageText") == []


async def test_claim_buttons_show_names_with_ampersand_and_angle_plainly(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path, RESPONDERS)
    await rename(h, "TT_CNTT", "Trung tâm CNTT&TT <An Giang>")
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S)
    d.agency_ids = await agency_ids(h, "STTTT", "TT_CNTT")
    h.t0 = h.clock.now()
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await step(h, 60 * S)
    [digest] = texts(h, 103, "Cảnh báo chưa phản hồi")
    labels = [b["text"] for b in digest.buttons]
    assert "📞 Trung tâm CNTT&TT <An Giang>" in labels, labels
    assert "Trung tâm CNTT&TT <An Giang>" in (digest.plain_text or "")
