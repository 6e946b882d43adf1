"""What the fuzzed conversations (tests/fuzz) found, each as a plain case that stays fixed."""

from __future__ import annotations

import pytest

from bot.texts import t
from tests.e2e.conftest import SUPER_ADMIN, Harness


@pytest.mark.parametrize("data", ["", None])
async def test_a_tap_without_data_is_answered_once_as_an_unknown_button(
    harness: Harness, caplog: pytest.LogCaptureFixture, data: str | None
) -> None:
    """PTB hands a callback query with no data to every CallbackQueryHandler, whatever its
    pattern: the acknowledgement handler took it and failed ("Có lỗi"), and so did the next."""
    h = harness
    await h.start()
    ask = await h.say(SUPER_ADMIN, "/broadcast", lambda m: bool(m.buttons))
    query = h.fake.press_button(SUPER_ADMIN, ask.message_id, "")
    if data is None:  # a query with neither data nor a game: drop the field altogether
        h.fake._callback_queries[query].pop("data", None)
        h.fake.pending_updates()[-1]["callback_query"].pop("data", None)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    after = await h.say(SUPER_ADMIN, "/help")  # everything before it is handled by now
    answers = [c for c in h.fake.calls if c.method == "answerCallbackQuery"
               and c.params.get("callback_query_id") == query]
    assert [c.ok for c in answers] == [True]
    assert answers[0].params.get("text") == t("button_unknown")
    told = [m.plain_text or "" for m in h.fake.messages_to(SUPER_ADMIN)
            if m.message_id > ask.message_id and m.message_id < after.message_id]
    assert not any("Có lỗi" in text for text in told), told
    assert "failed" not in caplog.text
    # The conversation it was tapped in goes on.
    assert h.services.drafts.step(SUPER_ADMIN, "broadcast") is not None


async def test_skip_on_the_closing_report_answers_the_tap(harness: Harness) -> None:
    """«Bỏ qua» on the closing report's optional question moved on to the summary but never
    answered the tap: the button kept its spinner."""
    from tests.e2e.test_incident_lifecycle import AN, CLOSING, asked, report, setup

    h = harness
    w = await setup(h)
    incident = await report(h, w)
    from tests.e2e.test_incident_lifecycle import tap as tap_move

    await tap_move(h, AN, "start", incident.id)
    await asked(h, AN, "resolve", incident.id, "(1/5)")
    for answer, next_question in zip(CLOSING.values(), ("(2/5)", "(3/5)", "(4/5)", "(5/5)"),
                                     strict=True):
        last = await h.say(AN, answer, lambda m, q=next_question: q in (m.plain_text or ""))
    query = h.fake.press_button(AN, last.message_id, last.button_data("Bỏ qua"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)


@pytest.mark.parametrize("verb", ["ext", "cor", "rcl"])
async def test_an_admin_tap_on_a_directive_that_does_not_exist_is_answered_once(
    harness: Harness, verb: str
) -> None:
    """«Gia hạn», «Đính chính», «Thu hồi» naming no directive: the tap was answered, then
    answered again by the error handler (Telegram refuses a second answer: 400)."""
    h = harness
    await h.start()
    shown = await h.say(SUPER_ADMIN, "/help")
    query = h.fake.press_button(SUPER_ADMIN, shown.message_id, f"adm:{verb}:999999")
    told = await h.fake.wait_for_message(SUPER_ADMIN, after=len(h.fake.messages_to(SUPER_ADMIN)))
    assert "Không tìm thấy văn bản" in (told.plain_text or "")
    answers = [c for c in h.fake.calls if c.method == "answerCallbackQuery"
               and c.params.get("callback_query_id") == query]
    assert [c.status for c in answers] == [200]
    assert h.services.drafts.conversations(SUPER_ADMIN) == []
