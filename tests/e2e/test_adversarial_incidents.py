"""Hostile and careless input against incidents, end to end through the fake Telegram."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import to_epoch
from bot.domain.errors import InvalidInput
from tests.e2e.conftest import Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_incident_taking import LIAISON, report, start


async def test_an_absurd_detection_time_is_refused_not_stored(harness: Harness,
                                                             tmp_path: Path) -> None:
    """A forged or old draft with a detection time in year 1 or 1900: refused at «Gửi»."""
    h = harness
    await start(h, tmp_path)
    for when in (datetime(1, 1, 1, 1, 0, tzinfo=UTC),
                 datetime(1900, 1, 1, tzinfo=UTC)):
        with pytest.raises(InvalidInput) as refused:
            await report(h, detected_at=to_epoch(when))
        assert refused.value.params.get("field") == "detected_at"
    found = await h.services.db.reader.execute("SELECT COUNT(*) FROM incidents")
    assert tuple(await found.fetchone()) == (0,)  # type: ignore[arg-type]


STRANGER = 999


async def test_a_stranger_and_a_deactivated_liaison_get_a_true_answer_everywhere(
        harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    incident, _ = await report(h)
    async with h.services.db.transaction() as conn:
        await conn.execute("UPDATE people SET active = 0 WHERE telegram_user_id = ?", (LIAISON,))
    h.fake.add_user(STRANGER, "Kẻ lạ")
    for user in (STRANGER, LIAISON):
        for command in ("/incidents", "/myreports", f"/incident {incident.code}", "/report",
                        "/incident"):
            h.clock.advance(hours=1)  # a stranger's allowance refilled: each one answered
            before = len(h.fake.messages_to(user))
            h.fake.send_text(user, command)
            got = await h.fake.wait_for_message(user, lambda m: True, after=before)
            assert "Có lỗi" not in (got.plain_text or ""), (user, command, got.plain_text)
        msg = h.fake.messages_to(user)[-1]
        for data in (f"inc:view:{incident.id}", f"inc:files:{incident.id}", "incs:o:0",
                     "incs:m:999999999999", f"inc:close:{incident.id}",
                     f"inc:progress:{incident.id}", f"inc:take:{incident.id}",
                     "inc:view:999999999999", "icl:ok:deadbeef", "ir:send", "ir:a:1",
                     "ir:c:category:malware", "ir:e:description", "icl:p:1:deadbeef",
                     "icl:r:cao:deadbeef"):
            h.clock.advance(hours=1)
            before = len(h.fake.messages_to(user))
            query = h.fake.press_button(user, msg.message_id, data)
            await h.fake.wait_for_call("answerCallbackQuery",
                                       lambda c, q=query: c.params.get("callback_query_id") == q)
            await h.services.sender.drained()
            said = [m.plain_text or "" for m in h.fake.messages_to(user)[before:]]
            answer = str((h.fake.callback_answer(query) or {}).get("text", ""))
            assert not any("Có lỗi" in s for s in said), (user, data, said)
            assert incident.code not in " ".join(said) + answer or data.startswith(
                "inc:take"), (user, data, said, answer)
    found = await h.services.incidents.db.reader.execute(
        "SELECT status, assignee_id FROM incidents WHERE id = ?", (incident.id,))
    assert tuple(await found.fetchone()) == ("reported", None)  # type: ignore[arg-type]


async def test_a_detection_time_centuries_ago_is_asked_again_with_an_example(
        harness: Harness) -> None:
    """A slip of the keyboard (`0026` for `2026`, year 1) is not a detection time: asked
    again, never stored as a report "late" by two thousand years."""
    from tests.e2e.test_report_conversation import liaison_with_phone, up_to_category

    h = harness
    p = await liaison_with_phone(h)
    category = await up_to_category(p)
    description = await p.press(category, "Mã hóa phần mềm", "Mô tả sơ bộ")
    await p.say("Máy chủ bị mã hóa.", "Ngày, giờ phát hiện")
    for typed in ("25/11/0026 14:30", "01/01/0001 08:00", "01/01/1900 00:00"):
        before = len(h.fake.messages_to(LIAISON))
        h.fake.send_text(LIAISON, typed)
        await h.fake.wait_for_message(LIAISON, has("❓ Ngày, giờ phát hiện"), after=before)
        said = " ".join(m.plain_text or "" for m in h.fake.messages_to(LIAISON)[before:])
        assert "Vui lòng nhập lại" in said and "25/11/2026 14:30" in said, (typed, said)
        assert "quá hạn" not in said, said
    await p.say("hôm qua 22:00", "Hiện trạng")
    assert description
    with pytest.raises(InvalidInput):
        h.services.incidents.detected("01/01/0001 08:00")
