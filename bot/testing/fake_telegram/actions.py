"""A test acts as Telegram users: they write, send files and contacts, tap buttons, add the bot."""

from __future__ import annotations

from bot.testing.fake_telegram.html import command_entities
from bot.testing.fake_telegram.records import JSONDict
from bot.testing.fake_telegram.state import FakeState, as_int, document_dict, photo_sizes


class UserActions(FakeState):
    """Each action enqueues the update the bot fetches with ``getUpdates``."""

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
    ) -> None:
        """Register a user; its private chat (same id) becomes valid for the bot."""
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        self._users[user_id] = user

    def send_text(self, user_id: int, text: str) -> int:
        """The user sends ``text`` in its private chat; commands get a bot_command entity."""
        return self._private_message(user_id, self._text(text))

    def send_command(self, user_id: int, command: str, args: str = "") -> int:
        """The user sends ``/command args`` (``command`` with or without the slash)."""
        text = "/" + command.lstrip("/")
        if args:
            text = f"{text} {args}"
        return self.send_text(user_id, text)

    def send_contact(
        self,
        user_id: int,
        phone_number: str,
        contact_user_id: int | None = None,
        first_name: str = "",
    ) -> int:
        """The user shares a contact (its own when ``contact_user_id == user_id``)."""
        sender = self._user(user_id)
        if not first_name:
            known = self._users.get(contact_user_id) if contact_user_id is not None else None
            first_name = str((known or sender)["first_name"])
        contact: JSONDict = {"phone_number": phone_number, "first_name": first_name}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._private_message(user_id, {"contact": contact})

    def send_document(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str = "application/pdf",
        caption: str | None = None,
        media_group_id: str | None = None,
    ) -> int:
        """The user sends a document; its bytes can be fetched via getFile + download.
        Documents of one album share a ``media_group_id`` (one update each, as Telegram)."""
        stored = self._store_file("document", content, file_name=file_name, mime_type=mime_type)
        payload: JSONDict = {"document": document_dict(stored)}
        if media_group_id is not None:
            payload["media_group_id"] = media_group_id
        return self._private_message(user_id, payload, caption)

    def send_photo(self, user_id: int, content: bytes, caption: str | None = None,
                   media_group_id: str | None = None) -> int:
        """The user sends a photo; the photos of one album share a ``media_group_id`` and
        arrive as one update each, as Telegram sends them."""
        stored = self._store_file("photo", content, mime_type="image/jpeg")
        payload: JSONDict = {"photo": photo_sizes(stored)}
        if media_group_id is not None:
            payload["media_group_id"] = media_group_id
        return self._private_message(user_id, payload, caption)

    def send_sticker(self, user_id: int) -> int:
        """The user sends a sticker."""
        stored = self._store_file("sticker", b"RIFF\x00\x00\x00\x00WEBP", mime_type="image/webp")
        sticker: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
            "file_size": stored.file_size,
        }
        return self._private_message(user_id, {"sticker": sticker})

    def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        chat_id: int | None = None,
    ) -> str:
        """The user presses an inline button of a bot message; returns the query id.

        ``callback_data`` is not checked against the keyboard, so forged data can be sent.
        """
        user = self._user(user_id)
        target_chat = user_id if chat_id is None else chat_id
        message = self._find_message_or_none(target_chat, message_id)
        if message is None or message.deleted:
            raise ValueError(f"the bot has no message {message_id} in chat {target_chat}")
        query_id = str(4_000_000_000_000 + next(self._callback_counter))
        query: JSONDict = {
            "id": query_id,
            "from": user,
            "message": self._message_dict(message),
            "chat_instance": str(-(10**12) - abs(target_chat)),
            "data": callback_data,
        }
        self._callback_queries[query_id] = query
        self._enqueue("callback_query", query)
        return query_id

    def add_bot_to_group(self, group_chat_id: int, by_user_id: int, title: str = "Nhóm") -> None:
        """``by_user_id`` adds the bot to a group: a my_chat_member update (left -> member)."""
        user = self._user(by_user_id)
        chat: JSONDict = {"id": group_chat_id, "type": "group", "title": title}
        self._groups[group_chat_id] = chat
        self._bot_in_group[group_chat_id] = True
        self._left.discard(group_chat_id)
        self._enqueue(
            "my_chat_member",
            {
                "chat": dict(chat),
                "from": user,
                "date": self._unix(),
                "old_chat_member": {"user": self.bot_user(), "status": "left"},
                "new_chat_member": {"user": self.bot_user(), "status": "member"},
            },
        )

    def send_group_text(self, group_chat_id: int, user_id: int, text: str) -> int:
        """A user writes in a group the bot was added to (no update if the bot has left)."""
        if group_chat_id not in self._groups:
            raise ValueError(f"unknown group {group_chat_id}; call add_bot_to_group() first")
        return self._user_message(
            dict(self._groups[group_chat_id]),
            user_id,
            self._text(text),
            deliver=self._bot_in_group.get(group_chat_id, False),
        )

    def push_raw_update(self, update: JSONDict) -> None:
        """Enqueue an arbitrary update (``update_id`` is assigned when missing).

        Forged *content* (unknown chats, foreign callback data, odd texts, extra fields)
        is the point; the update must still be parseable by PTB's ``Update.de_json``:
        PTB's poller never confirms an update it fails to parse and re-fetches it forever.
        """
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, as_int(update["update_id"]) or 0) + 1
        self._pending.append(update)
        self.updates_log.append(update)
        self._signal.notify_all()

    def _private_message(self, user_id: int, content: JSONDict, caption: str | None = None) -> int:
        """A message from the user in its private chat with the bot (an optional caption)."""
        if caption is not None:
            content = {**content, "caption": caption}
        return self._user_message(self._chat_dict(user_id), user_id, content)

    @staticmethod
    def _text(text: str) -> JSONDict:
        payload: JSONDict = {"text": text}
        entities = command_entities(text)
        if entities:
            payload["entities"] = entities
        return payload

    def _user_message(self, chat: JSONDict, user_id: int, content: JSONDict, *, deliver: bool = True) -> int:
        user = self._user(user_id)
        message_id = self._alloc_message_id(int(chat["id"]))
        message: JSONDict = {
            "message_id": message_id,
            "from": user,
            "chat": chat,
            "date": self._unix(),
            **content,
        }
        if deliver:
            self._enqueue("message", message)
        return message_id

    def _enqueue(self, kind: str, payload: JSONDict) -> None:
        self.push_raw_update({"update_id": self._next_update_id, kind: payload})
