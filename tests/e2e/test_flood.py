"""A stranger's flood: taps are not held back by it, and it is answered and audited sparingly."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from tests.e2e.conftest import FOCAL_NAME, SUPER_ADMIN, Harness
from tests.e2e.test_directives import agency_ids, draft, is_directive, setup_liaisons

STRANGER = 104
FLOOD = 400


async def test_stranger_flood_neither_delays_a_tap_nor_fills_the_audit_log(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT")
    directive, _ = await h.services.broadcast.send(SUPER_ADMIN, d)
    copy = await h.fake.wait_for_message(101, is_directive)

    h.fake.latency = 0.05  # every Bot API call takes 50 ms
    for _ in range(FLOOD):
        h.fake.send_text(STRANGER, "/invite admin")
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    answer = await h.fake.wait_for_call(
        "answerCallbackQuery", lambda c: c.params.get("callback_query_id") == query, timeout=120)

    # The tap did not wait behind the flood: hardly any of it was answered before the tap.
    answered_at = h.fake.calls.index(answer)
    replies_before = [c for c in h.fake.calls[:answered_at]
                      if c.method == "sendMessage" and c.chat_id == STRANGER]
    assert len(replies_before) <= 6, f"{len(replies_before)} flood replies before the tap"
    assert "Đã ghi nhận" in (h.fake.callback_answer(query) or {}).get("text", "")
    assert len(await DirectiveRepository(h.services.db.reader).acks(directive.id)) == 1

    # A link is never held back: its answer comes after all of the flood (one user's updates
    # run in order), and shows that the stranger got a few replies, one saying why.
    h.fake.send_text(STRANGER, "/start " + "x" * 32)
    link = await h.fake.wait_for_message(
        STRANGER, lambda m: "không hợp lệ" in (m.plain_text or ""), timeout=120)
    replies = h.fake.messages_to(STRANGER)
    assert replies[-1] is link
    assert len(replies) - 1 <= 6, f"{len(replies) - 1} replies to a flood of {FLOOD}"
    flood_notices = [m for m in replies if "quá nhiều tin nhắn" in (m.plain_text or "")]
    assert len(flood_notices) == 1
    assert FOCAL_NAME in (flood_notices[0].plain_text or "")
    # One refusal on record for the whole flood, and one line saying it was held back.
    entries = [e for e in await AuditRepository(h.services.db.reader).entries()
               if e.actor_user_id == STRANGER]
    assert [e.action for e in entries] == ["access.denied", "access.flood", "invite.rejected"]
    # After a pause the stranger is answered again.
    h.clock.advance(timedelta(minutes=1))
    again = await h.say(STRANGER, "/start")
    assert "Để tham gia" in (again.plain_text or "")

async def test_repeated_refusals_are_audited_once_per_window(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    before = len(h.fake.messages_to(101))
    for _ in range(50):
        h.fake.send_text(101, "/invite admin")
    h.fake.send_text(101, "/revoke INV-1")
    await h.fake.wait_for_message(101, lambda m: "/revoke" in (m.plain_text or ""), after=before)
    # Every refusal is still answered: 101 is a registered liaison, not a stranger.
    assert len(h.fake.messages_to(101)) - before == 51
    audit = AuditRepository(h.services.db.reader)

    async def denied() -> list[tuple[str | None, object]]:
        return [(e.subject, e.details.get("held_back")) for e in await audit.entries("access.denied")
                if e.actor_user_id == 101]

    # One row per kind of refusal, not one per message.
    assert await denied() == [("/invite", None), ("/revoke", None)]
    # After the window, the next refusal is written and says how many were not.
    h.clock.advance(timedelta(minutes=2))
    await h.say(101, "/invite admin")
    assert await denied() == [("/invite", None), ("/revoke", None), ("/invite", 49)]


async def test_forged_taps_by_a_registered_user_are_audited_once_per_window(
    harness: Harness,
) -> None:
    """A liaison replaying made-up ✅, 📝 and claim data (a new id each time) is refused each
    time, but the audit log keeps one row per kind of refusal per window, not one per tap."""
    h = harness
    await setup_liaisons(h)
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT")
    await h.services.broadcast.send(SUPER_ADMIN, d)
    copy = await h.fake.wait_for_message(101, is_directive)
    queries = []
    for i in range(30):
        for data in (f"ack:{900 + i}", f"rep:{900 + i}", f"escn:{900 + i}"):
            queries.append(h.fake.press_button(101, copy.message_id, data))
    for query in queries:
        await h.fake.wait_for_call("answerCallbackQuery",
                                   lambda c, q=query: c.params.get("callback_query_id") == q)
    entries = [e.action for e in await AuditRepository(h.services.db.reader).entries()
               if e.actor_user_id == 101 and e.action.endswith("refused")]
    assert sorted(entries) == ["ack.refused", "escalation.claim_refused", "report.refused"]
