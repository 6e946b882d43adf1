"""kill -9 in the middle of /report and just after its «Gửi», then a restart.

Half filled: the liaison's next answer takes the draft up at the same step, saying so, with
every answer given before the kill, and «Gửi» stores the report once. Just after «Gửi» (the
liaison told the report was sent, the notices to the on-duty responder and the admins still
going out): the incident exists once, everyone it was announced to gets it, and its
escalation still runs on time.
"""

from __future__ import annotations

from collections import Counter

from tests.e2e.test_report_conversation import category_to_files, up_to_category
from tests.faults.conftest import IN_FLIGHT, Reporter, Rig, policy_file, province

LIAISON = 100_000  # XA_000's liaison
RESPONDER = 300_000  # the lead, alone on duty
ADMINS = 20
RESUMED = "Hệ thống vừa khởi động lại. Tiếp tục báo cáo sự cố"
TAKE_WITHIN = 8
# Every priority: the on-duty responder and the lead at the take deadline, then the admins.
FAST_INCIDENTS = {p: {"take_within": f"{TAKE_WITHIN}s", "steps": [
    {"at": "0", "notify": ["on_duty", "team_lead"]}, {"at": "+3s", "notify": ["admins"]}]}
    for p in ("nghiem_trong", "cao", "trung_binh", "thap")}


async def test_sigkill_mid_report_then_the_next_answer_resumes_it(rig: Rig) -> None:
    await rig.import_province(province(agencies=2, responders=1))
    first = await rig.started()
    p = Reporter(rig, LIAISON)
    category = await up_to_category(p)  # system, addresses skipped, level: asked the category
    await first.kill()
    assert rig.query("SELECT conversation, step FROM drafts") == [("report", "ask")]

    await rig.started()
    before = len(rig.fake.messages_to(LIAISON))
    files = await category_to_files(p, category)  # its first answer: the category's button
    resumed = rig.fake.messages_to(LIAISON)[before]
    assert RESUMED in (resumed.plain_text or ""), resumed.plain_text
    assert "“trả lời câu hỏi đang dở”" in (resumed.plain_text or "")
    summary = await p.press(files, "Xong", "kiểm tra trước khi gửi")
    said = summary.plain_text or ""
    assert "Cổng thông tin điện tử tỉnh" in said and "Cấp 3" in said  # typed before the kill
    send = summary.button_data("Gửi")
    await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố")
    again = await p.tap(summary, send)  # the old «Gửi» once more (a double tap)
    assert "không còn hiệu lực" in again
    incidents = rig.query("SELECT code, json_extract(answers, '$.system_name'),"
                          " json_extract(answers, '$.system_level') FROM incidents")
    assert [(name, level) for _, name, level in incidents] == [
        ("Cổng thông tin điện tử tỉnh", "3")]
    assert rig.query("SELECT count(*) FROM drafts") == [(0,)]
    assert len(rig.texts_to(LIAISON, RESUMED)) == 1  # said once


async def test_sigkill_just_after_send_then_every_notice_and_the_escalation(rig: Rig) -> None:
    rig.env["HOATOC_POLICY_FILE"] = str(policy_file(rig.tmp / "policy.yaml", **FAST_INCIDENTS))
    await rig.import_province(province(agencies=2, admins=ADMINS, responders=1))
    # The notices trickle out (two a second), so the kill lands while they go out.
    first = await rig.started(HOATOC_SEND_RATE="2")
    p = Reporter(rig, LIAISON)
    files = await category_to_files(p, await up_to_category(p))
    summary = await p.press(files, "Xong", "kiểm tra trước khi gửi")
    await p.press(summary, "Gửi", "Đã gửi báo cáo sự cố")
    await first.kill()
    [(incident_id, code, reported_at)] = rig.query("SELECT id, code, reported_at FROM incidents")
    told = [RESPONDER, *(200_000 + i for i in range(ADMINS))]

    def notices() -> Counter[int]:
        return Counter(m.chat_id for m in rig.fake.sent_messages
                       if m.chat_id in told and code in (m.plain_text or "")
                       and "chưa có ai tiếp nhận" not in (m.plain_text or ""))

    assert len(notices()) < len(told), "the kill came after every notice was out"

    second = await rig.started()
    await rig.until(lambda: len(notices()) == len(told), 30, second, "for every notice")
    # The escalation goes on: nobody took it, so the take deadline's digest, then the admins'.
    def digests(chat: int) -> list[int]:
        return [m.date for m in rig.fake.messages_to(chat)
                if code in (m.plain_text or "") and "chưa có ai tiếp nhận" in (m.plain_text or "")]

    await rig.until(lambda: all(digests(c) for c in told), 40, second, "for the digests")
    await second.stop()

    assert rig.query("SELECT count(*) FROM incidents") == [(1,)]
    counts = notices()
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= IN_FLIGHT, f"{duplicates} duplicate notices, bound {IN_FLIGHT}"
    assert [m for m in rig.fake.messages_to(RESPONDER) if code in (m.plain_text or "")
            and any("Tiếp nhận" in str(b["text"]) for b in m.buttons)]
    assert len(digests(RESPONDER)) == 1 and digests(RESPONDER)[0] >= reported_at + TAKE_WITHIN
    for admin in told[1:]:
        assert len(digests(admin)) == 1 and digests(admin)[0] >= reported_at + TAKE_WITHIN + 3
    assert rig.query("SELECT count(*) FROM escalations WHERE subject_id = ? AND"
                     " subject_kind = 'incident_untaken'", incident_id) == [(1,)]


async def test_sigkill_between_the_stored_report_and_its_confirmation(rig: Rig) -> None:
    """The report is committed, the process dies before the liaison is told: after the
    restart the liaison is still told it was sent and its code (not left to wonder and
    report it twice), and the old «Gửi» stores nothing more."""
    await rig.import_province(province(agencies=2, responders=1))
    first = await rig.started()
    p = Reporter(rig, LIAISON)
    files = await category_to_files(p, await up_to_category(p))
    summary = await p.press(files, "Xong", "kiểm tra trước khi gửi")
    send = summary.button_data("Gửi")
    # The handler drops the summary's buttons once the report is stored, before it replies:
    # held there, the process is killed with the report committed and the liaison not told.
    rig.fake.hang_next("editMessageReplyMarkup", 20)
    rig.fake.press_button(LIAISON, summary.message_id, send)
    await rig.fake.wait_for_hangs("editMessageReplyMarkup", timeout=30)
    await first.kill()
    [(code,)] = rig.query("SELECT code FROM incidents")
    # (The confirmation may have gone out before the kill, from the outbox; the handler's
    # own reply, after the held edit, never did.)

    second = await rig.started()
    await rig.until(lambda: rig.texts_to(LIAISON, f"Đã gửi báo cáo sự cố {code}"), 30, second,
                    "for the confirmation")
    assert "không còn hiệu lực" in await p.tap(summary, send)
    await second.stop()
    assert rig.query("SELECT count(*) FROM incidents") == [(1,)]
    # Once, or twice if it was in flight at the kill (the outbox's documented window).
    assert len(rig.texts_to(LIAISON, "Đã gửi báo cáo sự cố")) in (1, 2)
