"""A fake Telegram Bot API server for tests, benchmarks and demos.

The bot under test talks to it over real HTTP with python-telegram-bot's own
``HTTPXRequest``, configured with::

    base_url=f"{fake.base_url}/bot"
    base_file_url=f"{fake.base_url}/file/bot"

so requests arrive at ``/bot<token>/<method>`` and file downloads at
``/file/bot<token>/<file_path>``. The server only ever binds ``127.0.0.1`` on a
free port.

Tests act as users (``send_text``, ``press_button``, ...), which enqueues
updates that the bot fetches with ``getUpdates`` long polling, and inspect
what the bot did (``calls``, ``messages_to``, ``wait_for_message``, ...).
Fault switches (``block``, ``lose_chat``, ``fail_next``, ``hang_next``,
``set_rate_limit``, ``latency``) provoke the error paths of the real API.

All methods must be called from the thread running the event loop on which
``start()`` was awaited; the synchronous methods are safe to call from
coroutines and callbacks on that loop.

Deliberately realistic behaviours (they catch real bugs):

* ``parse_mode="HTML"`` text is validated like Telegram does (unsupported
  tags such as ``<br>``, unbalanced tags and stray ``<`` give
  ``400 Bad Request: can't parse entities: ...``); returned messages carry the
  plain text plus entities. Disable with ``validate_html = False``.
* Texts longer than 4096 UTF-16 code units, captions longer than 1024 (both
  counted after HTML parsing), callback answers longer than 200,
  ``callback_data`` longer than 64 bytes and invalid bot command names are
  rejected with the errors Telegram uses.
* ``editMessageText`` without ``reply_markup`` removes the inline keyboard,
  and an edit that changes nothing answers ``400 Bad Request: message is not
  modified``.
* A delayed response (``hang_next``) is still processed after the delay even
  if the client already timed out, as with the real API: the message exists.

MarkdownV2/Markdown texts are accepted as-is (no validation, no entities).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Literal, TypeVar

from aiohttp import web

from bot.clock import Clock, SystemClock

__all__ = [
    "Call",
    "FakeTelegram",
    "MessageEdit",
    "MessageKind",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
]

JSONDict = dict[str, Any]
MessageKind = Literal["text", "document", "photo"]
_T = TypeVar("_T")

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

#: Every implemented Bot API method; names are matched case-insensitively.
IMPLEMENTED_METHODS: tuple[str, ...] = (
    "getMe",
    "getUpdates",
    "deleteWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
    "deleteMessage",
    "answerCallbackQuery",
    "sendDocument",
    "sendPhoto",
    "sendChatAction",
    "getFile",
    "leaveChat",
    "getChat",
)
_METHODS_BY_LOWER: dict[str, str] = {name.lower(): name for name in IMPLEMENTED_METHODS}

#: Pseudo method name recorded in ``calls`` for file downloads.
DOWNLOAD_METHOD = "downloadFile"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_CALLBACK_DATA_BYTES = 64

# Form values of these parameters are kept as strings, never decoded.
_STRING_PARAMS: frozenset[str] = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "document",
        "photo",
        "video",
        "audio",
        "voice",
        "animation",
        "sticker",
        "thumbnail",
        "url",
        "description",
        "short_description",
        "name",
        "title",
        "language_code",
        "action",
        "business_connection_id",
        "message_effect_id",
        "custom_emoji_id",
        "query",
        "start_parameter",
        "payload",
        "emoji",
        "question",
        "explanation",
        "address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "secret_token",
        "ip_address",
        "certificate",
        "game_short_name",
        "currency",
        "provider_token",
        "invite_link",
        "inline_query_id",
        "shipping_query_id",
        "pre_checkout_query_id",
        "web_app_query_id",
        "gift_id",
        "owned_gift_id",
        "telegram_payment_charge_id",
    }
)
# Form values of these parameters (and of any other ``*_id``) become ints.
_INT_PARAMS: frozenset[str] = frozenset(
    {"offset", "limit", "timeout", "cache_time", "until_date", "duration", "width", "height"}
)
_INT_RE = re.compile(r"-?\d+")

_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_COMMAND_WORD_RE = re.compile(r"/\S+")

_CHAT_NOT_FOUND = "Bad Request: chat not found"
_BLOCKED = "Forbidden: bot was blocked by the user"
_KICKED = "Forbidden: bot was kicked from the group chat"
_NOT_MEMBER = "Forbidden: bot is not a member of the group chat"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class StoredFile:
    """A file known to the fake server (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_size(self) -> int:
        return len(self.content)


@dataclass
class Call:
    """One Bot API request made by the bot, recorded when its response was produced.

    ``time`` is ``time.monotonic()`` at that moment; ``params`` are the decoded
    parameters (file parts are in ``files``); ``error`` is the description of an
    error response.
    """

    method: str
    params: JSONDict
    time: float
    status: int
    files: dict[str, UploadedFile] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class MessageEdit:
    """State of a message after one edit (``time``: Unix seconds, from the fake's clock)."""

    method: str
    text: str | None
    reply_markup: JSONDict | None
    parse_mode: str | None
    previous_text: str | None
    previous_reply_markup: JSONDict | None
    time: float


@dataclass
class SentMessage:
    """A message the bot sent, with its current state.

    ``text`` is the text or caption exactly as the bot sent it (markup included);
    ``plain_text`` is what the user sees (HTML tags removed, entities unescaped).
    ``reply_markup`` is whatever markup the bot sent (inline or reply keyboard).
    """

    message_id: int
    chat_id: int
    kind: MessageKind
    text: str | None
    reply_markup: JSONDict | None
    parse_mode: str | None
    date: int
    plain_text: str | None = None
    entities: list[JSONDict] = field(default_factory=list)
    file_name: str | None = None
    file_bytes: bytes | None = None
    mime_type: str | None = None
    file_id: str | None = None
    edits: list[MessageEdit] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False
    params: JSONDict = field(default_factory=dict)

    @property
    def caption(self) -> str | None:
        return None if self.kind == "text" else self.text

    @property
    def buttons(self) -> list[JSONDict]:
        """All inline keyboard buttons, row by row."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        if not isinstance(rows, list):
            return []
        return [button for row in rows if isinstance(row, list) for button in row if isinstance(button, dict)]

    def button_data(self, label: str) -> str:
        """``callback_data`` of the first inline button whose text contains ``label``."""
        for button in self.buttons:
            data = button.get("callback_data")
            if label in str(button.get("text", "")) and isinstance(data, str):
                return data
        labels = [button.get("text") for button in self.buttons]
        raise AssertionError(f"no inline button containing {label!r}; buttons: {labels!r}")

    def describe(self) -> str:
        """A one-line human readable summary (used in timeout dumps)."""
        parts = [f"#{self.message_id} {self.kind}"]
        if self.file_name:
            parts.append(f"file={self.file_name!r}")
        parts.append(f"text={self.text!r}")
        if self.reply_markup is not None:
            labels = [button.get("text") for button in self.buttons]
            parts.append(f"buttons={labels!r}" if labels else f"markup={self.reply_markup!r}")
        if self.edits:
            parts.append(f"edits={len(self.edits)}")
        if self.deleted:
            parts.append("DELETED")
        return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


class _ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Failure:
    status: int
    retry_after: int | None
    description: str | None


@dataclass(frozen=True)
class _Request:
    params: JSONDict
    files: dict[str, UploadedFile]
    http: web.Request | None = None

    def client_connected(self) -> bool:
        return self.http is None or (self.http.transport is not None and not self.http.transport.is_closing())


class _Signal:
    """Wake-all notification that can be fired from synchronous code on the loop thread.

    ``asyncio.Condition.notify_all`` needs its lock held, which synchronous code
    (e.g. ``send_text``) cannot acquire; an event per generation gives the same
    semantics: every waiter re-checks its predicate after each ``notify_all``.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify_all(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], _T | None], timeout: float) -> _T | None:  # noqa: ASYNC109
        """Return the first non-None ``predicate()`` result, or None after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_param(key: str, value: Any) -> Any:
    """Decode one form/JSON-body value the way the real Bot API interprets it."""
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    if not isinstance(value, str) or key in _STRING_PARAMS:
        return value
    stripped = value.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            return value
    if (key in _INT_PARAMS or key.endswith("_id")) and _INT_RE.fullmatch(stripped):
        return int(stripped)
    if stripped in ("true", "false"):
        return stripped == "true"
    return value


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _as_float(value: Any, default: float) -> float:
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def _error_payload(status: int, description: str, retry_after: int | None) -> JSONDict:
    payload: JSONDict = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        payload["parameters"] = {"retry_after": retry_after}
    return payload


def _command_entities(text: str) -> list[JSONDict]:
    match = _COMMAND_WORD_RE.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(match.group(0))}]


# ---- HTML parse mode ------------------------------------------------------------------------

_HTML_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_HTML_ATTR_RE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_HTML_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_HTML_SPECIAL_RE = re.compile(r"[<&]")


class _HtmlError(ValueError):
    pass


def _html_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _HTML_ATTR_RE.finditer(raw):
        value = match.group(2) or match.group(3) or match.group(4) or ""
        attrs[match.group(1).lower()] = html.unescape(value)
    return attrs


def _parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into plain text and message entities.

    Raises ``_HtmlError`` with a Telegram-like description on malformed input.
    """
    out: list[str] = []
    pos = 0  # UTF-16 offset in the plain text
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[JSONDict] = []
    i = 0

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    while i < len(text):
        special = _HTML_SPECIAL_RE.search(text, i)
        end = special.start() if special else len(text)
        if end > i:
            chunk = text[i:end]
            out.append(chunk)
            pos += _utf16_len(chunk)
            i = end
            continue
        if text[i] == "&":
            entity_match = _HTML_ENTITY_RE.match(text, i)
            piece = html.unescape(entity_match.group(0)) if entity_match else "&"
            out.append(piece)
            pos += _utf16_len(piece)
            i = entity_match.end() if entity_match else i + 1
            continue
        tag = _HTML_TAG_RE.match(text, i)
        if tag is None:
            raise _HtmlError(f'Unsupported start tag "" at byte offset {byte_offset(i)}')
        closing, name, rest = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
        if closing:
            if not stack:
                raise _HtmlError(f'Unexpected end tag "{name}" at byte offset {byte_offset(i)}')
            open_name, attrs, start = stack.pop()
            if open_name != name:
                raise _HtmlError(
                    f"Unmatched end tag at byte offset {byte_offset(i)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            if name == "code" and stack and stack[-1][0] == "pre":
                language = attrs.get("class", "")
                if language.startswith("language-"):
                    stack[-1][1]["_language"] = language.removeprefix("language-")
                    i = tag.end()
                    continue
            entity = _html_entity(name, attrs, start, pos - start)
            if entity is not None:
                entities.append(entity)
        else:
            if name not in _HTML_TAGS or rest.rstrip().endswith("/"):
                raise _HtmlError(f'Unsupported start tag "{name}" at byte offset {byte_offset(i)}')
            attrs = _html_attrs(rest)
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _HtmlError(f'Unsupported start tag "{name}" at byte offset {byte_offset(i)}')
            stack.append((name, attrs, pos))
        i = tag.end()
    if stack:
        raise _HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(out), entities


def _html_entity(name: str, attrs: dict[str, str], offset: int, length: int) -> JSONDict | None:
    if length <= 0:
        return None
    entity_type = _HTML_TAGS[name]
    entity: JSONDict = {"type": entity_type, "offset": offset, "length": length}
    if name == "a":
        href = attrs.get("href")
        if not href:
            return None
        entity["url"] = href
    elif name == "pre" and attrs.get("_language"):
        entity["language"] = attrs["_language"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        emoji_id = attrs.get("emoji-id")
        if not emoji_id:
            return None
        entity["custom_emoji_id"] = emoji_id
    return entity


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeTelegram:
    """An in-process fake of the Telegram Bot API (see the module docstring)."""

    def __init__(
        self,
        token: str,
        *,
        bot_id: int = 7000000001,
        bot_username: str = "hoatoc_test_bot",
        bot_first_name: str = "Hỏa Tốc",
        clock: Clock | None = None,
    ) -> None:
        self.token = token
        # Telegram stamps messages with its own (real) time; a test may pass another clock.
        self._clock: Clock = clock or SystemClock()
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name

        #: Every Bot API request (and file download), in response order.
        self.calls: list[Call] = []
        #: Every update ever enqueued, in order (confirmed or not).
        self.updates_log: list[JSONDict] = []
        #: Seconds added to every Bot API request.
        self.latency: float = 0.0
        #: Number of 429 responses given (rate limiter and ``fail_next``).
        self.rejected_429: int = 0
        #: Validate ``parse_mode="HTML"`` texts like Telegram does.
        self.validate_html: bool = True

        self._users: dict[int, JSONDict] = {}
        self._groups: dict[int, JSONDict] = {}
        self._bot_in_group: dict[int, bool] = {}
        self._left: set[int] = set()
        self._blocked: set[int] = set()
        self._lost: set[int] = set()

        self._messages: dict[int, list[SentMessage]] = {}
        self._all_messages: list[SentMessage] = []
        self._next_message_id: dict[int, int] = {}

        self._pending: list[JSONDict] = []
        self._next_update_id = 1

        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)

        self._callback_counter = itertools.count(1)
        self._callback_queries: dict[str, JSONDict] = {}
        self._callback_answers: dict[str, JSONDict] = {}

        self._commands: dict[tuple[str, str], list[JSONDict]] = {}

        self._failures: dict[str, deque[_Failure]] = {}
        self._hangs: dict[str, deque[float]] = {}

        self._rate_per_second: int | None = None
        self._rate_per_chat: int | None = None
        self._rate_retry_after = 1
        self._rate_window: deque[tuple[float, int]] = deque()

        self._pollers: list[_Request] = []
        self._signal = _Signal()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

        self._handlers: dict[str, Callable[[_Request], Awaitable[Any]]] = {
            "getMe": self._api_get_me,
            "getUpdates": self._api_get_updates,
            "deleteWebhook": self._api_delete_webhook,
            "getWebhookInfo": self._api_get_webhook_info,
            "setMyCommands": self._api_set_my_commands,
            "getMyCommands": self._api_get_my_commands,
            "deleteMyCommands": self._api_delete_my_commands,
            "sendMessage": self._api_send_message,
            "editMessageText": self._api_edit_message_text,
            "editMessageReplyMarkup": self._api_edit_message_reply_markup,
            "editMessageCaption": self._api_edit_message_caption,
            "deleteMessage": self._api_delete_message,
            "answerCallbackQuery": self._api_answer_callback_query,
            "sendDocument": self._api_send_document,
            "sendPhoto": self._api_send_photo,
            "sendChatAction": self._api_send_chat_action,
            "getFile": self._api_get_file,
            "leaveChat": self._api_leave_chat,
            "getChat": self._api_get_chat,
        }

    def _unix(self) -> int:
        return int(self._clock.now().timestamp())

    # ---- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on ``127.0.0.1`` on a free port."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = site.port

    async def stop(self) -> None:
        """Wake pending long polls and hung requests, then shut the server down."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._stopping.set()
        self._signal.notify_all()
        await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (only valid after ``start()``)."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_base_url(self) -> str:
        """Value for PTB's ``base_url``."""
        return f"{self.base_url}/bot"

    @property
    def file_base_url(self) -> str:
        """Value for PTB's ``base_file_url``."""
        return f"{self.base_url}/file/bot"

    # ---- users and chats --------------------------------------------------------------------

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

    def bot_user(self) -> JSONDict:
        """The bot as a Telegram ``User`` object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _user(self, user_id: int) -> JSONDict:
        try:
            return dict(self._users[user_id])
        except KeyError:
            raise ValueError(f"unknown user {user_id}; call add_user() first") from None

    def _chat_dict(self, chat_id: int) -> JSONDict:
        if chat_id in self._groups:
            return dict(self._groups[chat_id])
        user = self._users.get(chat_id)
        if user is None:
            return {"id": chat_id, "type": "private", "first_name": str(chat_id)}
        chat: JSONDict = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        return chat

    # ---- acting as users --------------------------------------------------------------------

    def send_text(self, user_id: int, text: str) -> int:
        """The user sends ``text`` in its private chat; commands get a bot_command entity."""
        return self._user_message(self._chat_dict_for_user(user_id), user_id, self._text(text))

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
        return self._user_message(self._chat_dict_for_user(user_id), user_id, {"contact": contact})

    def send_document(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> int:
        """The user sends a document; its bytes can be fetched via getFile + download."""
        stored = self._store_file("document", content, file_name=file_name, mime_type=mime_type)
        payload: JSONDict = {"document": self._document_dict(stored)}
        if caption is not None:
            payload["caption"] = caption
        return self._user_message(self._chat_dict_for_user(user_id), user_id, payload)

    def send_photo(self, user_id: int, content: bytes, caption: str | None = None) -> int:
        """The user sends a photo."""
        stored = self._store_file("photo", content, mime_type="image/jpeg")
        payload: JSONDict = {"photo": self._photo_sizes(stored)}
        if caption is not None:
            payload["caption"] = caption
        return self._user_message(self._chat_dict_for_user(user_id), user_id, payload)

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
        return self._user_message(self._chat_dict_for_user(user_id), user_id, {"sticker": sticker})

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
        self._next_update_id = max(self._next_update_id, _as_int(update["update_id"]) or 0) + 1
        self._pending.append(update)
        self.updates_log.append(update)
        self._signal.notify_all()

    def _chat_dict_for_user(self, user_id: int) -> JSONDict:
        self._user(user_id)
        return self._chat_dict(user_id)

    @staticmethod
    def _text(text: str) -> JSONDict:
        payload: JSONDict = {"text": text}
        entities = _command_entities(text)
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

    def _alloc_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    # ---- reading what the bot did -----------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to ``chat_id``, oldest first (deleted ones included)."""
        return list(self._messages.get(chat_id, []))

    def last_message_to(self, chat_id: int) -> SentMessage | None:
        messages = self._messages.get(chat_id)
        return messages[-1] if messages else None

    @property
    def sent_messages(self) -> list[SentMessage]:
        """All messages the bot sent, in sending order."""
        return list(self._all_messages)

    def callback_answer(self, callback_query_id: str) -> JSONDict | None:
        """Parameters of answerCallbackQuery for that query, None if not answered yet."""
        answer = self._callback_answers.get(callback_query_id)
        return dict(answer) if answer is not None else None

    def commands_for(
        self, scope: JSONDict | None = None, *, language_code: str = ""
    ) -> list[JSONDict] | None:
        """What setMyCommands stored for ``scope`` (None: default scope), None if nothing."""
        commands = self._commands.get((self._scope_key(scope), language_code))
        return [dict(command) for command in commands] if commands is not None else None

    @property
    def left_chats(self) -> set[int]:
        """Chats the bot left with leaveChat (and was not re-added to since)."""
        return set(self._left)

    @property
    def active_long_polls(self) -> int:
        """getUpdates requests currently waiting for updates (client still connected)."""
        return sum(1 for poller in self._pollers if poller.client_connected())

    def file(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._pending)

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        after: int = 0,
    ) -> SentMessage:
        """Wait for a message to ``chat_id`` at index >= ``after`` matching ``predicate``.

        Edits wake the waiters too, so a predicate on the current text works for
        edited messages. Raises AssertionError with a dump of the chat on timeout.
        """

        def find() -> SentMessage | None:
            for message in self._messages.get(chat_id, [])[after:]:
                if predicate is None or predicate(message):
                    return message
            return None

        found = await self._signal.wait_for(find, timeout)
        if found is None:
            raise AssertionError(self._timeout_dump(chat_id, timeout, after, predicate))
        return found

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        after: int = 0,
    ) -> Call:
        """Wait for a recorded call of ``method`` at index >= ``after`` in ``calls``."""
        method = _METHODS_BY_LOWER.get(method.lower(), method)

        def find() -> Call | None:
            for call in self.calls[after:]:
                if call.method == method and (predicate is None or predicate(call)):
                    return call
            return None

        found = await self._signal.wait_for(find, timeout)
        if found is None:
            recent = "\n".join(
                f"  [{index}] {call.method} -> {call.status} {call.error or ''}".rstrip()
                for index, call in enumerate(self.calls)
            )
            raise AssertionError(
                f"timed out after {timeout}s waiting for a {method} call (after index {after}); "
                f"calls so far:\n{recent or '  (none)'}"
            )
        return found

    async def wait_for_long_poll(self, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until a getUpdates request is blocked waiting for updates.

        Useful to know the bot is idle and polling (e.g. after starting an Application).
        """
        polling = await self._signal.wait_for(lambda: True if self.active_long_polls else None, timeout)
        if polling is None:
            raise AssertionError(f"timed out after {timeout}s waiting for a getUpdates long poll")

    def _timeout_dump(
        self,
        chat_id: int,
        timeout: float,
        after: int,
        predicate: Callable[[SentMessage], bool] | None,
    ) -> str:
        messages = self._messages.get(chat_id, [])
        lines = [
            f"timed out after {timeout}s waiting for a message to chat {chat_id}"
            f" (index >= {after}, predicate={getattr(predicate, '__name__', predicate)!r});"
            f" chat received {len(messages)} message(s):"
        ]
        lines += [f"  [{index}] {message.describe()}" for index, message in enumerate(messages)]
        failed = [call for call in self.calls if call.chat_id == chat_id and not call.ok]
        if failed:
            lines.append("failed calls to this chat:")
            lines += [f"  {call.method} -> {call.status} {call.error}" for call in failed]
        flags = [
            name
            for name, on in (
                ("blocked", chat_id in self._blocked),
                ("lost", chat_id in self._lost),
                ("left", chat_id in self._left),
                ("unknown", chat_id not in self._users and chat_id not in self._groups),
            )
            if on
        ]
        if flags:
            lines.append(f"chat state: {', '.join(flags)}")
        return "\n".join(lines)

    # ---- fault switches ---------------------------------------------------------------------

    def block(self, chat_id: int) -> None:
        """Sends to that chat answer 403 (the user blocked the bot)."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def lose_chat(self, chat_id: int) -> None:
        """Every request about that chat answers 400 chat not found."""
        self._lost.add(chat_id)

    def restore_chat(self, chat_id: int) -> None:
        self._lost.discard(chat_id)

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` get an error with that HTTP status.

        429 always carries ``parameters.retry_after`` (default 1).
        """
        if status == HTTPStatus.TOO_MANY_REQUESTS and retry_after is None:
            retry_after = 1
        queue = self._failures.setdefault(_METHODS_BY_LOWER.get(method.lower(), method), deque())
        queue.extend(_Failure(status, retry_after, description) for _ in range(count))

    def hang_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Delay the response of the next ``count`` calls of ``method`` by ``seconds``.

        The request is still processed after the delay, even if the client gave up.
        """
        queue = self._hangs.setdefault(_METHODS_BY_LOWER.get(method.lower(), method), deque())
        queue.extend(seconds for _ in range(count))

    async def wait_for_hangs(self, method: str, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every delay set by ``hang_next`` for ``method`` has begun (its request
        arrived and is being held)."""
        name = _METHODS_BY_LOWER.get(method.lower(), method)
        started = await self._signal.wait_for(
            lambda: True if not self._hangs.get(name) else None, timeout)
        if started is None:
            raise AssertionError(f"{len(self._hangs.get(name, ()))} {name} call(s) never came")

    def set_rate_limit(
        self,
        per_second: int | None,
        per_chat_per_second: int | None = 1,
        retry_after: int = 1,
    ) -> None:
        """Sliding one-second window over successful sending methods; None disables a limit."""
        self._rate_per_second = per_second
        self._rate_per_chat = per_chat_per_second
        self._rate_retry_after = retry_after
        self._rate_window.clear()

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
            raise _ApiError(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"Too Many Requests: retry after {self._rate_retry_after}",
                self._rate_retry_after,
            )
        self._rate_window.append((now, chat_id))

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but return early when the server is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # ---- HTTP layer -------------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
        raw: JSONDict = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError:
                    raise _ApiError(400, "Bad Request: invalid JSON in request body") from None
                if not isinstance(data, dict):
                    raise _ApiError(400, "Bad Request: request body must be a JSON object")
                raw.update(data)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        field=key,
                        filename=value.filename,
                        content=value.file.read(),
                        content_type=value.content_type,
                    )
                else:
                    raw[key] = value
        return {key: _decode_param(key, value) for key, value in raw.items()}, files

    def _respond(
        self,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile],
        status: int,
        payload: JSONDict,
    ) -> web.Response:
        error = None if payload.get("ok") else str(payload.get("description"))
        self.calls.append(Call(method, params, time.monotonic(), status, files, error))
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            self.rejected_429 += 1
        self._signal.notify_all()
        return web.json_response(payload, status=status)

    async def _handle_api(self, request: web.Request) -> web.Response:
        raw_method = request.match_info["method"]
        method = _METHODS_BY_LOWER.get(raw_method.lower(), raw_method)
        try:
            params, files = await self._read_params(request)
        except ConnectionResetError:
            # The client went away mid-request (a bot shutting down): nobody to answer.
            return web.Response(status=499)
        except _ApiError as exc:
            return self._respond(
                method, {}, {}, exc.status, _error_payload(exc.status, exc.description, None)
            )
        if request.match_info["token"] != self.token:
            return self._respond(method, params, files, 401, _error_payload(401, "Unauthorized", None))
        if self.latency > 0:
            await self._sleep(self.latency)
        hangs = self._hangs.get(method)
        if hangs:
            delay = hangs.popleft()
            self._signal.notify_all()
            await self._sleep(delay)
        failures = self._failures.get(method)
        if failures:
            failure = failures.popleft()
            description = failure.description or self._default_description(failure)
            return self._respond(
                method,
                params,
                files,
                failure.status,
                _error_payload(failure.status, description, failure.retry_after),
            )
        handler = self._handlers.get(method)
        if handler is None:
            return self._respond(
                method, params, files, 404, _error_payload(404, "Not Found: method not found", None)
            )
        try:
            result = await handler(_Request(params, files, request))
        except _ApiError as exc:
            return self._respond(
                method,
                params,
                files,
                exc.status,
                _error_payload(exc.status, exc.description, exc.retry_after),
            )
        return self._respond(method, params, files, 200, {"ok": True, "result": result})

    @staticmethod
    def _default_description(failure: _Failure) -> str:
        if failure.status == HTTPStatus.TOO_MANY_REQUESTS:
            return f"Too Many Requests: retry after {failure.retry_after}"
        try:
            return HTTPStatus(failure.status).phrase
        except ValueError:
            return f"Error {failure.status}"

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        params: JSONDict = {"file_path": path}
        if request.match_info["token"] != self.token:
            return self._respond(DOWNLOAD_METHOD, params, {}, 401, _error_payload(401, "Unauthorized", None))
        stored = self._files_by_path.get(path)
        if stored is None:
            return self._respond(DOWNLOAD_METHOD, params, {}, 404, _error_payload(404, "Not Found", None))
        self.calls.append(Call(DOWNLOAD_METHOD, params, time.monotonic(), 200))
        self._signal.notify_all()
        mime = stored.mime_type or "application/octet-stream"
        if ";" in mime or "/" not in mime:
            mime = "application/octet-stream"
        return web.Response(body=stored.content, content_type=mime)

    # ---- helpers for API methods ------------------------------------------------------------

    def _target_chat(self, params: JSONDict, *, sending: bool = True) -> int:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _ApiError(400, "Bad Request: chat_id is empty")
        chat_id = _as_int(raw)
        if chat_id is None or chat_id in self._lost:
            raise _ApiError(400, _CHAT_NOT_FOUND)
        if sending and chat_id in self._blocked:
            raise _ApiError(403, _KICKED if chat_id in self._groups else _BLOCKED)
        if chat_id in self._users:
            return chat_id
        if chat_id in self._groups:
            if sending and not self._bot_in_group.get(chat_id, False):
                raise _ApiError(403, _NOT_MEMBER)
            return chat_id
        raise _ApiError(400, _CHAT_NOT_FOUND)

    @staticmethod
    def _parse_mode(params: JSONDict) -> str | None:
        value = params.get("parse_mode")
        if value is None or value == "":
            return None
        if not isinstance(value, str) or value.lower() not in ("html", "markdown", "markdownv2"):
            raise _ApiError(400, f"Bad Request: unsupported parse_mode {value!r}")
        return value

    def _render(self, text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[JSONDict]]:
        if isinstance(entities, list):
            return text, [entity for entity in entities if isinstance(entity, dict)]
        if parse_mode is not None and parse_mode.lower() == "html":
            try:
                return _parse_html(text)
            except _HtmlError as exc:
                if self.validate_html:
                    raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
                return text, []
        return text, []

    def _rendered_text(
        self, params: JSONDict, key: str, entities_key: str
    ) -> tuple[str | None, str | None, list[JSONDict], str | None]:
        """Return (raw, plain, entities, parse_mode) of a text/caption parameter."""
        raw = params.get(key)
        parse_mode = self._parse_mode(params)
        if raw is None:
            return None, None, [], parse_mode
        if not isinstance(raw, str):
            raw = json.dumps(raw) if isinstance(raw, dict | list) else str(raw)
        plain, entities = self._render(raw, parse_mode, params.get(entities_key))
        return raw, plain, entities, parse_mode

    def _text_param(self, params: JSONDict) -> tuple[str, str, list[JSONDict], str | None]:
        raw, plain, entities, parse_mode = self._rendered_text(params, "text", "entities")
        if raw is None or plain is None or not plain.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(plain) > MAX_TEXT_LENGTH:
            raise _ApiError(400, "Bad Request: message is too long")
        return raw, plain, entities, parse_mode

    def _caption_param(self, params: JSONDict) -> tuple[str | None, str | None, list[JSONDict], str | None]:
        raw, plain, entities, parse_mode = self._rendered_text(params, "caption", "caption_entities")
        if plain is not None and _utf16_len(plain) > MAX_CAPTION_LENGTH:
            raise _ApiError(400, "Bad Request: message caption is too long")
        return raw, plain, entities, parse_mode

    @staticmethod
    def _markup(params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _ApiError(400, "Bad Request: can't parse inline keyboard button: not an array")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _ApiError(400, "Bad Request: can't parse inline keyboard button: Text is missing")
                if set(button) == {"text"}:
                    raise _ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard",
                    )
                data = button.get("callback_data")
                if data is not None and (
                    not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                ):
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _find_message_or_none(self, chat_id: int, message_id: Any) -> SentMessage | None:
        wanted = _as_int(message_id)
        for message in self._messages.get(chat_id, []):
            if message.message_id == wanted:
                return message
        return None

    def _message_to_edit(self, params: JSONDict) -> SentMessage:
        if params.get("inline_message_id"):
            raise _ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat_id = self._target_chat(params)
        message = self._find_message_or_none(chat_id, params.get("message_id"))
        if message is None or message.deleted:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return message

    def _record(self, message: SentMessage) -> SentMessage:
        self._messages.setdefault(message.chat_id, []).append(message)
        self._all_messages.append(message)
        self._signal.notify_all()
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
            raise _ApiError(400, _NOT_MODIFIED)
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

    def _message_dict(self, message: SentMessage) -> JSONDict:
        result: JSONDict = {
            "message_id": message.message_id,
            "from": self.bot_user(),
            "chat": self._chat_dict(message.chat_id),
            "date": message.date,
        }
        if message.edit_date is not None:
            result["edit_date"] = message.edit_date
        text_key, entities_key = (
            ("text", "entities") if message.kind == "text" else ("caption", "caption_entities")
        )
        if message.plain_text is not None:
            result[text_key] = message.plain_text
            if message.entities:
                result[entities_key] = [dict(entity) for entity in message.entities]
        if message.file_id is not None:
            stored = self._files[message.file_id]
            if message.kind == "document":
                result["document"] = self._document_dict(stored)
            elif message.kind == "photo":
                result["photo"] = self._photo_sizes(stored)
        if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
            result["reply_markup"] = message.reply_markup
        return result

    def _store_file(
        self,
        kind: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        number = next(self._file_counter)
        extension = ""
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photo":
            extension = ".jpg"
        stored = StoredFile(
            file_id=f"fake-{kind}-{number:06d}",
            file_unique_id=f"uniq{number:06d}",
            file_path=f"{kind}s/file_{number}{extension}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def _document_dict(stored: StoredFile) -> JSONDict:
        document: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.file_name is not None:
            document["file_name"] = stored.file_name
        if stored.mime_type is not None:
            document["mime_type"] = stored.mime_type
        return document

    @staticmethod
    def _photo_sizes(stored: StoredFile) -> list[JSONDict]:
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 800,
                "height": 600,
                "file_size": stored.file_size,
            }
        ]

    def _input_file(self, kind: str, request: _Request) -> StoredFile:
        """Resolve a document/photo parameter: an upload, ``attach://name`` or a file_id."""
        upload = request.files.get(kind)
        value = request.params.get(kind)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = request.files.get(value.removeprefix("attach://"))
        if upload is not None:
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
                raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            return stored
        raise _ApiError(400, f"Bad Request: there is no {kind} in the request")

    def _scope_key(self, scope: Any) -> str:
        if scope is None or scope == "":
            return "default"
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise _ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        if scope["type"] == "default" and len(scope) == 1:
            return "default"
        normalized = dict(scope)
        for key in ("chat_id", "user_id"):
            if key in normalized:
                number = _as_int(normalized[key])
                if number is not None:
                    normalized[key] = number
        return json.dumps(normalized, sort_keys=True, separators=(",", ":"))

    def _checked_scope_key(self, params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope")
        key = self._scope_key(scope)
        if isinstance(scope, dict) and "chat_id" in scope:
            chat_id = _as_int(scope["chat_id"])
            if (
                chat_id is None
                or chat_id in self._lost
                or (chat_id not in self._users and chat_id not in self._groups)
            ):
                raise _ApiError(400, _CHAT_NOT_FOUND)
        language = params.get("language_code") or ""
        return key, str(language)

    # ---- API methods ------------------------------------------------------------------------

    async def _api_get_me(self, request: _Request) -> JSONDict:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_get_updates(self, request: _Request) -> list[JSONDict]:
        offset = _as_int(request.params.get("offset")) or 0
        limit = _as_int(request.params.get("limit")) or 100
        limit = min(max(limit, 1), 100)
        timeout = max(0.0, _as_float(request.params.get("timeout"), 0.0))
        if offset > 0:
            self._pending = [u for u in self._pending if (_as_int(u["update_id"]) or 0) >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

        def ready() -> list[JSONDict] | None:
            if self._pending:
                return list(self._pending[:limit])
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

    async def _api_delete_webhook(self, request: _Request) -> bool:
        if request.params.get("drop_pending_updates") is True:
            self._pending.clear()
        return True

    async def _api_get_webhook_info(self, request: _Request) -> JSONDict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._pending)}

    async def _api_set_my_commands(self, request: _Request) -> bool:
        commands = request.params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise _ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise _ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            name = command.get("command")
            if not isinstance(name, str) or not _BOT_COMMAND_RE.fullmatch(name):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._checked_scope_key(request.params)
        self._commands[key] = [
            {"command": command["command"], "description": command["description"]} for command in commands
        ]
        return True

    async def _api_get_my_commands(self, request: _Request) -> list[JSONDict]:
        return [dict(c) for c in self._commands.get(self._checked_scope_key(request.params), [])]

    async def _api_delete_my_commands(self, request: _Request) -> bool:
        self._commands.pop(self._checked_scope_key(request.params), None)
        return True

    async def _api_send_message(self, request: _Request) -> JSONDict:
        params = request.params
        chat_id = self._target_chat(params)
        text, plain, entities, parse_mode = self._text_param(params)
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

    async def _send_media(self, kind: MessageKind, request: _Request) -> JSONDict:
        params = request.params
        chat_id = self._target_chat(params)
        caption, plain, entities, parse_mode = self._caption_param(params)
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

    async def _api_send_document(self, request: _Request) -> JSONDict:
        return await self._send_media("document", request)

    async def _api_send_photo(self, request: _Request) -> JSONDict:
        return await self._send_media("photo", request)

    async def _api_edit_message_text(self, request: _Request) -> JSONDict:
        message = self._message_to_edit(request.params)
        if message.kind != "text":
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        text, plain, entities, parse_mode = self._text_param(request.params)
        return self._apply_edit(
            message,
            "editMessageText",
            text=text,
            plain=plain,
            entities=entities,
            parse_mode=parse_mode,
            markup=self._markup(request.params),
        )

    async def _api_edit_message_caption(self, request: _Request) -> JSONDict:
        message = self._message_to_edit(request.params)
        if message.kind == "text":
            raise _ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, plain, entities, parse_mode = self._caption_param(request.params)
        return self._apply_edit(
            message,
            "editMessageCaption",
            text=caption,
            plain=plain,
            entities=entities,
            parse_mode=parse_mode,
            markup=self._markup(request.params),
        )

    async def _api_edit_message_reply_markup(self, request: _Request) -> JSONDict:
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

    async def _api_delete_message(self, request: _Request) -> bool:
        chat_id = self._target_chat(request.params, sending=False)
        message_id = _as_int(request.params.get("message_id"))
        message = self._find_message_or_none(chat_id, message_id)
        if message is None:
            # A user's message (ids are shared per chat) can be deleted too.
            if message_id is None or not 0 < message_id < self._next_message_id.get(chat_id, 1):
                raise _ApiError(400, "Bad Request: message to delete not found")
            return True
        if message.deleted:
            raise _ApiError(400, "Bad Request: message to delete not found")
        message.deleted = True
        self._signal.notify_all()
        return True

    async def _api_answer_callback_query(self, request: _Request) -> bool:
        query_id = request.params.get("callback_query_id")
        query_id = str(query_id) if query_id is not None else ""
        if query_id not in self._callback_queries or query_id in self._callback_answers:
            raise _ApiError(400, _QUERY_TOO_OLD)
        text = request.params.get("text")
        if isinstance(text, str) and _utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._callback_answers[query_id] = dict(request.params)
        return True

    async def _api_send_chat_action(self, request: _Request) -> bool:
        self._target_chat(request.params)
        return True

    async def _api_get_file(self, request: _Request) -> JSONDict:
        file_id = request.params.get("file_id")
        stored = self._files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _api_leave_chat(self, request: _Request) -> bool:
        chat_id = self._target_chat(request.params, sending=False)
        if chat_id not in self._groups:
            raise _ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        if not self._bot_in_group.get(chat_id, False):
            raise _ApiError(403, _NOT_MEMBER)
        self._bot_in_group[chat_id] = False
        self._left.add(chat_id)
        return True

    async def _api_get_chat(self, request: _Request) -> JSONDict:
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
