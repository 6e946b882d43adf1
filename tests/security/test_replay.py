"""A liaison of agency A replays what agency B's liaison was given: the exact buttons of B's
copy of a directive and of B's incident messages, and B's incident code: refused, audited,
nothing changes, and nothing of B's incident is shown to A."""

from __future__ import annotations

from tests.security.conftest import LIAISON_A, LIAISON_B, World

REFUSALS = ("ack.refused", "report.refused", "access.denied", "incident.view_refused",
            "incident.move_refused", "incident.take_refused")


async def test_agency_a_replays_agency_b(world: World) -> None:
    h, w = world.h, world
    await h.say(LIAISON_B, "/myreports")  # B's incident list and detail, with their buttons
    await h.say(LIAISON_B, f"/incident {w.incident.code}")
    b_data = [str(b["callback_data"]) for m in h.fake.messages_to(LIAISON_B) for b in m.buttons
              if "callback_data" in b]
    assert w.copy_b.button_data("Đã nhận") in b_data and w.copy_b.button_data("Báo cáo") in b_data
    assert any(d.startswith("inc:") for d in b_data), b_data  # B's incident buttons
    assert len(set(b_data)) >= 4, b_data
    on = await h.say(LIAISON_A, "/help")
    before = await w.snapshot()
    for data in dict.fromkeys(b_data):
        h.clock.advance(seconds=61)
        audited = len(await w.audit(*REFUSALS))
        after = len(h.fake.messages_to(LIAISON_A))
        query = h.fake.press_button(LIAISON_A, on.message_id, data)
        await h.fake.wait_for_call("answerCallbackQuery",
                                   lambda c, q=query: c.params.get("callback_query_id") == q)
        said = str((h.fake.callback_answer(query) or {}).get("text", ""))
        if not said:
            said = (await h.fake.wait_for_message(LIAISON_A, after=after)).plain_text or ""
        await h.services.sender.drained()
        assert said.startswith(("⛔", "❌")), (data, said)
        assert len(await w.audit(*REFUSALS)) == audited + 1, data
    for line in (f"/incident {w.incident.code}", f"/incident {w.incident.code.lower()}",
                 "/status", "/status 1556/UBND-KGVX"):
        h.clock.advance(seconds=61)
        audited = len(await w.audit(*REFUSALS))
        reply = await h.say(LIAISON_A, line)
        assert (reply.plain_text or "").startswith(("⛔", "❌")), (line, reply.plain_text)
        assert len(await w.audit(*REFUSALS)) == audited + 1, line
    await h.services.sender.drained()
    assert await w.snapshot() == before
    shown_to_a = " ".join(m.plain_text or "" for m in h.fake.messages_to(LIAISON_A))
    assert "Máy chủ web gửi thư rác" not in shown_to_a  # B's incident description
    assert "0912000102" not in shown_to_a and "0912 000 102" not in shown_to_a  # B's phone
