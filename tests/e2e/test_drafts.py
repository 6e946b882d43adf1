"""Drafts outlive a restart: /broadcast goes on at the same step with the answers given so
far, and says so; a draft left longer than the conversation timeout is dropped, saying so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.storage.drafts import DraftRepository
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import count_directives, has, tap
from tests.e2e.test_directives import FAST, setup_liaisons

A = SUPER_ADMIN
RESUMED = "Hệ thống vừa khởi động lại. Tiếp tục soạn văn bản chỉ đạo (/broadcast) từ bước"
EXPIRED = ("Đã hủy việc soạn văn bản chỉ đạo (/broadcast) chưa hoàn tất do quá 60 phút không "
           "có trả lời; nội dung đã nhập không được lưu.")


async def restart(h: Harness) -> None:
    """Stop the bot and start a new one on the same database."""
    await h.stop()
    await h.start(**FAST)


async def stored_step(h: Harness) -> str | None:
    draft = await DraftRepository(h.services.db.reader).get(A, "broadcast")
    return draft.step if draft is not None else None


async def to_summary_step(h: Harness) -> None:
    ask = await h.say(A, "/broadcast", has("độ khẩn"))
    secrecy = await tap(h, ask, "Thượng khẩn", "độ mật")
    assert secrecy is not None
    await tap(h, secrecy, "Không mật", "số, ký hiệu")
    await h.say(A, "1612/UBND-VXNV", has("ngày ban hành"))
    await h.say(A, "hôm nay", has("cơ quan ban hành"))
    await h.say(A, "UBND tỉnh Kon Tum", has("trích yếu"))


async def test_restart_mid_broadcast_resumes_at_the_same_step_and_sends(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await to_summary_step(h)
    assert await stored_step(h) == "summary"

    await restart(h)
    before = len(h.fake.messages_to(A))
    h.fake.send_text(A, "tăng cường bảo đảm an toàn thông tin mạng")
    resumed = await h.fake.wait_for_message(A, has(RESUMED), after=before)
    assert "“Trích yếu”" in (resumed.plain_text or "")
    assert "các nội dung đã nhập được giữ nguyên" in (resumed.plain_text or "")
    await h.fake.wait_for_message(A, has("nội dung"), after=before + 1)  # the next question
    body = await h.say(A, "Thực hiện ngay.", has("Đã nhận nội dung"))
    picker = await tap(h, body, "Tiếp tục", "nơi nhận")
    assert picker is not None

    # A second restart, on the recipient picker: its buttons still work, said once.
    await restart(h)
    before = len(h.fake.messages_to(A))
    await tap(h, picker, "Trung tâm Công nghệ")
    resumed = await h.fake.wait_for_message(A, has(RESUMED), after=before)
    assert "“Nơi nhận”" in (resumed.plain_text or "")
    picker = await h.fake.wait_for_message(
        A, lambda m: m.message_id == picker.message_id
        and "✅ Trung tâm Công nghệ" in str(m.reply_markup))
    deadline = await tap(h, picker, "Xong", "hạn xác nhận")
    assert deadline is not None
    report = await tap(h, deadline, "Mặc định", "báo cáo kết quả")
    assert report is not None
    summary = await tap(h, report, "Không yêu cầu", "Tóm tắt trước khi gửi")
    assert summary is not None
    assert sum(RESUMED in (m.plain_text or "") for m in h.fake.messages_to(A)) == 2

    await tap(h, summary, "Gửi", "Đang gửi văn bản số")
    for user in (103,):  # the IT&C centre's liaison, with every answer from before the restarts
        copy = await h.fake.wait_for_message(
            user, lambda m: "1612/UBND-VXNV" in (m.text or "") and bool(m.buttons))
        text = copy.plain_text or ""
        assert "THƯỢNG KHẨN" in text and "UBND tỉnh Kon Tum" in text
        assert "tăng cường bảo đảm an toàn thông tin mạng" in text and "Thực hiện ngay." in text
    assert not any("1612/UBND-VXNV" in (m.text or "") for m in h.fake.messages_to(101))
    assert await count_directives(h) == 1
    assert await stored_step(h) is None  # sent: the draft is gone


async def test_draft_older_than_the_timeout_is_dropped_with_a_message(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await to_summary_step(h)
    h.clock.advance(minutes=60)
    await h.say(A, "tăng cường bảo đảm an toàn thông tin mạng", has("nội dung"))  # in time
    h.clock.advance(minutes=60, seconds=1)
    dropped = await h.say(A, "Thực hiện ngay.")
    assert dropped.plain_text == "⌛ " + EXPIRED
    assert await stored_step(h) is None
    after = await h.say(A, "Thực hiện ngay.")  # no longer an answer to anything
    assert "Đã nhận nội dung" not in (after.plain_text or "")
    assert await count_directives(h) == 0


async def test_draft_timed_out_across_a_restart_is_dropped_not_resumed(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await to_summary_step(h)
    await h.stop()
    h.clock.advance(timedelta(hours=2))  # the bot was down for two hours
    await h.start(**FAST)
    before = len(h.fake.messages_to(A))
    h.fake.send_text(A, "tăng cường bảo đảm an toàn thông tin mạng")
    dropped = await h.fake.wait_for_message(A, after=before)
    assert dropped.plain_text == "⌛ " + EXPIRED
    assert not any(RESUMED in (m.plain_text or "") for m in h.fake.messages_to(A))
    assert await stored_step(h) is None
    # A new /broadcast starts from the beginning.
    await h.say(A, "/broadcast", has("độ khẩn"))
    assert await stored_step(h) == "urgency"


async def test_a_crash_right_after_send_never_offers_send_again(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft goes in the transaction that stores the directive. A crash just after it
    (here: the draft's separate clean-up fails) leaves no draft: after a restart the old
    «Gửi» is refused, and the directive exists once."""
    from bot.storage.drafts import Drafts

    h = harness
    await setup_liaisons(h)
    await to_summary_step(h)
    await h.say(A, "tăng cường bảo đảm an toàn thông tin mạng", has("nội dung"))
    body = await h.say(A, "Thực hiện ngay.", has("Đã nhận nội dung"))
    picker = await tap(h, body, "Tiếp tục", "nơi nhận")
    assert picker is not None
    await tap(h, picker, "Trung tâm Công nghệ")
    picker = await h.fake.wait_for_message(
        A, lambda m: m.message_id == picker.message_id
        and "✅ Trung tâm Công nghệ" in str(m.reply_markup))
    deadline = await tap(h, picker, "Xong", "hạn xác nhận")
    assert deadline is not None
    report = await tap(h, deadline, "Mặc định", "báo cáo kết quả")
    assert report is not None
    summary = await tap(h, report, "Không yêu cầu", "Tóm tắt trước khi gửi")
    assert summary is not None

    real_drop = Drafts.drop

    async def killed_here(self: Drafts, user_id: int, conversation: str) -> bool:
        monkeypatch.setattr(Drafts, "drop", real_drop)
        raise RuntimeError("the process dies here")

    monkeypatch.setattr(Drafts, "drop", killed_here)
    query = h.fake.press_button(A, summary.message_id, summary.button_data("Gửi"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    await h.say(A, "/status", has("Văn bản gần đây"))  # the tap's handling is over
    assert await count_directives(h) == 1
    await restart(h)
    assert await stored_step(h) is None
    again = h.fake.press_button(A, summary.message_id, summary.button_data("Gửi"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == again)
    await h.say(A, "/status", has("Văn bản gần đây"))
    assert await count_directives(h) == 1



async def test_cancel_after_a_restart_is_not_told_the_draft_goes_on(harness: Harness) -> None:
    """/cancel on a draft from before a restart: only "cancelled", not first "continuing,
    your answers are kept"."""
    h = harness
    await setup_liaisons(h)
    await to_summary_step(h)
    await restart(h)
    before = len(h.fake.messages_to(A))
    await h.say(A, "/cancel", has("Đã hủy"))
    texts = [m.plain_text or "" for m in h.fake.messages_to(A)[before:]]
    assert not any(RESUMED in x for x in texts), texts
    assert await stored_step(h) is None
