"""Late delivery: a liaison who joins, is activated or becomes reachable after «Gửi» still gets
every open directive of their agency, marked as sent late, once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml

from bot.app import build_importer
from bot.clock import to_epoch
from bot.domain.models import Role
from bot.services.directive_escalations import ACK
from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.storage.escalations import EscalationRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_directives import agency_ids, draft, join, setup_liaisons
from tests.e2e.test_escalation import broadcast
from tests.e2e.test_inactive import AGENCY, PEOPLE, start

A = SUPER_ADMIN


async def send(h: Harness, number: str, *codes: str, **kw: object):
    d = draft(h, number=number, **kw)
    d.agency_ids = await agency_ids(h, *codes)
    directive, _ = await h.services.broadcast.send(A, d)
    await h.services.sender.drained()
    return directive


def copy_of(number: str):
    """A copy of the directive itself (not a reminder about it)."""
    return lambda m: f"<b>Số:</b> {number}" in (m.text or "") and bool(m.buttons)


def copies(h: Harness, user_id: int, number: str) -> list:
    return [m for m in h.fake.messages_to(user_id) if copy_of(number)(m)]


async def tap_ack(h: Harness, user_id: int, msg) -> str:
    query = h.fake.press_button(user_id, msg.message_id, msg.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return (h.fake.callback_answer(query) or {}).get("text", "")


async def test_liaison_who_joins_later_gets_open_directives_as_late_copies(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    # SNV has no liaison at all when these go out.
    await send(h, "11/UBND-KGVX", "SNV", "CAT")
    await send(h, "12/UBND-KGVX", "SNV")
    h.clock.advance(hours=30)  # past both deadlines: the copies must say they are overdue
    await join(h, 104, "liaison SNV")
    for number in ("11/UBND-KGVX", "12/UBND-KGVX"):
        late = await h.fake.wait_for_message(104, copy_of(number))
        text = late.plain_text or ""
        assert "Gửi bổ sung" in text, text
        assert "quá hạn" in text, text
        assert [b["text"] for b in late.buttons] == ["✅ Đã nhận văn bản"]
    # Taken before the tap: the acknowledged copy loses its buttons when its edit lands.
    [late11], [late12] = copies(h, 104, "11/UBND-KGVX"), copies(h, 104, "12/UBND-KGVX")
    # The late copy acknowledges for the agency like any other.
    answer = await tap_ack(h, 104, late12)
    assert "Đã ghi nhận" in answer and "Sở Nội vụ" in answer
    snv = await AgencyRepository(h.services.db.reader).by_code("SNV")
    d12 = await DirectiveRepository(h.services.db.reader).latest_by_number("12/UBND-KGVX")
    assert d12 is not None
    ack = await DirectiveRepository(h.services.db.reader).ack_of(d12.id, snv.id)
    assert ack is not None and ack.late
    # Nobody else got a second copy of anything.
    for user in (101, 102):
        assert len(copies(h, user, "11/UBND-KGVX")) == 1
    assert late11.message_id != late12.message_id
    entries = [e for e in await AuditRepository(h.services.db.reader).entries()
               if e.action == "directive.late_delivery"]
    assert sorted(e.subject or "" for e in entries) == ["11/UBND-KGVX", "12/UBND-KGVX"]


async def test_imported_liaison_gets_open_directives_when_first_pressing_start(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    snv = await AgencyRepository(h.services.db.reader).by_code("SNV")
    async with h.services.db.transaction() as conn:  # imported with a Telegram id, never started
        await PeopleRepository(conn).insert({
            "full_name": "Trần Khách", "telegram_user_id": 104, "agency_id": snv.id,
            "rank": "primary", "roles": {Role.LIAISON}}, to_epoch(h.clock.now()))
    await send(h, "21/UBND-KGVX", "SNV")
    assert h.fake.messages_to(104) == []
    await h.say(104, "/start")
    late = await h.fake.wait_for_message(104, copy_of("21/UBND-KGVX"))
    assert "Gửi bổ sung" in (late.plain_text or "")
    assert "quá hạn" not in (late.plain_text or "")  # still within its deadline
    await h.say(104, "/help")
    assert len(copies(h, 104, "21/UBND-KGVX")) == 1


async def test_liaison_who_unblocks_the_bot_gets_what_they_missed(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    h.fake.block(102)
    await send(h, "31/UBND-KGVX", "CAT")  # 102's copy bounces: 102 is unreachable
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(102)
    assert person is not None and not person.reachable
    await send(h, "32/UBND-KGVX", "CAT")  # 102 is not even tried
    assert copies(h, 102, "31/UBND-KGVX") == copies(h, 102, "32/UBND-KGVX") == []
    h.fake.unblock(102)
    await h.say(102, "/pending")
    for number in ("31/UBND-KGVX", "32/UBND-KGVX"):
        late = await h.fake.wait_for_message(102, copy_of(number))
        assert "Gửi bổ sung" in (late.plain_text or "")
    # The copies are deliveries like the others: status counts them as sent.
    d31 = await DirectiveRepository(h.services.db.reader).latest_by_number("31/UBND-KGVX")
    assert d31 is not None
    await h.services.sender.drained()
    _, tally = await h.services.broadcast.tally(d31.id)
    assert (tally.sent, tally.blocked) == (2, 0)


async def test_recalled_and_acknowledged_directives_are_not_sent_late(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    recalled = await send(h, "41/UBND-KGVX", "SNV", "CAT")
    await h.services.broadcast.recall(A, recalled.id)
    await send(h, "42/UBND-KGVX", "SNV")
    await h.services.sender.drained()
    await join(h, 104, "liaison SNV")
    await h.fake.wait_for_message(104, copy_of("42/UBND-KGVX"))
    await h.say(104, "/help")
    assert not any("41/UBND-KGVX" in (m.text or "") for m in h.fake.messages_to(104))
    # CAT already acknowledged 43: a backup joining later has nothing to acknowledge.
    acked = await send(h, "43/UBND-KGVX", "CAT")
    assert "Đã ghi nhận" in await tap_ack(
        h, 101, await h.fake.wait_for_message(101, copy_of("43/UBND-KGVX")))
    await join(h, 9002, "liaison CAT du_phong")
    await h.say(9002, "/help")
    assert not any("43/UBND-KGVX" in (m.text or "") for m in h.fake.messages_to(9002))
    assert acked.id


async def test_no_duplicate_for_a_liaison_who_already_has_a_copy(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await send(h, "51/UBND-KGVX", "CAT")
    first = await h.fake.wait_for_message(101, copy_of("51/UBND-KGVX"))
    # Telegram once refused a later message (so 101 is marked unreachable); 101 writes again.
    await h.services.onboarding.mark_unreachable(101, "blocked")
    await h.say(101, "/pending")
    await h.say(101, "/help")
    await h.services.sender.drained()
    assert copies(h, 101, "51/UBND-KGVX") == [first]
    # Joining again with a second invite to the same agency sends nothing twice either.
    await join(h, 101, "liaison CAT")
    await h.say(101, "/help")
    await h.services.sender.drained()
    assert copies(h, 101, "51/UBND-KGVX") == [first]
    d = await DirectiveRepository(h.services.db.reader).latest_by_number("51/UBND-KGVX")
    assert d is not None
    assert len(await DirectiveRepository(h.services.db.reader).deliveries(d.id)) == 2


async def test_late_copy_is_followed_by_every_correction_sent_before(harness: Harness) -> None:
    """A liaison who joins after an «Đính chính» sees the corrections the others saw."""
    h = harness
    await setup_liaisons(h)
    d = await send(h, "61/UBND-KGVX", "SNV", "CAT")  # SNV: nobody has joined yet
    await h.services.broadcast.correct(A, d.id, "Sửa “3 ngày” thành “24 giờ”.")
    await h.services.broadcast.correct(A, d.id, "Bổ sung: báo cáo qua <hộp thư> của Sở.")
    await h.services.sender.drained()
    others = [m.text for m in h.fake.messages_to(101) if "Đính chính" in (m.plain_text or "")]
    assert len(others) == 2
    await join(h, 104, "liaison SNV")
    late = await h.fake.wait_for_message(104, copy_of("61/UBND-KGVX"))
    await h.fake.wait_for_message(104, lambda m: "hộp thư" in (m.plain_text or ""))
    await h.services.sender.drained()
    after = [m for m in h.fake.messages_to(104) if m.message_id > late.message_id]
    notices = [m for m in after if "Đính chính" in (m.plain_text or "")]
    # The same notices, in the same order, each under the late copy.
    assert [m.text for m in notices] == others
    assert [m.params["reply_parameters"]["message_id"] for m in notices] == [late.message_id] * 2
    async with h.services.db.reader.execute(
            "SELECT text, created_by FROM corrections WHERE directive_id = ? ORDER BY id",
            (d.id,)) as cur:
        rows = [tuple(r) for r in await cur.fetchall()]
    assert rows == [("Sửa “3 ngày” thành “24 giờ”.", A),
                    ("Bổ sung: báo cáo qua <hộp thư> của Sở.", A)]


async def test_new_liaison_gets_a_copy_to_send_the_report_still_due(harness: Harness) -> None:
    """The agency acknowledged but owes its result report: a liaison who joins later gets a
    copy to report on (no ✅, already acknowledged, by whom), and /pending lists it."""
    h = harness
    await setup_liaisons(h)
    d = await send(h, "71/UBND-KGVX", "TT_CNTT",
                   report_deadline_at=h.clock.now() + timedelta(days=3))
    copy = await h.fake.wait_for_message(103, copy_of("71/UBND-KGVX"))
    assert "Đã ghi nhận" in await tap_ack(h, 103, copy)
    await send(h, "72/UBND-KGVX", "TT_CNTT")  # no report asked: acknowledged, so nothing owed
    assert "Đã ghi nhận" in await tap_ack(
        h, 103, await h.fake.wait_for_message(103, copy_of("72/UBND-KGVX")))
    await join(h, 104, "liaison TT_CNTT du_phong")  # 103's replacement
    late = await h.fake.wait_for_message(104, copy_of("71/UBND-KGVX"))
    text = late.plain_text or ""
    assert "Gửi bổ sung" in text and "Đã xác nhận" in text and "Hùng" in text, text
    assert [b["text"] for b in late.buttons] == ["📝 Báo cáo kết quả"]
    pending = await h.say(104, "/pending")
    assert "71/UBND-KGVX" in (pending.plain_text or "")
    assert "báo cáo kết quả" in (pending.plain_text or "")
    assert "72/UBND-KGVX" not in (pending.plain_text or "")
    assert copies(h, 104, "72/UBND-KGVX") == []
    # The new liaison sends the report from that copy.
    before = len(h.fake.messages_to(104))
    h.fake.press_button(104, late.message_id, late.button_data("Báo cáo"))
    await h.fake.wait_for_message(104, has("Báo cáo kết quả thực hiện"), after=before)
    got = await h.say(104, "Đã bố trí trực 24/7.", has("Gửi báo cáo"))
    before = len(h.fake.messages_to(104))
    h.fake.press_button(104, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(104, has("Đã lưu báo cáo kết quả"), after=before)
    reports = await DirectiveRepository(h.services.db.reader).result_reports(d.id)
    assert [r["text"] for r in reports] == ["Đã bố trí trực 24/7."]
    # Reported: nothing is owed any more, to anyone joining after.
    await join(h, 9002, "liaison TT_CNTT du_phong")
    none = await h.say(9002, "/pending")
    assert "71/UBND-KGVX" not in (none.plain_text or "")
    assert copies(h, 9002, "71/UBND-KGVX") == []


async def test_late_copy_keeps_its_late_mark_once_acknowledged_or_recalled(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    await send(h, "81/UBND-KGVX", "SNV")
    recalled = await send(h, "82/UBND-KGVX", "SNV")
    h.clock.advance(hours=30)  # past the deadline: the late copies say so
    await join(h, 104, "liaison SNV")
    late = await h.fake.wait_for_message(104, copy_of("81/UBND-KGVX"))
    late82 = await h.fake.wait_for_message(104, copy_of("82/UBND-KGVX"))
    assert "Gửi bổ sung" in (late.plain_text or "")
    assert "Gửi bổ sung" in (late82.plain_text or "")
    assert "Đã ghi nhận" in await tap_ack(h, 104, late)
    acked = await h.fake.wait_for_message(
        104, lambda m: m.message_id == late.message_id and "Đã xác nhận" in (m.plain_text or "")
        and not m.buttons)
    assert "Gửi bổ sung" in (acked.plain_text or ""), acked.plain_text
    # Acknowledged: the request to acknowledge at once no longer stands.
    assert "Đề nghị xác nhận ngay" not in (acked.plain_text or "")
    await h.services.broadcast.recall(A, recalled.id)
    withdrawn = await h.fake.wait_for_message(
        104, lambda m: m.message_id == late82.message_id and "THU HỒI" in (m.plain_text or ""))
    assert "Gửi bổ sung" in (withdrawn.plain_text or ""), withdrawn.plain_text
    assert "Đề nghị xác nhận ngay" not in (withdrawn.plain_text or "")


async def import_beside_the_bot(h: Harness, path: Path) -> None:
    """`hoatoc import` in its own process: its own connection, nothing wakes the bot's sender."""
    db = Database(h.services.settings.database, h.clock)
    await db.open()
    try:
        await build_importer(h.services.settings, db, h.clock).import_file(path)
    finally:
        await db.close()


async def reimport(h: Harness, tmp: Path, code: str, **changes: object) -> None:
    path = tmp / f"people-{code}-{'-'.join(f'{k}={v}' for k, v in changes.items())}.yaml"
    path.write_text(yaml.safe_dump({"people": [{**PEOPLE[code], **changes}]},
                                   allow_unicode=True), encoding="utf-8")
    await import_beside_the_bot(h, path)


def late_copy(m: SentMessage) -> bool:
    return copy_of("1556/UBND-KGVX")(m) and "Gửi bổ sung" in (m.plain_text or "")


async def test_liaison_made_active_again_by_an_import_gets_the_open_directives(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    h.services.sender.poll_every = 0.2  # rows written by another process are noticed soon
    await reimport(h, tmp_path, "P900", active=False)
    d = await broadcast(h, AGENCY)  # to 102 only
    await h.services.sender.drained()
    assert [m for m in h.fake.messages_to(101) if "1556/UBND-KGVX" in (m.text or "")] == []
    await reimport(h, tmp_path, "P900", active=True)  # a mistaken import undone
    # Without writing to the bot, and with nothing else waking the bot's sender.
    late = await h.fake.wait_for_message(101, late_copy)
    assert [b["text"] for b in late.buttons] == ["✅ Đã nhận văn bản"]
    pending = await h.say(101, "/pending")
    assert "1556/UBND-KGVX" in (pending.plain_text or "")
    await h.services.sender.drained()
    assert len([m for m in h.fake.messages_to(101) if copy_of("1556/UBND-KGVX")(m)]) == 1
    p900 = await PeopleRepository(h.services.db.reader).by_telegram_id(101)
    assert p900 is not None
    dl = await DirectiveRepository(h.services.db.reader).delivery_of(d.id, p900.id)
    assert dl is not None and dl.late and dl.message_id == late.message_id


async def test_liaison_moved_by_import_gets_the_open_directives_of_the_new_agency(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    h.services.sender.poll_every = 0.2
    d = await broadcast(h, "TT_CNTT")  # nobody of the centre is on Telegram
    await h.services.sender.drained()
    centre = await AgencyRepository(h.services.db.reader).by_code("TT_CNTT")
    rows = await EscalationRepository(h.services.db.reader).of_subject(ACK, d.id)
    assert [(r.agency_id, r.unreachable) for r in rows] == [(centre.id, True)]
    await reimport(h, tmp_path, "P900", agency="TT_CNTT")
    late = await h.fake.wait_for_message(101, late_copy)
    assert [b["text"] for b in late.buttons] == ["✅ Đã nhận văn bản"]
    # The centre can be reached now: its escalation no longer says it cannot.
    rows = await EscalationRepository(h.services.db.reader).of_subject(ACK, d.id)
    assert [(r.agency_id, r.unreachable) for r in rows] == [(centre.id, False)]
    entries = await AuditRepository(h.services.db.reader).entries("directive.late_delivery")
    assert [e.subject for e in entries] == ["1556/UBND-KGVX"]
    # The copy acknowledges for the centre.
    assert "Đã ghi nhận" in await tap_ack(h, 101, late)
    assert await DirectiveRepository(h.services.db.reader).ack_of(d.id, centre.id) is not None
