"""The sender's status message is refreshed at most once per interval, never lost."""

from __future__ import annotations

import asyncio

from bot.services.broadcast import StatusBoard


class FakeService:
    """Only what StatusBoard touches first: get() counts the refreshes."""

    def __init__(self) -> None:
        self.refreshes: list[float] = []

    async def get(self, directive_id: int) -> object:
        self.refreshes.append(asyncio.get_running_loop().time())
        raise LookupError("stop here: the refresh itself is not under test")


async def test_many_changes_make_few_refreshes_spaced_by_the_interval() -> None:
    service = FakeService()
    board = StatusBoard(service, interval=0.3)  # type: ignore[arg-type]
    for _ in range(5):  # a burst: one refresh, at once
        board.touch(1)
    await asyncio.sleep(0.05)
    assert len(service.refreshes) == 1
    for _ in range(20):  # more changes right after: one more refresh, after the interval
        board.touch(1)
    await asyncio.sleep(0.6)
    assert len(service.refreshes) == 2
    assert service.refreshes[1] - service.refreshes[0] >= 0.29
    board.touch(2)  # another directive has its own pace
    await asyncio.sleep(0.05)
    assert len(service.refreshes) == 3


class DbGoneService(FakeService):
    """Like a service whose database closed at shutdown: any refresh after close() fails."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    async def get(self, directive_id: int) -> object:
        if self.closed:
            raise RuntimeError("database is not open")
        return await super().get(directive_id)


async def test_close_runs_the_refreshes_still_waiting_and_leaves_none_for_later(caplog) -> None:
    """At shutdown a refresh waiting for its interval runs before the database closes (the
    status stays true); nothing is left to fail against a closed database afterwards."""
    service = DbGoneService()
    board = StatusBoard(service, interval=5.0)  # type: ignore[arg-type]
    board.touch(1)
    await asyncio.sleep(0.05)
    board.touch(1)  # waits for the interval
    await board.close()
    assert len(service.refreshes) == 2
    service.closed = True
    board.touch(1)  # after close: ignored
    await asyncio.sleep(0.05)
    assert len(service.refreshes) == 2
    assert "database is not open" not in caplog.text
