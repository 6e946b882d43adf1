"""The Bot API methods the fake implements, over its state, whatever front a request came through."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from bot.testing.fake_telegram.errors import (
    BLOCKED,
    CHAT_NOT_FOUND,
    KICKED,
    NOT_MEMBER,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
)
from bot.testing.fake_telegram.html import caption_param, text_param, utf16_len
from bot.testing.fake_telegram.records import JSONDict, MessageEdit, MessageKind, SentMessage, StoredFile
from bot.testing.fake_telegram.state import ApiRequest, FakeState, as_float, as_int

#: Methods that count against the rate limit (when successful).
SENDING_METHODS: frozenset[str] = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)

MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_CALLBACK_DATA_BYTES = 64

_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
# sendPhoto: "The photo's width and height must not exceed 10000 in total. Width and height
# ratio must be at most 20." Bytes that are not a picture: IMAGE_PROCESS_FAILED.
MAX_PHOTO_SIDES = 10_000
MAX_PHOTO_RATIO = 20
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


def _check_photo(content: bytes) -> None:
    """Refuse an uploaded photo as Telegram does: not a picture, or out of its shape limits
    (read from the header when Pillow can; a picture it cannot read is let through)."""
    webp = content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    if not (webp or content.startswith(_IMAGE_MAGIC)):
        raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
    try:
        import io

        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
    except Exception:  # a fake's bytes with a picture's first bytes: no shape to check
        return
    if (width + height > MAX_PHOTO_SIDES
            or max(width, height) > MAX_PHOTO_RATIO * max(1, min(width, height))):
        raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")


class BotApi(FakeState):
    """Bot API methods: ``_call_api(method, request)`` answers one request or raises ``ApiError``."""

    async def _call_api(self, method: str, request: ApiRequest) -> Any:
        handler = _HANDLERS.get(method)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return await handler(self, request)

    # ---- rules shared by the methods ---------------------------------------------------------

    def _target_chat(self, params: JSONDict, *, sending: bool = True) -> int:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = as_int(raw)
        if chat_id is None or chat_id in self._lost:
            raise ApiError(400, CHAT_NOT_FOUND)
        if sending and chat_id in self._blocked:
            raise ApiError(403, KICKED if chat_id in self._groups else BLOCKED)
        if chat_id in self._users:
            return chat_id
        if chat_id in self._groups:
            if sending and not self._bot_in_group.get(chat_id, False):
                raise ApiError(403, NOT_MEMBER)
            return chat_id
        raise ApiError(400, CHAT_NOT_FOUND)

    @staticmethod
    def _markup(params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button: not an array")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text is missing")
                if set(button) == {"text"}:
                    raise ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard",
                    )
                data = button.get("callback_data")
                if data is not None and (
                    not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                ):
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _message_to_edit(self, params: JSONDict) -> SentMessage:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat_id = self._target_chat(params)
        message = self._find_message_or_none(chat_id, params.get("message_id"))
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _apply_edit(
        self,
        message: SentMessage,
        method: str,
        *,
        text: str | None,
        plain: str | None,
        entities: list[JSONDict],
        parse_mode: str | None,
        markup: JSONDict | None,
    ) -> JSONDict:
        if plain == message.plain_text and entities == message.entities and (markup == message.reply_markup):
            raise ApiError(400, NOT_MODIFIED)
        self._check_rate(message.chat_id)
        now = self._clock.now().timestamp()
        message.edits.append(
            MessageEdit(
                method=method,
                text=text,
                reply_markup=markup,
                parse_mode=parse_mode,
                previous_text=message.text,
                previous_reply_markup=message.reply_markup,
                time=now,
            )
        )
        message.text, message.plain_text, message.entities = text, plain, entities
        message.parse_mode, message.reply_markup = parse_mode, markup
        message.edit_date = int(now)
        self._signal.notify_all()
        return self._message_dict(message)

    def _input_file(self, kind: str, request: ApiRequest) -> StoredFile:
        """Resolve a document/photo parameter: an upload, ``attach://name`` or a file_id."""
        upload = request.files.get(kind)
        value = request.params.get(kind)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = request.files.get(value.removeprefix("attach://"))
        if upload is not None:
            if kind == "photo":
                _check_photo(upload.content)
            mime = upload.content_type if kind == "document" else "image/jpeg"
            return self._store_file(
                kind,
                upload.content,
                file_name=upload.filename if kind == "document" else None,
                mime_type=mime,
            )
        if isinstance(value, str) and value:
            stored = self._files.get(value)
            if stored is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            return stored
        raise ApiError(400, f"Bad Request: there is no {kind} in the request")

    def _checked_scope_key(self, params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope")
        key = self._scope_key(scope)
        if isinstance(scope, dict) and "chat_id" in scope:
            chat_id = as_int(scope["chat_id"])
            if (
                chat_id is None
                or chat_id in self._lost
                or (chat_id not in self._users and chat_id not in self._groups)
            ):
                raise ApiError(400, CHAT_NOT_FOUND)
        language = params.get("language_code") or ""
        return key, str(language)

    def _check_rate(self, chat_id: int) -> None:
        if self._rate_per_second is None and self._rate_per_chat is None:
            return
        now = time.monotonic()
        while self._rate_window and self._rate_window[0][0] <= now - 1.0:
            self._rate_window.popleft()
        over_total = self._rate_per_second is not None and len(self._rate_window) >= self._rate_per_second
        over_chat = self._rate_per_chat is not None and (
            sum(1 for _, chat in self._rate_window if chat == chat_id) >= self._rate_per_chat
        )
        if over_total or over_chat:
            raise ApiError(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"Too Many Requests: retry after {self._rate_retry_after}",
                self._rate_retry_after,
            )
        self._rate_window.append((now, chat_id))

    # ---- API methods ------------------------------------------------------------------------

    async def _api_get_me(self, request: ApiRequest) -> JSONDict:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_get_updates(self, request: ApiRequest) -> list[JSONDict]:
        offset = as_int(request.params.get("offset")) or 0
        limit = as_int(request.params.get("limit")) or 100
        limit = min(max(limit, 1), 100)
        timeout = max(0.0, as_float(request.params.get("timeout"), 0.0))
        if offset > 0:
            self._pending = [u for u in self._pending
                             if (as_int(u["update_id"]) or 0) >= offset
                             or as_int(u["update_id"]) in self._again]
        elif offset < 0:
            self._pending = self._pending[offset:]

        def ready() -> list[JSONDict] | None:
            if self._pending:
                batch = list(self._pending[:limit])
                # Handed out again once: the next offset confirms it like any other.
                self._again.difference_update(as_int(u["update_id"]) for u in batch)
                return batch
            # An abandoned poll (client gone) ends at the next wake-up.
            return [] if self._stopping.is_set() or not request.client_connected() else None

        result = ready()
        if result is not None or timeout <= 0:
            return result or []
        self._pollers.append(request)
        self._signal.notify_all()
        try:
            return await self._signal.wait_for(ready, timeout) or []
        finally:
            self._pollers.remove(request)

    async def _api_delete_webhook(self, request: ApiRequest) -> bool:
        if request.params.get("drop_pending_updates") is True:
            self._pending.clear()
        return True

    async def _api_get_webhook_info(self, request: ApiRequest) -> JSONDict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._pending)}

    async def _api_set_my_commands(self, request: ApiRequest) -> bool:
        commands = request.params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            name = command.get("command")
            if not isinstance(name, str) or not _BOT_COMMAND_RE.fullmatch(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._checked_scope_key(request.params)
        self._commands[key] = [
            {"command": command["command"], "description": command["description"]} for command in commands
        ]
        return True

    async def _api_get_my_commands(self, request: ApiRequest) -> list[JSONDict]:
        return [dict(c) for c in self._commands.get(self._checked_scope_key(request.params), [])]

    async def _api_delete_my_commands(self, request: ApiRequest) -> bool:
        self._commands.pop(self._checked_scope_key(request.params), None)
        return True

    async def _api_send_message(self, request: ApiRequest) -> JSONDict:
        params = request.params
        chat_id = self._target_chat(params)
        text, plain, entities, parse_mode = text_param(params, validate_html=self.validate_html)
        markup = self._markup(params)
        self._check_rate(chat_id)
        message = SentMessage(
            message_id=self._alloc_message_id(chat_id),
            chat_id=chat_id,
            kind="text",
            text=text,
            reply_markup=markup,
            parse_mode=parse_mode,
            date=self._unix(),
            plain_text=plain,
            entities=entities,
            params=params,
        )
        return self._message_dict(self._record(message))

    async def _send_media(self, kind: MessageKind, request: ApiRequest) -> JSONDict:
        params = request.params
        chat_id = self._target_chat(params)
        caption, plain, entities, parse_mode = caption_param(params, validate_html=self.validate_html)
        markup = self._markup(params)
        stored = self._input_file(kind, request)
        self._check_rate(chat_id)
        message = SentMessage(
            message_id=self._alloc_message_id(chat_id),
            chat_id=chat_id,
            kind=kind,
            text=caption,
            reply_markup=markup,
            parse_mode=parse_mode,
            date=self._unix(),
            plain_text=plain,
            entities=entities,
            file_name=stored.file_name,
            file_bytes=stored.content,
            mime_type=stored.mime_type,
            file_id=stored.file_id,
            params=params,
        )
        return self._message_dict(self._record(message))

    async def _api_send_document(self, request: ApiRequest) -> JSONDict:
        return await self._send_media("document", request)

    async def _api_send_photo(self, request: ApiRequest) -> JSONDict:
        return await self._send_media("photo", request)

    async def _api_edit_message_text(self, request: ApiRequest) -> JSONDict:
        message = self._message_to_edit(request.params)
        if message.kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, plain, entities, parse_mode = text_param(request.params, validate_html=self.validate_html)
        return self._apply_edit(
            message,
            "editMessageText",
            text=text,
            plain=plain,
            entities=entities,
            parse_mode=parse_mode,
            markup=self._markup(request.params),
        )

    async def _api_edit_message_caption(self, request: ApiRequest) -> JSONDict:
        message = self._message_to_edit(request.params)
        if message.kind == "text":
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, plain, entities, parse_mode = caption_param(request.params, validate_html=self.validate_html)
        return self._apply_edit(
            message,
            "editMessageCaption",
            text=caption,
            plain=plain,
            entities=entities,
            parse_mode=parse_mode,
            markup=self._markup(request.params),
        )

    async def _api_edit_message_reply_markup(self, request: ApiRequest) -> JSONDict:
        message = self._message_to_edit(request.params)
        return self._apply_edit(
            message,
            "editMessageReplyMarkup",
            text=message.text,
            plain=message.plain_text,
            entities=message.entities,
            parse_mode=message.parse_mode,
            markup=self._markup(request.params),
        )

    async def _api_delete_message(self, request: ApiRequest) -> bool:
        chat_id = self._target_chat(request.params, sending=False)
        message_id = as_int(request.params.get("message_id"))
        message = self._find_message_or_none(chat_id, message_id)
        if message is None:
            # A user's message (ids are shared per chat) can be deleted too.
            if message_id is None or not 0 < message_id < self._next_message_id.get(chat_id, 1):
                raise ApiError(400, "Bad Request: message to delete not found")
            return True
        if message.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        message.deleted = True
        self._signal.notify_all()
        return True

    async def _api_answer_callback_query(self, request: ApiRequest) -> bool:
        query_id = request.params.get("callback_query_id")
        query_id = str(query_id) if query_id is not None else ""
        if query_id not in self._callback_queries or query_id in self._callback_answers:
            raise ApiError(400, QUERY_TOO_OLD)
        text = request.params.get("text")
        if isinstance(text, str) and utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._callback_answers[query_id] = dict(request.params)
        return True

    async def _api_send_chat_action(self, request: ApiRequest) -> bool:
        self._target_chat(request.params)
        return True

    async def _api_get_file(self, request: ApiRequest) -> JSONDict:
        file_id = request.params.get("file_id")
        stored = self._files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _api_leave_chat(self, request: ApiRequest) -> bool:
        chat_id = self._target_chat(request.params, sending=False)
        if chat_id not in self._groups:
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        if not self._bot_in_group.get(chat_id, False):
            raise ApiError(403, NOT_MEMBER)
        self._bot_in_group[chat_id] = False
        self._left.add(chat_id)
        return True

    async def _api_get_chat(self, request: ApiRequest) -> JSONDict:
        chat_id = self._target_chat(request.params, sending=False)
        return {
            **self._chat_dict(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


_HANDLERS: dict[str, Callable[[BotApi, ApiRequest], Awaitable[Any]]] = {
    "getMe": BotApi._api_get_me,
    "getUpdates": BotApi._api_get_updates,
    "deleteWebhook": BotApi._api_delete_webhook,
    "getWebhookInfo": BotApi._api_get_webhook_info,
    "setMyCommands": BotApi._api_set_my_commands,
    "getMyCommands": BotApi._api_get_my_commands,
    "deleteMyCommands": BotApi._api_delete_my_commands,
    "sendMessage": BotApi._api_send_message,
    "editMessageText": BotApi._api_edit_message_text,
    "editMessageReplyMarkup": BotApi._api_edit_message_reply_markup,
    "editMessageCaption": BotApi._api_edit_message_caption,
    "deleteMessage": BotApi._api_delete_message,
    "answerCallbackQuery": BotApi._api_answer_callback_query,
    "sendDocument": BotApi._api_send_document,
    "sendPhoto": BotApi._api_send_photo,
    "sendChatAction": BotApi._api_send_chat_action,
    "getFile": BotApi._api_get_file,
    "leaveChat": BotApi._api_leave_chat,
    "getChat": BotApi._api_get_chat,
}

#: Every implemented Bot API method; names are matched case-insensitively.
IMPLEMENTED_METHODS: tuple[str, ...] = tuple(_HANDLERS)
_METHODS_BY_LOWER: dict[str, str] = {name.lower(): name for name in IMPLEMENTED_METHODS}


def canonical_method(name: str) -> str:
    """The Bot API spelling of a method name given in any case (unknown names unchanged)."""
    return _METHODS_BY_LOWER.get(name.lower(), name)
