"""An agency with nobody reachable on the bot is a setup problem, not an overdue one (issue 10,
item 11).

At sending, the sending admin gets one message listing those agencies with their phones, and
the status counts them; the on-duty responders are paged at once for Hỏa tốc and Thượng khẩn
(the policy's `no_liaison_to_on_duty`), under a title that says what it is, with a
«Tôi sẽ liên hệ» button for every listed agency in the list's order, eight to a page.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from bot.domain.directives import Urgency
from bot.domain.escalation import SubjectKind
from bot.domain.phones import display_phone
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.escalations import EscalationRepository, EscalationRow
from bot.telegram.keyboards import CLAIM_LABEL_MAX
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import FAST, agency_ids, draft, is_directive, join
from tests.e2e.test_escalation import POLICY, claim_tap, set_rotation, texts
from tests.e2e.test_onboarding import import_province

M = timedelta(minutes=1)
ACK = SubjectKind.DIRECTIVE_ACK
TITLE = "Chưa có đầu mối liên lạc được, đề nghị gọi điện"
REPORT = "chưa có cán bộ đầu mối liên lạc được"
NOBODY = ("SNV", "TT_CNTT", "VP_UBND")  # imported, nobody of theirs has joined the bot


async def start(h: Harness, policy: Path | None = None) -> None:
    """CAT's liaison 101 is on the bot; 103 is on duty, 104 leads the team."""
    await h.start(**FAST, **({"policy_file": policy} if policy else {}))
    await import_province(h)
    await join(h, 101, "liaison CAT")
    await join(h, 103, "responder")
    await join(h, 104, "responder lead")
    await set_rotation(h, 103)


async def send(h: Harness, *codes: str, urgency: Urgency = Urgency.HOA_TOC) -> int:
    d = draft(h, urgency=urgency)
    d.agency_ids = await agency_ids(h, *codes)
    directive, _ = await h.services.broadcast.send(SUPER_ADMIN, d)
    await h.fake.wait_for_message(101, is_directive)
    await h.services.sender.drained()
    return directive.id


async def rows(h: Harness, directive_id: int) -> dict[str, EscalationRow]:
    agencies = await AgencyRepository(h.services.db.reader).by_ids(
        list(await agency_ids(h, "CAT", *NOBODY)))
    return {agencies[r.agency_id].code: r
            for r in await EscalationRepository(h.services.db.reader).of_subject(ACK, directive_id)
            if r.agency_id in agencies}


async def name_and_phone(h: Harness, code: str) -> tuple[str, str]:
    agency = await AgencyRepository(h.services.db.reader).by_code(code)
    return agency.name, display_phone(agency.phone)


def pages_of(h: Harness, user_id: int) -> list[SentMessage]:
    return texts(h, user_id, TITLE)


def agency_buttons(m: SentMessage) -> list[str]:
    return [b["text"].removeprefix("📞 ") for b in m.buttons
            if b["text"].startswith("📞 ") and "tất cả" not in b["text"]]


def listed(m: SentMessage) -> list[str]:
    """The agencies a digest lists, in its order, as their buttons name them."""
    return [line.removeprefix("• ").split(" — ")[0][:CLAIM_LABEL_MAX]
            for line in (m.plain_text or "").splitlines() if line.startswith("• ")]


async def test_the_sender_is_told_at_once_and_on_duty_is_paged_for_hoa_toc(
    harness: Harness,
) -> None:
    h = harness
    await start(h)
    directive_id = await send(h, "CAT", *NOBODY)

    # The sender: one message, every agency nobody can be reached at, with its phone.
    [report] = texts(h, SUPER_ADMIN, REPORT)
    text = report.plain_text or ""
    assert "3 đơn vị" in text and "1556/UBND-KGVX" in text
    for code in NOBODY:
        name, phone = await name_and_phone(h, code)
        assert f"{name} — ☎️ {phone}" in text
    assert "Công an tỉnh" not in text  # CAT's liaison got it
    assert "Đã thông báo Đội ứng cứu sự cố" in text  # the on-duty responder will phone too
    assert not report.buttons

    # The on-duty responder: paged now, under a title that says what it is (no "Đôn đốc":
    # nothing is overdue), a claim button per agency in the list's order.
    [page] = pages_of(h, 103)
    assert "Đôn đốc" not in (page.plain_text or "") and "quá hạn" not in (page.plain_text or "")
    names = sorted([(await name_and_phone(h, c))[0][:CLAIM_LABEL_MAX] for c in NOBODY])
    assert listed(page) == names
    assert page.buttons[0]["text"] == "📞 Tôi sẽ liên hệ tất cả"
    assert agency_buttons(page) == names
    assert pages_of(h, 104) == [] and pages_of(h, SUPER_ADMIN) == []
    assert texts(h, 101, TITLE) == []

    # The status counts them; the database says they were reported, and no round is counted.
    _, tally = await h.services.broadcast.tally(directive_id)
    assert (tally.unreachable, tally.pending, tally.escalated) == (3, 1, 0)
    state = await rows(h, directive_id)
    for code in NOBODY:
        assert state[code].unreachable and state[code].unreachable_notified
        assert state[code].done == (0, 0, 0) and state[code].status == "active"
    assert not state["CAT"].unreachable
    async with h.services.db.reader.execute(
            "SELECT escalation_ids FROM escalation_notices") as cur:
        [(ids,)] = await cur.fetchall()
    assert sorted(json.loads(ids)) == sorted(state[c].id for c in NOBODY)
    [entry] = await AuditRepository(h.services.db.reader).entries("escalation.notice")
    assert entry.details["recipients"] == 1

    # Running the engine now pages nobody again.
    assert await h.services.escalation.run_due() == 0
    await h.services.sender.drained()
    assert len(pages_of(h, 103)) == 1 and len(texts(h, SUPER_ADMIN, REPORT)) == 1

    # A claim from the page works like any other; a liaison's forged tap is refused.
    first = page.button_data(names[0])
    assert "đã nhận thông báo" in await claim_tap(h, 101, h.fake.messages_to(101)[-1], first)
    answer = await claim_tap(h, 103, page, first)
    assert "Đã ghi nhận" in answer and names[0] in answer
    await h.services.sender.drained()
    edited = await h.fake.wait_for_message(
        103, lambda m: m.message_id == page.message_id and "sẽ liên hệ" in (m.plain_text or ""))
    assert agency_buttons(edited) == names[1:]
    # Drawn again, it still says what it is: a setup problem, not a round of "Đôn đốc".
    assert (edited.plain_text or "").startswith("☎️ " + TITLE)
    assert "Đôn đốc" not in (edited.plain_text or "")
    assert "chưa có cán bộ đầu mối nào nhận được văn bản" in (edited.plain_text or "")

    # The deadline: only then is it "Đôn đốc", and the unclaimed ones are on it, unreachable.
    h.clock.advance(30 * M)
    await h.services.escalation.run_due()
    await h.services.sender.drained()
    [digest] = texts(h, 103, "Đôn đốc (lần 1/5)")
    assert names[1] in (digest.plain_text or "") and "không liên lạc được" in (
        digest.plain_text or "")
    assert "Công an tỉnh" in (digest.plain_text or "")


async def test_the_sender_is_not_told_the_team_was_paged_when_nobody_of_it_is_on_the_bot(
    harness: Harness,
) -> None:
    """Nobody on duty and no lead on the bot: the page falls back to the admins alone, so
    the sender must not read that the team was told; they are asked to phone it."""
    h = harness
    await h.start(**FAST)
    await import_province(h)  # the rotation's responders and the lead are imported, not joined
    await join(h, 101, "liaison CAT")
    await send(h, "CAT", "SNV")
    [report] = texts(h, SUPER_ADMIN, REPORT)
    text = report.plain_text or ""
    assert "Đã thông báo Đội ứng cứu sự cố" not in text
    assert "Chưa thông báo được thành viên nào của Đội ứng cứu sự cố" in text
    assert "gọi điện trực tiếp" in text

    # With the on-duty responder on the bot, the report names who was told.
    await join(h, 103, "responder")
    await set_rotation(h, 103)
    await send(h, "CAT", "VP_UBND")
    [_, second] = texts(h, SUPER_ADMIN, REPORT)
    assert "Đã thông báo Đội ứng cứu sự cố (Hùng Nguyễn)" in (second.plain_text or "")


async def test_khan_tells_the_sender_but_pages_nobody_until_the_deadline(
    harness: Harness,
) -> None:
    h = harness
    await start(h)
    directive_id = await send(h, "CAT", "TT_CNTT", urgency=Urgency.KHAN)
    [report] = texts(h, SUPER_ADMIN, REPORT)
    name, phone = await name_and_phone(h, "TT_CNTT")
    assert "1 đơn vị" in (report.plain_text or "")
    assert f"{name} — ☎️ {phone}" in (report.plain_text or "")
    assert "thời hạn xác nhận" in (report.plain_text or "")  # when on duty will hear of it
    assert await h.services.escalation.run_due() == 0
    await h.services.sender.drained()
    assert pages_of(h, 103) == [] and texts(h, 103, "Đôn đốc") == []
    state = await rows(h, directive_id)
    assert state["TT_CNTT"].unreachable and state["TT_CNTT"].unreachable_notified
    _, tally = await h.services.broadcast.tally(directive_id)
    assert tally.unreachable == 1
    # At the deadline (Khẩn: 4 hours) the on-duty responder hears of both, as any digest.
    h.clock.advance(4 * 60 * M)
    await h.services.escalation.run_due()
    await h.services.sender.drained()
    [digest] = texts(h, 103, "Đôn đốc")
    assert name in (digest.plain_text or "") and "không liên lạc được" in (
        digest.plain_text or "")


async def test_everyone_reachable_means_no_report_and_no_page(harness: Harness) -> None:
    h = harness
    await start(h)
    await send(h, "CAT")
    assert texts(h, SUPER_ADMIN, REPORT) == [] and pages_of(h, 103) == []


async def test_the_policy_decides_per_urgency(harness: Harness, tmp_path: Path) -> None:
    """Turned off for Hỏa tốc: the sender is told, nobody is paged; nobody on duty for
    a policy that pages: the lead and the admins are, and the page says so."""
    h = harness
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace(
        "  hoa_toc:\n", "  hoa_toc:\n    no_liaison_to_on_duty: false\n").replace(
        "thuong: {ack_within: 8h}", "thuong: {ack_within: 8h, no_liaison_to_on_duty: true}"),
        "utf-8")
    await start(h, policy)
    await send(h, "CAT", "SNV")
    [report] = texts(h, SUPER_ADMIN, REPORT)
    assert "Sở Nội vụ" in (report.plain_text or "") and "thời hạn xác nhận" in (
        report.plain_text or "")
    assert pages_of(h, 103) == []
    await set_rotation(h)  # nobody on duty from now on
    await send(h, "CAT", "SNV", urgency=Urgency.THUONG)
    for user in (104, SUPER_ADMIN):
        [page] = pages_of(h, user)
        assert "không có thành viên nào đang trực" in (page.plain_text or "")
    assert pages_of(h, 103) == []


async def test_claim_buttons_beyond_eight_are_paged_on_the_same_message(
    harness: Harness,
) -> None:
    h = harness
    await start(h)
    communes = sorted(a.id for a in (await h.services.broadcast.catalog())[1]
                      if a.kind == "committee")[:11]
    d = draft(h)
    d.agency_ids = set(communes) | await agency_ids(h, "CAT")
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await h.services.sender.drained()
    [report] = texts(h, SUPER_ADMIN, REPORT)
    assert "11 đơn vị" in (report.plain_text or "")
    [page] = pages_of(h, 103)
    order = listed(page)
    assert len(order) == 11
    labels = [b["text"] for b in page.buttons]
    assert labels[0] == "📞 Tôi sẽ liên hệ tất cả"
    assert agency_buttons(page) == order[:8]
    assert labels[-1] == "Trang tiếp ▶️" and "◀️ Trang trước" not in labels
    text_before = page.plain_text

    # «Trang tiếp»: the same message shows the next three, in order, and a way back.
    answer = await claim_tap(h, 103, page, page.button_data("Trang tiếp"))
    assert answer == ""
    await h.fake.wait_for_message(103, lambda m: m.message_id == page.message_id
                                  and agency_buttons(m) == order[8:])
    assert page.buttons[0]["text"] == "📞 Tôi sẽ liên hệ tất cả"
    assert [b["text"] for b in page.buttons][-1] == "◀️ Trang trước"
    assert page.plain_text == text_before and len(pages_of(h, 103)) == 1

    # Someone else (the lead did not get this page; a liaison never does): refused, unchanged.
    back = page.button_data("Trang trước")
    for user in (104, 101):
        own = h.fake.messages_to(user)[-1]  # the data replayed on a message of their own
        assert "đã nhận thông báo" in await claim_tap(h, user, own, back)
        assert own.edits == []
    assert agency_buttons(page) == order[8:]

    # A claim on the second page takes that agency; the copies start again from page one.
    answer = await claim_tap(h, 103, page, page.button_data(order[9]))
    assert order[9] in answer
    await h.services.sender.drained()
    await h.fake.wait_for_message(103, lambda m: m.message_id == page.message_id
                                  and "sẽ liên hệ" in (m.plain_text or ""))
    rest = order[:9] + order[10:]
    assert agency_buttons(page) == rest[:8]
    await claim_tap(h, 103, page, page.button_data("Trang tiếp"))
    await h.fake.wait_for_message(103, lambda m: m.message_id == page.message_id
                                  and agency_buttons(m) == rest[8:])
    # A page number past the end (forged, or the list shrank): the last page.
    notice_id = int(page.button_data("Trang trước").split(":")[1])
    await claim_tap(h, 103, page, f"escp:{notice_id}:99")
    assert agency_buttons(page) == rest[8:]
    # «tất cả» takes the rest: no buttons are left.
    await claim_tap(h, 103, page, page.button_data("tất cả"))
    await h.services.sender.drained()
    await h.fake.wait_for_message(103, lambda m: m.message_id == page.message_id
                                  and not m.buttons)


async def test_the_result_report_digest_does_not_call_an_agency_nobody_can_reach_overdue(
    harness: Harness,
) -> None:
    """An agency that never received the directive is not "quá hạn" in the report's digest
    either: it is listed as not reachable, as in the acknowledgement's."""
    h = harness
    await start(h)
    d = draft(h, report_deadline_at=h.clock.now() + 120 * M)
    d.agency_ids = await agency_ids(h, "CAT", "SNV")
    directive, _ = await h.services.broadcast.send(SUPER_ADMIN, d)
    await h.fake.wait_for_message(101, is_directive)
    await h.services.sender.drained()
    results = await EscalationRepository(h.services.db.reader).of_subject(
        SubjectKind.DIRECTIVE_RESULT, directive.id)
    snv = (await AgencyRepository(h.services.db.reader).by_code("SNV")).id
    assert [r.unreachable for r in results if r.agency_id == snv] == [True]
    h.clock.advance(181 * M)  # the report deadline's +1h step: the admins
    await h.services.escalation.run_due()
    await h.services.sender.drained()
    [digest] = texts(h, SUPER_ADMIN, "báo cáo kết quả thực hiện")
    line = next(x for x in (digest.plain_text or "").splitlines() if x.startswith("• Sở Nội vụ"))
    assert "không liên lạc được" in line and "quá hạn" not in line
    assert "Công an tỉnh — quá hạn" in (digest.plain_text or "")


async def test_an_extension_leaves_the_page_at_sending_standing(harness: Harness) -> None:
    """Moving the deadline does not make anyone reachable: the page still asks for a call
    (no "chưa cần liên hệ"), shows the new deadline, and its claim buttons work."""
    h = harness
    await start(h)
    directive_id = await send(h, "CAT", "SNV")
    [page] = pages_of(h, 103)
    new = h.clock.now() + 90 * M
    await h.services.broadcast.extend(SUPER_ADMIN, directive_id, new)
    await h.services.sender.drained()
    edited = await h.fake.wait_for_message(
        103, lambda m: m.message_id == page.message_id and "09:30" in (m.plain_text or ""))
    text = edited.plain_text or ""
    assert text.startswith("☎️ " + TITLE) and "chưa cần liên hệ" not in text
    assert "Thời hạn xác nhận: 09:30 ngày 23/11/2026" in text
    assert agency_buttons(edited) == ["Sở Nội vụ"]
    answer = await claim_tap(h, 103, edited, edited.button_data("Sở Nội vụ"))
    assert "Đã ghi nhận" in answer and "Sở Nội vụ" in answer
    state = await rows(h, directive_id)
    assert state["SNV"].handled_by is not None


async def test_alerts_call_the_page_at_sending_what_it_is(harness: Harness) -> None:
    """Before the deadline, /alerts lists the agency nobody can reach under the page's
    title, not as a round of "Đôn đốc"; at the deadline it is one."""
    h = harness
    await start(h)
    await send(h, "CAT", "SNV")
    text = (await h.say(103, "/alerts")).plain_text or ""
    assert "☎️ Chưa có đầu mối liên lạc được: văn bản số 1556/UBND-KGVX" in text
    assert "Đôn đốc xác nhận" not in text
    assert "• Sở Nội vụ — không liên lạc được · chưa có ai nhận liên hệ" in text
    h.clock.advance(30 * M)
    await h.services.escalation.run_due()
    await h.services.sender.drained()
    text = (await h.say(103, "/alerts")).plain_text or ""
    assert "Đôn đốc (lần 1/5) xác nhận văn bản số 1556/UBND-KGVX" in text
