"""What the fake Telegram knows: users, chats, the bot's messages, files, the update queue, faults."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from bot.clock import Clock, SystemClock
from bot.testing.fake_telegram.errors import ApiError
from bot.testing.fake_telegram.records import Call, JSONDict, SentMessage, StoredFile, UploadedFile

_T = TypeVar("_T")

INT_RE = re.compile(r"-?\d+")


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and INT_RE.fullmatch(value.strip()):
        return int(value.strip())
    return None


def as_float(value: Any, default: float) -> float:
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


@dataclass(frozen=True)
class Failure:
    """One error queued by ``fail_next``."""

    status: int
    retry_after: int | None
    description: str | None


#: How ``garble_next`` spoils an answer: a body that is not JSON, a message without its
#: ``date`` and ``chat``, a ``getUpdates`` result that is an object instead of a list.
Garble = Literal["invalid_json", "missing_fields", "not_a_list"]


def _always() -> bool:
    return True


@dataclass(frozen=True)
class ApiRequest:
    """One Bot API request as the methods see it, whatever front it came through."""

    params: JSONDict
    files: dict[str, UploadedFile]
    #: Whether the client still waits for the answer (an abandoned long poll ends early).
    connected: Callable[[], bool] = _always

    def client_connected(self) -> bool:
        return self.connected()


class Signal:
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


def document_dict(stored: StoredFile) -> JSONDict:
    """A Telegram ``Document`` object."""
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


def photo_sizes(stored: StoredFile) -> list[JSONDict]:
    """A Telegram photo: its one size."""
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": 800,
            "height": 600,
            "file_size": stored.file_size,
        }
    ]


class FakeState:
    """The core every front and every test-facing API works on (see the package docstring)."""

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

        self._failures: dict[str, deque[Failure]] = {}
        self._hangs: dict[str, deque[float]] = {}
        self._garbles: dict[str, deque[Garble]] = {}
        self._outage_until = 0.0  # time.monotonic() when Telegram is reachable again
        self._outage_drops = False  # during the outage: drop connections (else answer 502)
        self._again: set[int] = set()  # update ids handed out again whatever the offset

        self._rate_per_second: int | None = None
        self._rate_per_chat: int | None = None
        self._rate_retry_after = 1
        self._rate_window: deque[tuple[float, int]] = deque()

        self._pollers: list[ApiRequest] = []
        self._signal = Signal()
        self._stopping = asyncio.Event()

    def _unix(self) -> int:
        return int(self._clock.now().timestamp())

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

    def _alloc_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _find_message_or_none(self, chat_id: int, message_id: Any) -> SentMessage | None:
        wanted = as_int(message_id)
        for message in self._messages.get(chat_id, []):
            if message.message_id == wanted:
                return message
        return None

    def _record(self, message: SentMessage) -> SentMessage:
        self._messages.setdefault(message.chat_id, []).append(message)
        self._all_messages.append(message)
        self._signal.notify_all()
        return message

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
                result["document"] = document_dict(stored)
            elif message.kind == "photo":
                result["photo"] = photo_sizes(stored)
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

    def _scope_key(self, scope: Any) -> str:
        if scope is None or scope == "":
            return "default"
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        if scope["type"] == "default" and len(scope) == 1:
            return "default"
        normalized = dict(scope)
        for key in ("chat_id", "user_id"):
            if key in normalized:
                number = as_int(normalized[key])
                if number is not None:
                    normalized[key] = number
        return json.dumps(normalized, sort_keys=True, separators=(",", ":"))
