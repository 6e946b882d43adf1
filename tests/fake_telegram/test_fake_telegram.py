"""Tests of the fake Telegram Bot API server, driven by a real PTB ``Bot`` over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot as PTBBot
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    Update,
)
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from bot.testing.fake_telegram import FakeTelegram

pytestmark = [
    pytest.mark.asyncio,
    # RetryAfter.retry_after warns about its future timedelta type; irrelevant here.
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

TOKEN = "123456789:AAFakeTokenForTests"
USER_ID = 42


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        server.add_user(USER_ID, "An", "Nguyễn", "an_nguyen")
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[PTBBot]:
    client = PTBBot(TOKEN, base_url=fake.api_base_url, base_file_url=fake.file_base_url)
    async with client:
        yield client


def _seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_binds_loopback_and_get_me(fake: FakeTelegram, bot: PTBBot) -> None:
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url == f"http://127.0.0.1:{fake.base_url.rsplit(':', 1)[1]}"
    me = await bot.get_me()
    assert me.id == fake.bot_id
    assert me.is_bot
    assert me.username == "hoatoc_test_bot"
    assert fake.calls[-1].method == "getMe"
    assert fake.calls[-1].status == 200


async def test_send_message_is_recorded(fake: FakeTelegram, bot: PTBBot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Đồng ý", callback_data="yes")]])
    sent = await bot.send_message(
        USER_ID, "<b>Xin chào</b> &amp; chào mừng", parse_mode="HTML", reply_markup=markup
    )
    assert sent.chat.id == USER_ID
    assert sent.from_user is not None and sent.from_user.id == fake.bot_id
    assert sent.text == "Xin chào & chào mừng"
    assert sent.entities == (MessageEntity(MessageEntity.BOLD, 0, 8),)
    assert sent.reply_markup == markup

    [message] = fake.messages_to(USER_ID)
    assert message is fake.last_message_to(USER_ID)
    assert message.message_id == sent.message_id
    assert message.kind == "text"
    assert message.text == "<b>Xin chào</b> &amp; chào mừng"
    assert message.plain_text == "Xin chào & chào mừng"
    assert message.parse_mode == "HTML"
    assert message.reply_markup == markup.to_dict()
    assert message.button_data("Đồng ý") == "yes"
    call = fake.calls[-1]
    assert (call.method, call.status, call.chat_id) == ("sendMessage", 200, USER_ID)
    assert isinstance(call.params["reply_markup"], dict)


async def test_realistic_validation_errors(fake: FakeTelegram, bot: PTBBot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER_ID, "line<br>next", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER_ID, "x" * 4097)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER_ID, "hi", reply_markup=too_long)
    assert fake.messages_to(USER_ID) == []


async def test_edit_message_text_and_markup(fake: FakeTelegram, bot: PTBBot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(USER_ID, "v1", reply_markup=markup)
    edited = await bot.edit_message_text("v2", USER_ID, sent.message_id, reply_markup=markup)
    assert isinstance(edited, object) and getattr(edited, "text", None) == "v2"
    message = fake.messages_to(USER_ID)[0]
    assert message.text == "v2"
    assert [(e.method, e.previous_text, e.text) for e in message.edits] == [("editMessageText", "v1", "v2")]

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("v2", USER_ID, sent.message_id, reply_markup=markup)

    await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=None)
    assert message.reply_markup is None
    assert message.edits[-1].method == "editMessageReplyMarkup"
    assert message.edits[-1].previous_reply_markup == markup.to_dict()

    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER_ID, 999)


async def test_user_text_and_command_arrive_via_get_updates(fake: FakeTelegram, bot: PTBBot) -> None:
    fake.send_text(USER_ID, "xin chào")
    fake.send_command(USER_ID, "start", "INVITE-123")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["xin chào", "/start INVITE-123"]
    plain, command = updates
    assert plain.message is not None and not plain.message.entities
    assert command.message is not None
    assert command.message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert command.effective_user is not None and command.effective_user.username == "an_nguyen"
    assert command.effective_chat is not None and command.effective_chat.type == "private"

    # Not confirmed yet: delivered again; confirmed with offset: gone.
    assert len(await bot.get_updates(timeout=0)) == 2
    assert await bot.get_updates(offset=command.update_id + 1, timeout=0) == ()
    assert fake.pending_updates() == []


async def test_long_poll_returns_as_soon_as_update_is_pushed(fake: FakeTelegram, bot: PTBBot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await fake.wait_for_long_poll()
    started = time.monotonic()
    fake.send_text(USER_ID, "ping")
    updates = await asyncio.wait_for(poll, timeout=3)
    assert time.monotonic() - started < 1.0
    assert [u.message.text for u in updates if u.message] == ["ping"]


async def test_lengths_are_utf16_units_after_html_parsing(fake: FakeTelegram, bot: PTBBot) -> None:
    # 2,048 emoji are 4,096 UTF-16 units: the most Telegram takes; one more is refused.
    await bot.send_message(USER_ID, "🔥" * 2048)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER_ID, "🔥" * 2048 + "x")
    # Tags and entities do not count: 4,096 "&amp;" are 4,096 characters on screen.
    await bot.send_message(USER_ID, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(USER_ID, b"x", filename="a.txt", caption="🔥" * 513)
    await bot.send_document(USER_ID, b"x", filename="a.txt", caption="<i>" + "&lt;" * 1024 + "</i>",
                            parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_document(USER_ID, b"x", filename="a.txt", caption="Trung tâm <CNTT>",
                                parse_mode="HTML")
    assert len(fake.messages_to(USER_ID)) == 3


async def test_callback_answer_over_200_utf16_units_is_refused(
    fake: FakeTelegram, bot: PTBBot
) -> None:
    sent = await bot.send_message(USER_ID, "Xác nhận?")
    first = fake.press_button(USER_ID, sent.message_id, "ok:1")
    with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(first, "🔥" * 101)
    assert fake.callback_answer(first) is None
    assert await bot.answer_callback_query(first, "🔥" * 100)

async def test_press_button_and_answer_callback_query(fake: FakeTelegram, bot: PTBBot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Xác nhận", callback_data="ok:1")]])
    sent = await bot.send_message(USER_ID, "Xác nhận?", reply_markup=markup)
    query_id = fake.press_button(USER_ID, sent.message_id, "ok:1")
    assert fake.callback_answer(query_id) is None

    [update] = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None
    assert query.id == query_id
    assert query.data == "ok:1"
    assert query.from_user.id == USER_ID
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.message.chat.id == USER_ID

    assert await query.answer("Đã nhận")
    answer = fake.callback_answer(query_id)
    assert answer is not None and answer["text"] == "Đã nhận"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_document_roundtrip(fake: FakeTelegram, bot: PTBBot) -> None:
    content = b"%PDF-1.4\n\x00\xffbinary payload"
    fake.send_document(USER_ID, "bao-cao.pdf", content, caption="Báo cáo")
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.document is not None
    document = update.message.document
    assert (document.file_name, document.mime_type) == ("bao-cao.pdf", "application/pdf")
    assert update.message.caption == "Báo cáo"
    received = await (await bot.get_file(document.file_id)).download_as_bytearray()
    assert bytes(received) == content

    # The bot uploads a document (multipart) and can fetch it back.
    sent = await bot.send_document(USER_ID, b"a,b\n1,2\n", filename="data.csv", caption="CSV")
    message = fake.last_message_to(USER_ID)
    assert message is not None
    assert (message.kind, message.file_name, message.file_bytes) == (
        "document",
        "data.csv",
        b"a,b\n1,2\n",
    )
    assert message.caption == "CSV"
    assert sent.document is not None and sent.document.file_name == "data.csv"
    uploaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(uploaded) == b"a,b\n1,2\n"

    # Re-sending by file_id reuses the stored file; photos work the same way.
    await bot.send_document(USER_ID, document.file_id)
    assert fake.messages_to(USER_ID)[-1].file_bytes == content
    photo = await bot.send_photo(USER_ID, b"\xff\xd8\xff fake jpeg")
    assert photo.photo and fake.messages_to(USER_ID)[-1].kind == "photo"


async def test_wrong_token_is_unauthorized(fake: FakeTelegram) -> None:
    intruder = PTBBot("987654321:WrongToken", base_url=fake.api_base_url)
    with pytest.raises(InvalidToken):
        await intruder.initialize()
    await intruder.shutdown()
    assert (fake.calls[-1].method, fake.calls[-1].status) == ("getMe", 401)
    assert fake.calls[-1].error == "Unauthorized"


async def test_blocked_user_and_lost_chat(fake: FakeTelegram, bot: PTBBot) -> None:
    fake.block(USER_ID)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(USER_ID, "hi")
    fake.unblock(USER_ID)
    await bot.send_message(USER_ID, "hi again")

    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "hi")
    fake.lose_chat(USER_ID)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(USER_ID, "hi")
    assert [m.text for m in fake.messages_to(USER_ID)] == ["hi again"]
    assert [c.status for c in fake.calls if c.method == "sendMessage"] == [403, 200, 400, 400]


async def test_fail_next_429_and_5xx(fake: FakeTelegram, bot: PTBBot) -> None:
    fake.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER_ID, "a")
    assert _seconds(caught.value.retry_after) == 7
    assert fake.rejected_429 == 1

    fake.fail_next("sendMessage", 502, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError) as network_error:
            await bot.send_message(USER_ID, "b")
        assert not isinstance(network_error.value, RetryAfter)
    await bot.send_message(USER_ID, "c")
    assert [m.text for m in fake.messages_to(USER_ID)] == ["c"]


async def test_unknown_method(fake: FakeTelegram, bot: PTBBot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTeleportation", api_kwargs={"chat_id": USER_ID})
    assert fake.calls[-1].status == 404
    assert fake.calls[-1].error == "Not Found: method not found"


async def test_hang_next_provokes_client_timeout(fake: FakeTelegram, bot: PTBBot) -> None:
    fake.hang_next("sendMessage", 0.5)
    with pytest.raises(NetworkError):  # TimedOut is a NetworkError
        await bot.send_message(USER_ID, "slow", read_timeout=0.1)
    # Like the real API, the request is still processed after the delay.
    message = await fake.wait_for_message(USER_ID, lambda m: m.text == "slow", timeout=3)
    assert message.text == "slow"


async def test_rate_limit_per_chat(fake: FakeTelegram, bot: PTBBot) -> None:
    fake.set_rate_limit(per_second=None, per_chat_per_second=1, retry_after=3)
    await bot.send_message(USER_ID, "1")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER_ID, "2")
    assert _seconds(caught.value.retry_after) == 3
    with pytest.raises(RetryAfter):
        await bot.send_message(USER_ID, "3")
    assert fake.rejected_429 == 2
    assert [m.text for m in fake.messages_to(USER_ID)] == ["1"]
    fake.set_rate_limit(None, None)
    await bot.send_message(USER_ID, "4")


async def test_commands_per_scope(fake: FakeTelegram, bot: PTBBot) -> None:
    await bot.set_my_commands([BotCommand("start", "Bắt đầu")])
    await bot.set_my_commands(
        [BotCommand("start", "Bắt đầu"), BotCommand("admin", "Quản trị")],
        scope=BotCommandScopeChat(USER_ID),
    )
    assert fake.commands_for() == [{"command": "start", "description": "Bắt đầu"}]
    assert fake.commands_for({"type": "chat", "chat_id": USER_ID}) == [
        {"command": "start", "description": "Bắt đầu"},
        {"command": "admin", "description": "Quản trị"},
    ]
    assert fake.commands_for({"type": "all_private_chats"}) is None
    scoped = await bot.get_my_commands(scope=BotCommandScopeChat(USER_ID))
    assert [c.command for c in scoped] == ["start", "admin"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "bad")])
    await bot.delete_my_commands(scope=BotCommandScopeChat(USER_ID))
    assert fake.commands_for({"type": "chat", "chat_id": USER_ID}) is None


async def test_groups_contacts_and_stickers(fake: FakeTelegram, bot: PTBBot) -> None:
    fake.add_bot_to_group(-100, USER_ID, title="Nhóm test")
    fake.send_group_text(-100, USER_ID, "/start@hoatoc_test_bot")
    fake.send_contact(USER_ID, "+84901234567", contact_user_id=USER_ID)
    fake.send_sticker(USER_ID)
    member, group_text, contact, sticker = await bot.get_updates(timeout=0)
    assert member.my_chat_member is not None
    assert member.my_chat_member.new_chat_member.status == "member"
    assert member.my_chat_member.chat.type == "group"
    assert group_text.message is not None and group_text.message.chat.id == -100
    assert group_text.message.entities[0].length == len("/start@hoatoc_test_bot")
    assert contact.message is not None and contact.message.contact is not None
    assert contact.message.contact.user_id == USER_ID
    assert contact.message.contact.first_name == "An"
    assert sticker.message is not None and sticker.message.sticker is not None

    chat = await bot.get_chat(-100)
    assert chat.title == "Nhóm test"
    assert await bot.leave_chat(-100)
    assert fake.left_chats == {-100}
    with pytest.raises(Forbidden):
        await bot.send_message(-100, "still here?")


async def test_wait_for_message_times_out_with_dump(fake: FakeTelegram, bot: PTBBot) -> None:
    await bot.send_message(USER_ID, "something else")
    with pytest.raises(AssertionError, match="something else"):
        await fake.wait_for_message(USER_ID, lambda m: m.text == "never", timeout=0.2)


async def test_application_end_to_end(fake: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Chào {' '.join(context.args or [])}!")

    app: Application = (  # type: ignore[type-arg]
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.api_base_url)
        .base_file_url(fake.file_base_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        fake.send_command(USER_ID, "start", "bạn")
        reply = await fake.wait_for_message(USER_ID)
        assert reply.text == "Chào bạn!"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert fake.pending_updates() == []


async def test_an_uploaded_photo_is_refused_as_telegram_refuses_it(
        fake: FakeTelegram, bot: PTBBot) -> None:
    """sendPhoto (core.telegram.org/bots/api#sendphoto): "The photo must be at most 10 MB in
    size. The photo's width and height must not exceed 10000 in total. Width and height ratio
    must be at most 20." Bytes that are no picture Telegram cannot process either. The fake
    took any bytes of any shape (another emulator, telegram-test-api, took no upload at all);
    the bot's /chart must meet the real limits."""
    import io

    from PIL import Image

    def png(width: int, height: int) -> bytes:
        out = io.BytesIO()
        Image.new("1", (width, height)).save(out, format="PNG")
        return out.getvalue()

    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(USER_ID, b"a,b\n1,2\n")
    with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
        await bot.send_photo(USER_ID, png(100, 2001))  # ratio over 20
    with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
        await bot.send_photo(USER_ID, png(5000, 5001))  # over 10000 in total
    assert not [m for m in fake.messages_to(USER_ID) if m.kind == "photo"]
    sent = await bot.send_photo(USER_ID, png(1000, 2160))  # the tallest /chart
    assert sent.photo and fake.messages_to(USER_ID)[-1].kind == "photo"
