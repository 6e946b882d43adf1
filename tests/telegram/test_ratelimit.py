"""Direct replies: a 429 holds back only its own chat; the request is then tried again."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.ratelimit import PerChatRetry


def limiters() -> list[BaseRateLimiter[int]]:
    return [PerChatRetry(max_retries=3)]


@pytest.mark.parametrize("limiter", limiters())
async def test_a_429_holds_back_only_its_chat(limiter: BaseRateLimiter[int]) -> None:
    log: list[str] = []
    refused = asyncio.Event()
    failures = {"a": 1}

    def call(name: str, chat: int | None) -> Any:
        async def callback() -> bool:
            if failures.get(name):
                failures[name] -= 1
                log.append(f"{name} 429")
                refused.set()
                raise RetryAfter(1)
            log.append(f"{name} ok")
            return True

        data = {} if chat is None else {"chat_id": chat}
        return limiter.process_request(callback, (), {}, "sendMessage", data, None)

    await limiter.initialize()
    stranger = asyncio.create_task(call("a", 104))
    await refused.wait()
    # While chat 104 waits out its retry_after, another chat and a tap answer go at once;
    # a second message to 104 waits its turn.
    same_chat = asyncio.create_task(call("a2", 104))
    await asyncio.gather(call("b", 101), call("tap", None))
    assert log == ["a 429", "b ok", "tap ok"]
    assert await stranger is True and await same_chat is True  # not lost: tried again
    assert sorted(log[3:]) == ["a ok", "a2 ok"]
    await limiter.shutdown()


async def test_gives_up_after_its_retries() -> None:
    limiter = PerChatRetry(max_retries=0)

    async def callback() -> bool:
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 5}, None)
