"""Reading what the bot did: its messages and calls, and waiting for them (bounded waits)."""

from __future__ import annotations

from collections.abc import Callable

from bot.testing.fake_telegram.methods import canonical_method
from bot.testing.fake_telegram.records import Call, JSONDict, SentMessage, StoredFile
from bot.testing.fake_telegram.state import FakeState


class Inspection(FakeState):
    """What a test reads: messages per chat, calls, callback answers, commands, files, updates."""

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
        method = canonical_method(method)

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
