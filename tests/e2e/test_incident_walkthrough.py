"""Walking through the incident features as a hurried person would: what they stumble on.

Each test is a slip a real user makes at 2 a.m. (a second /report, a progress report typed
but not yet sent) and checks that nothing they typed is lost and that they are told so.
"""

from __future__ import annotations

from bot.storage.incidents import IncidentRepository
from tests.e2e.conftest import Harness
from tests.e2e.test_report_conversation import (
    LIAISON,
    _drafts,
    incidents,
    labels,
    liaison_with_phone,
)


async def test_a_second_report_takes_the_half_filled_one_up_again(harness: Harness) -> None:
    h = harness
    p = await liaison_with_phone(h)
    confirm = await p.say("/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    await p.press(confirm, "Đúng", "Tên hệ thống bị sự cố")
    await p.say("Cổng thông tin điện tử tỉnh", "Tên miền, địa chỉ IP")

    # /report again, as if starting over: the answers stay, the same question is asked again.
    again = await p.say("/report", "❓ Tên miền, địa chỉ IP")
    said = "\n".join(m.plain_text or "" for m in p.since(len(h.fake.messages_to(LIAISON)) - 2))
    assert "dở dang" in said and "/cancel" in said, said
    assert labels(again) == ["Bỏ qua", "Hủy"]
    [row] = await _drafts(h, LIAISON)
    assert row["answers"]["system_name"] == "Cổng thông tin điện tử tỉnh"

    # The «🚨 Báo cáo sự cố» button under /help: the same.
    menu = await p.say("/help", "/report")
    await p.press(menu, "🚨 Báo cáo sự cố", "❓ Tên miền, địa chỉ IP")
    [row] = await _drafts(h, LIAISON)
    assert row["answers"]["system_name"] == "Cổng thông tin điện tử tỉnh"

    # The answers go on from there; after /cancel, /report starts afresh.
    level = await p.press(again, "Bỏ qua", "Cấp độ an toàn")
    assert level
    await p.say("/cancel", "Đã hủy báo cáo sự cố")
    fresh = await p.say("/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    assert labels(fresh) == ["Đúng", "Sửa", "Hủy"]
    assert await incidents(h) == []


async def test_a_progress_report_typed_says_it_is_not_sent_until_gui(harness: Harness) -> None:
    from tests.e2e.test_broadcast_conversation import has
    from tests.e2e.test_incident_lifecycle import BACKUP, asked, report, setup

    h = harness
    w = await setup(h)
    incident = await report(h, w)
    await asked(h, BACKUP, "progress", incident.id, "Báo cáo diễn biến")
    got = await h.say(BACKUP, "Phát hiện thêm 2 máy trạm bị nhiễm.", has("Đã ghi nhận ("))
    said = got.plain_text or ""
    assert "chưa gửi" in said and "“Gửi”" in said, said


async def test_another_move_tapped_over_an_unsent_progress_report_keeps_it(
        harness: Harness) -> None:
    """Typed but not sent: tapping «Đã khắc phục» (or any other move) must not drop it
    silently. The tap is refused, saying what is unsent; «Gửi» still sends it."""
    from tests.e2e.test_broadcast_conversation import has
    from tests.e2e.test_incident_lifecycle import AN, alert, asked, button, now_, report, setup
    from tests.e2e.test_incident_lifecycle import tap as tap_move

    h = harness
    w = await setup(h)
    incident = await report(h, w)
    await asked(h, AN, "progress", incident.id, "Báo cáo diễn biến")
    got = await h.say(AN, "Đã cô lập máy chủ bị nhiễm.", has("Đã ghi nhận ("))
    query, _ = await tap_move(h, AN, "release", incident.id)
    assert "chưa gửi" in alert(h, query), alert(h, query)
    assert (await now_(h, incident)).status.value == "taken"  # the release did not start
    await button(h, AN, got, "Gửi", "Đã gửi báo cáo diễn biến")
    [progress] = [e for e in await IncidentRepository(h.services.db.reader).events(incident.id)
                  if e.kind.value == "progress"]
    assert progress.text == "Đã cô lập máy chủ bị nhiễm."


async def test_another_move_over_a_move_with_nothing_typed_starts_afresh(
        harness: Harness) -> None:
    from tests.e2e.test_incident_lifecycle import AN, asked, report, setup

    h = harness
    w = await setup(h)
    incident = await report(h, w)
    await asked(h, AN, "progress", incident.id, "Báo cáo diễn biến")
    await asked(h, AN, "release", incident.id, "Đề nghị nhập lý do")  # nothing typed: fine


async def test_the_closing_report_asks_each_part_inside_a_sentence(harness: Harness) -> None:
    from tests.e2e.test_incident_lifecycle import AN, asked, report, setup

    h = harness
    w = await setup(h)
    incident = await report(h, w)
    async with h.services.db.transaction() as conn:
        await IncidentRepository(conn).update(incident.id, h.clock.now(), status="in_progress")
    q = await asked(h, AN, "resolve", incident.id, "(1/5)")
    assert "Đề nghị nhập diễn biến sự cố." in (q.plain_text or ""), q.plain_text


async def test_a_caption_that_would_overflow_the_progress_report_is_refused_not_cut(
        harness: Harness) -> None:
    from tests.e2e.test_broadcast_conversation import has
    from tests.e2e.test_incident_lifecycle import AN, asked, report, setup

    h = harness
    w = await setup(h)
    incident = await report(h, w)
    await asked(h, AN, "progress", incident.id, "Báo cáo diễn biến")
    await h.say(AN, "x" * 2990, has("Đã ghi nhận ("))
    before = len(h.fake.messages_to(AN))
    h.fake.send_photo(AN, b"\xff\xd8shot", caption="Ảnh chụp màn hình máy chủ bị mã hóa dữ liệu")
    refused = await h.fake.wait_for_message(AN, has("tối đa"), after=before)
    assert "3000" in (refused.plain_text or "")
    got = await h.say(AN, "ok", has("Đã ghi nhận ("))
    assert "0 tệp" in (got.plain_text or ""), got.plain_text  # the photo was not taken either


async def test_skipping_an_optional_part_of_the_closing_report_answers_the_tap(
        harness: Harness) -> None:
    """«Bỏ qua» on the last, optional part: the next step came, but the tap was never
    answered (Telegram keeps a spinner on the button) and the button stayed (found by
    `make demo`)."""
    from tests.e2e.test_broadcast_conversation import has
    from tests.e2e.test_incident_lifecycle import AN, asked, report, setup

    h = harness
    w = await setup(h)
    incident = await report(h, w)
    async with h.services.db.transaction() as conn:
        await IncidentRepository(conn).update(incident.id, h.clock.now(), status="in_progress")
    part = await asked(h, AN, "resolve", incident.id, "(1/5)")
    for n in range(2, 6):
        part = await h.say(AN, f"Phần {n - 1} của báo cáo kết thúc.", has(f"({n}/5)"))
    before = len(h.fake.messages_to(AN))
    query = h.fake.press_button(AN, part.message_id, part.button_data("Bỏ qua"))
    await h.fake.wait_for_message(AN, has("Bấm “Gửi”"), after=before)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query, timeout=3)
    await h.fake.wait_for_message(AN, lambda m: m.message_id == part.message_id
                                  and not m.buttons, timeout=3)
