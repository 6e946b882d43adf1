"""Directives end to end: delivery through the outbox, acknowledgements, edits, refusals."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.directives import Urgency
from bot.services.broadcast import Draft
from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_onboarding import import_province, invite

FAST = {"per_chat_interval": 0.05}


async def join(h: Harness, user_id: int, args: str) -> None:
    token, _ = await invite(h, args)
    await h.say(user_id, f"/start {token}")
    await h.fake.wait_for_message(user_id, lambda m: "Chia sẻ số điện thoại" in (m.text or ""))


async def setup_liaisons(h: Harness) -> None:
    """101 and 102: CAT's primary and backup; 103: the IT&C centre's primary."""
    await h.start(**FAST)
    await import_province(h)
    await join(h, 101, "liaison CAT")
    await join(h, 102, "liaison CAT du_phong")
    await join(h, 103, "liaison TT_CNTT")


def draft(h: Harness, *codes: str, **kw: object) -> Draft:
    d = Draft(urgency=Urgency.HOA_TOC, number="1556/UBND-KGVX", issuer="UBND tỉnh An Giang",
              summary="tăng cường bảo đảm an toàn thông tin mạng dịp Quốc khánh 02/9",
              body="Yêu cầu các cơ quan trực giám sát 24/7 và báo cáo sự cố trong 3 ngày.")
    for key, value in kw.items():
        setattr(d, key, value)
    return d


async def agency_ids(h: Harness, *codes: str) -> set[int]:
    from bot.storage.agencies import AgencyRepository

    repo = AgencyRepository(h.services.db.reader)
    return {(await repo.by_code(c)).id for c in codes}


def is_directive(m: SentMessage) -> bool:
    return "1556/UBND-KGVX" in (m.text or "") and bool(m.buttons)


async def test_directive_reaches_liaisons_and_first_tap_acknowledges_for_the_agency(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT")
    directive, audience = await h.services.broadcast.send(SUPER_ADMIN, d)
    assert audience.people_count == 3 and audience.agency_count == 2
    copies = {u: await h.fake.wait_for_message(u, is_directive) for u in (101, 102, 103)}
    delivery = {u: int(m.button_data("Đã nhận").split(":")[1]) for u, m in copies.items()}
    first = copies[101]
    assert "HỎA TỐC" in (first.plain_text or "") and "tăng cường" in (first.plain_text or "")
    assert "0296 3 852 000" in (first.plain_text or "")  # the focal point's hotline
    assert [b["text"] for b in first.buttons] == ["✅ Đã nhận văn bản"]

    query = h.fake.press_button(101, first.message_id, first.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "Đã ghi nhận" in (h.fake.callback_answer(query) or {}).get("text", "")
    # Both copies in CAT's chats show who acknowledged; the centre's copy does not.
    for user in (101, 102):
        target = copies[user].message_id
        edited = await h.fake.wait_for_message(
            user, lambda m, t=target: m.message_id == t and "Đã xác nhận —" in (m.plain_text or ""))
        assert "Lan Nguyễn" in (edited.plain_text or "") and not edited.buttons
    assert copies[103].edits == []

    # The backup taps the old button (a replay): nothing changes, and they are told who.
    again = h.fake.press_button(102, copies[102].message_id, f"ack:{delivery[102]}")
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == again)
    assert "đã xác nhận trước đó" in (h.fake.callback_answer(again) or {}).get("text", "")
    acks = await DirectiveRepository(h.services.db.reader).acks(directive.id)
    assert len(acks) == 1
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(101)
    assert person is not None and next(iter(acks.values())).person_id == person.id

    # CAT's liaison replays the centre's callback data (the centre has not acknowledged
    # yet, so an accepted forgery would show): refused and audited, the centre still awaited.
    forged = h.fake.press_button(101, copies[101].message_id, f"ack:{delivery[103]}")
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == forged)
    assert "không thuộc đơn vị" in (h.fake.callback_answer(forged) or {}).get("text", "")
    refused = await AuditRepository(h.services.db.reader).entries("ack.refused")
    assert [e.actor_user_id for e in refused] == [101]
    acks = await DirectiveRepository(h.services.db.reader).acks(directive.id)
    assert list(acks) == list(await agency_ids(h, "CAT"))
    assert copies[103].edits == []


async def test_late_acknowledgement_is_marked(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    d = draft(h)
    d.agency_ids = await agency_ids(h, "TT_CNTT")
    await h.services.broadcast.send(SUPER_ADMIN, d)
    copy = await h.fake.wait_for_message(103, is_directive)
    h.clock.advance(timedelta(minutes=31))  # Hỏa tốc: 30 minutes by default
    query = h.fake.press_button(103, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    edited = await h.fake.wait_for_message(103, lambda m: "Đã xác nhận (quá hạn)" in (m.plain_text or ""))
    assert edited.message_id == copy.message_id


async def test_forged_and_malformed_ack_data(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    reply = await h.say(101, "/help")
    for data in ("ack:999999", "ack:-1", "ack:1e9", "ack:" + "9" * 40):
        query = h.fake.press_button(101, reply.message_id, data)
        await h.fake.wait_for_call("answerCallbackQuery",
                                   lambda c, q=query: c.params.get("callback_query_id") == q)
        text = (h.fake.callback_answer(query) or {}).get("text", "")
        assert "không thuộc đơn vị" in text or "không còn hiệu lực" in text



async def test_file_goes_first_then_the_text_that_carries_the_buttons(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    h.fake.send_document(SUPER_ADMIN, "1556-UBND-KGVX.pdf", b"%PDF-1.7 directive")
    file_id = h.fake.updates_log[-1]["message"]["document"]["file_id"]
    d = draft(h, file_id=file_id, file_name="1556-UBND-KGVX.pdf", file_kind="document",
              body="x " * 3000)  # long enough to be split into two text parts
    d.agency_ids = await agency_ids(h, "TT_CNTT")
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await h.fake.wait_for_message(103, is_directive)
    received = [m for m in h.fake.messages_to(103) if m.kind == "document" or "1556" in (m.text or "")]
    assert [m.kind for m in received] == ["document", "text", "text"]
    assert received[0].file_bytes == b"%PDF-1.7 directive"
    assert not received[1].buttons and received[2].buttons
    assert all(len(m.text or "") <= 4096 for m in received)
