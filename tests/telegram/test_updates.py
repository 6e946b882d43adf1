"""The update processor: one user's updates in order, users side by side, taps never wait."""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.telegram.updates import PerUserUpdateProcessor


def text_update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "x", False)
    return Update(update_id, message=Message(update_id, None, Chat(user_id, "private"),  # type: ignore[arg-type]
                                             from_user=user, text="hi"))


def tap_update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "x", False)
    return Update(update_id, callback_query=CallbackQuery(str(update_id), user, "ci",
                                                          data="ack:1"))


async def test_order_per_user_and_taps_skip_the_queue() -> None:
    processor = PerUserUpdateProcessor()
    log: list[str] = []
    gate = asyncio.Event()

    async def slow(name: str) -> None:
        log.append(f"start {name}")
        await gate.wait()
        log.append(f"end {name}")

    async def quick(name: str) -> None:
        log.append(name)

    tasks = [
        asyncio.create_task(processor.process_update(text_update(1, 7), slow("a1"))),
        asyncio.create_task(processor.process_update(text_update(2, 7), quick("a2"))),
        asyncio.create_task(processor.process_update(text_update(3, 8), quick("b1"))),
        asyncio.create_task(processor.process_update(tap_update(4, 7), quick("a-tap"))),
    ]
    await asyncio.sleep(0.05)
    # a2 waits behind a1 (same user); b1 and the tap do not.
    assert log == ["start a1", "b1", "a-tap"]
    gate.set()
    await asyncio.gather(*tasks)
    assert log == ["start a1", "b1", "a-tap", "end a1", "a2"]
    assert processor._locks == {} and processor._users == {}
