"""The bot in a group, a supergroup or a channel: the short notice, then it leaves; nothing
about a directive, an incident, a name or a phone number ever goes to a non-private chat."""

from __future__ import annotations

import time
from typing import Any

from bot.storage.audit import AuditRepository
from bot.texts import t
from tests.e2e.conftest import Harness
from tests.security.conftest import ADMIN, LIAISON_A, RESPONDER, build_world

GROUP, SUPERGROUP, CHANNEL = -500001, -1001500002, -1001500003
NOTICE = "chỉ làm việc qua tin nhắn riêng"


def _chat(chat_id: int, kind: str) -> dict[str, Any]:
    return {"id": chat_id, "type": kind, "title": f"Nhóm {kind}"}


def _joined(h: Harness, chat_id: int, kind: str, status: str, by: int) -> None:
    """Telegram's my_chat_member: the bot was added (as member or administrator)."""
    h.fake._groups[chat_id] = _chat(chat_id, kind)
    h.fake._bot_in_group[chat_id] = True
    h.fake.push_raw_update({"my_chat_member": {
        "chat": _chat(chat_id, kind), "from": h.fake._user(by), "date": int(time.time()),
        "old_chat_member": {"user": h.fake.bot_user(), "status": "left"},
        "new_chat_member": {"user": h.fake.bot_user(), "status": status,
                            **({"can_be_edited": False, "can_manage_chat": True,
                                "can_change_info": True, "can_delete_messages": True,
                                "can_invite_users": True, "can_restrict_members": True,
                                "can_promote_members": False, "can_manage_video_chats": True,
                                "is_anonymous": False, "can_post_messages": True,
                                "can_post_stories": False, "can_edit_stories": False,
                                "can_delete_stories": False}
                               if status == "administrator" else {})}}})


def _said(h: Harness, chat_id: int, user: int, text: str, *, channel: bool = False) -> None:
    """A message in that chat (a channel post has no sender)."""
    entities = ([{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
                if text.startswith("/") else [])
    message: dict[str, Any] = {"message_id": int(time.time() * 1000) % 10**6,
                               "chat": _chat(chat_id, "channel" if channel else
                                             h.fake._groups[chat_id]["type"]),
                               "date": int(time.time()), "text": text, "entities": entities}
    if not channel:
        message["from"] = h.fake._user(user)
    h.fake.push_raw_update({"channel_post" if channel else "message": message})


async def test_added_anywhere_but_a_private_chat_it_says_why_leaves_and_posts_nothing_else(
        harness: Harness, tmp_path) -> None:
    h = harness
    w = await build_world(h, tmp_path)
    h.fake.add_bot_to_group(GROUP, by_user_id=ADMIN)
    _joined(h, SUPERGROUP, "supergroup", "member", ADMIN)
    _joined(h, CHANNEL, "channel", "administrator", ADMIN)
    for chat_id in (GROUP, SUPERGROUP, CHANNEL):
        notice = await h.fake.wait_for_message(chat_id)
        assert notice.text == t("group_refused")
        await h.fake.wait_for_call("leaveChat", lambda c, i=chat_id: c.params.get("chat_id") == i)
    # Commands and chatter in those chats before the bot's leaving took effect.
    for text in ("/status", "/report", "/incident " + w.incident.code, "/incidents", "/duty",
                 "/pending", "/start", "/help"):
        _said(h, GROUP, LIAISON_A, text)
        _said(h, SUPERGROUP, RESPONDER, text)
        _said(h, CHANNEL, ADMIN, text, channel=True)
    # A button pressed on the bot's message in a group: even a valid acknowledgement of
    # the tapper's own agency is not taken there.
    before = await w.snapshot()
    in_group = h.fake.messages_to(GROUP)[0]
    query = h.fake.press_button(LIAISON_A, in_group.message_id, w.copy_a.button_data("Đã nhận"),
                                chat_id=GROUP)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert NOTICE in str((h.fake.callback_answer(query) or {}).get("text", ""))
    await h.say(ADMIN, "/help")  # later private updates are served: the others were handled
    await h.services.sender.drained()
    assert await w.snapshot() == before
    assert not await AuditRepository(h.services.db.reader).entries("ack.recorded")
    # Over the whole run: to a non-private chat, the notice and nothing else.
    to_groups = [m for m in h.fake.sent_messages if m.chat_id < 0]
    assert [(m.chat_id, m.text) for m in to_groups] == [
        (c, t("group_refused")) for c in (GROUP, SUPERGROUP, CHANNEL)]
    assert not [c for c in h.fake.calls if c.ok and (c.chat_id or 0) < 0
                and c.method not in ("sendMessage", "leaveChat", "answerCallbackQuery")]
