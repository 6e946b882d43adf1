"""Direct replies: a 429 holds back only its own chat, then the request is tried again.

PTB's AIORateLimiter halts *every* request on a 429, so one chat answered too often (a
stranger's flood hitting Telegram's one-message-per-second per chat) held back everybody's
tap answers. Pacing is the outbox's job; here we only honour retry_after, chat by chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

Result = bool | JSONDict | list[JSONDict]


class PerChatRetry(BaseRateLimiter[int]):
    def __init__(self, max_retries: int = 3) -> None:
        self.max_retries = max_retries
        self._held: dict[object, float] = {}  # chat id -> loop time it may be written to again

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        chat = data.get("chat_id")
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        loop = asyncio.get_running_loop()
        attempt = 0
        while True:
            wait = self._held.get(chat, 0.0) - loop.time() if chat is not None else 0.0
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt >= retries:
                    log.warning("%s to chat %s: still 429 after %d retries", endpoint, chat,
                                retries)
                    raise
                attempt += 1
                # The private field is always a timedelta; the public one may be an int.
                pause = exc._retry_after.total_seconds() + 0.1
                log.info("%s to chat %s: 429, retrying in %.1f s", endpoint, chat, pause)
                if chat is None:  # nothing to hold back but this request
                    await asyncio.sleep(pause)
                else:
                    self._held[chat] = max(self._held.get(chat, 0.0), loop.time() + pause)
                continue
            if chat in self._held:  # forget the chats whose pause is over
                now = loop.time()
                self._held = {c: until for c, until in self._held.items() if until > now}
            return result
