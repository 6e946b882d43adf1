"""Editing a message already sent is never taken as a new answer or a new command."""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler

from bot.storage.directives import DirectiveRepository
from handlers.broadcast import Fields
from handlers.common import edited_message
from handlers.forms import FormHandler
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_directives import setup_liaisons
from tests.e2e.test_result_reports import open_report

A = SUPER_ADMIN
EDIT_NOTE = "Tin nhắn đã sửa không được ghi nhận"


def edit(h: Harness, user_id: int, message_id: int, text: str) -> None:
    """The user edits its own earlier message `message_id` to read `text`."""
    entities = ([{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
                if text.startswith("/") else [])
    now = int(h.clock.now().timestamp())
    h.fake.push_raw_update({"edited_message": {
        "message_id": message_id, "date": now - 60, "edit_date": now,
        "chat": {"id": user_id, "type": "private", "first_name": "Người dùng"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Người dùng"},
        "text": text, **({"entities": entities} if entities else {}),
    }})


async def edit_and_wait(h: Harness, user_id: int, message_id: int, text: str) -> str:
    """Edit a message; return the text of the bot's next reply."""
    before = len(h.fake.messages_to(user_id))
    edit(h, user_id, message_id, text)
    reply = await h.fake.wait_for_message(user_id, after=before)
    return reply.plain_text or ""


async def to_number_step(h: Harness) -> None:
    ask = await h.say(A, "/broadcast", has("độ khẩn"))
    secrecy = await tap(h, ask, "Hỏa tốc", "độ mật")
    assert secrecy is not None
    await tap(h, secrecy, "Không mật", "số, ký hiệu")


async def broadcast_draft(h: Harness) -> Any:
    stored = await h.services.drafts.get(A, "broadcast")
    assert stored is not None
    return Fields.from_json(stored.answers).draft


async def test_edited_answer_is_not_the_next_answer(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await to_number_step(h)
    before = len(h.fake.messages_to(A))
    number_id = h.fake.send_text(A, "33/CĐ-TTg")
    await h.fake.wait_for_message(A, has("ngày ban hành"), after=before)
    # Fixing the number by editing it must not fill in the date of issue.
    assert EDIT_NOTE in await edit_and_wait(h, A, number_id, "34/CĐ-TTg")
    before = len(h.fake.messages_to(A))
    date_id = h.fake.send_text(A, "30/8/2022")
    await h.fake.wait_for_message(A, has("cơ quan ban hành"), after=before)
    # Nor fixing the date the issuer.
    assert EDIT_NOTE in await edit_and_wait(h, A, date_id, "31/8/2022")
    await h.say(A, "UBND tỉnh An Giang", has("trích yếu"))
    d = await broadcast_draft(h)
    assert (d.number, d.issued_on, d.issuer) == ("33/CĐ-TTg", date(2022, 8, 30),
                                                 "UBND tỉnh An Giang")


async def test_edited_broadcast_command_does_not_restart(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    before = len(h.fake.messages_to(A))
    command_id = h.fake.send_text(A, "/broadcast")
    ask = await h.fake.wait_for_message(A, has("độ khẩn"), after=before)
    secrecy = await tap(h, ask, "Hỏa tốc", "độ mật")
    assert secrecy is not None
    await tap(h, secrecy, "Không mật", "số, ký hiệu")
    await h.say(A, "33/CĐ-TTg", has("ngày ban hành"))
    await h.say(A, "30/8/2022", has("cơ quan ban hành"))
    assert EDIT_NOTE in await edit_and_wait(h, A, command_id, "/broadcast ")
    # The draft is kept and the conversation goes on where it was.
    await h.say(A, "UBND tỉnh An Giang", has("trích yếu"))
    assert (await broadcast_draft(h)).number == "33/CĐ-TTg"
    # An edited /cancel does not cancel either.
    before = len(h.fake.messages_to(A))
    cancel_id = h.fake.send_text(A, "tăng cường bảo đảm an toàn thông tin mạng")
    await h.fake.wait_for_message(A, has("nội dung"), after=before)
    assert EDIT_NOTE in await edit_and_wait(h, A, cancel_id, "/cancel")
    assert (await broadcast_draft(h)).summary == "tăng cường bảo đảm an toàn thông tin mạng"


async def test_edited_report_text_is_not_added_to_the_report(harness: Harness) -> None:
    h = harness
    directive, _ = await open_report(h)
    before = len(h.fake.messages_to(103))
    text_id = h.fake.send_text(103, "Đã bố trí trực 24/7.")
    got = await h.fake.wait_for_message(103, has("Đã ghi nhận ("), after=before)
    assert EDIT_NOTE in await edit_and_wait(h, 103, text_id, "Đã bố trí trực 24/7 từ 01/9.")
    before = len(h.fake.messages_to(103))
    h.fake.press_button(103, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(103, has("Đã lưu báo cáo"), after=before)
    [report] = await DirectiveRepository(h.services.db.reader).result_reports(directive.id)
    assert report["text"] == "Đã bố trí trực 24/7."


def _edited(h: Harness, content: dict[str, Any], *, edited: bool) -> Update:
    assert h.app is not None
    kind = "edited_message" if edited else "message"
    message = {"message_id": 5, "date": 1, "chat": {"id": A, "type": "private"},
               "from": {"id": A, "is_bot": False, "first_name": "Quản trị"}, **content}
    if edited:
        message["edit_date"] = 2
    return Update.de_json({"update_id": 1, kind: message}, h.app.bot)


def _command(name: str) -> dict[str, Any]:
    return {"text": f"/{name}", "entities": [
        {"type": "bot_command", "offset": 0, "length": len(name) + 1}]}


SAMPLES: list[dict[str, Any]] = [
    {"text": "33/CĐ-TTg"}, _command("broadcast"), _command("cancel"), _command("duty_set"),
    _command("duty_swap"),
    {"document": {"file_id": "f", "file_unique_id": "u", "file_name": "a.pdf",
                  "mime_type": "application/pdf"}},
    {"photo": [{"file_id": "p", "file_unique_id": "q", "width": 1, "height": 1}]},
]


def _message_handlers(conv: FormHandler) -> list[BaseHandler[Any, Any, Any]]:
    handlers = [*conv.entry_points, *conv.fallbacks]
    for state in conv.states.values():
        handlers.extend(state)
    return [x for x in handlers if isinstance(x, MessageHandler | CommandHandler)]


async def test_every_conversation_takes_new_messages_only(harness: Harness) -> None:
    h = harness
    await h.start()
    assert h.app is not None
    conversations = [x for group in h.app.handlers.values() for x in group
                     if isinstance(x, FormHandler)]
    assert {c.name for c in conversations} == {
        "broadcast", "directive_admin", "results", "duty_admin", "invite", "report",
        "incident_move"}
    for conv in conversations:
        handlers = _message_handlers(conv)
        # Not vacuous: each conversation answers some new message.
        assert any(x.check_update(_edited(h, c, edited=False)) for x in handlers for c in SAMPLES)
        for handler in handlers:
            if handler.callback is edited_message:  # the short note that edits do not count
                assert not any(handler.check_update(_edited(h, c, edited=False)) for c in SAMPLES)
                continue
            for content in SAMPLES:
                assert not handler.check_update(_edited(h, content, edited=True)), (
                    conv.name, handler.callback.__name__, content)
        assert any(x.callback is edited_message for x in conv.fallbacks), conv.name
