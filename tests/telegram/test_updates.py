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


async def test_one_users_backlog_holds_no_slot_so_others_and_taps_go_first() -> None:
    processor = PerUserUpdateProcessor(max_concurrent_updates=2)
    log: list[str] = []
    gate = asyncio.Event()

    async def slow(name: str) -> None:
        log.append(f"start {name}")
        await gate.wait()
        log.append(f"end {name}")

    async def quick(name: str) -> None:
        log.append(name)

    # User 7 floods: one update runs, five wait on 7's own lock.
    flood = [asyncio.create_task(processor.process_update(text_update(i, 7), slow(f"a{i}")))
             for i in range(1, 7)]
    await asyncio.sleep(0.05)
    others = [
        asyncio.create_task(processor.process_update(text_update(10, 8), quick("b1"))),
        asyncio.create_task(processor.process_update(tap_update(11, 9), quick("tap"))),
    ]
    await asyncio.sleep(0.05)
    # Neither user 8's message nor the tap waits behind 7's backlog.
    assert log == ["start a1", "b1", "tap"]
    gate.set()
    await asyncio.gather(*flood, *others)
    assert [e for e in log if e.startswith("end")] == [f"end a{i}" for i in range(1, 7)]
    assert processor._locks == {} and processor._users == {}


async def test_at_most_the_limit_of_updates_run_at_once() -> None:
    processor = PerUserUpdateProcessor(max_concurrent_updates=2)
    running, peak = 0, 0
    gate = asyncio.Event()

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await gate.wait()
        running -= 1

    tasks = [asyncio.create_task(processor.process_update(text_update(i, 100 + i), work()))
             for i in range(5)]
    await asyncio.sleep(0.05)
    assert running == 2
    gate.set()
    await asyncio.gather(*tasks)
    assert peak == 2
