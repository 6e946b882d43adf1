"""The bot running long polling against the fake Telegram over real HTTP, in the test's loop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import HoaTocApp, build_application, services_of, start_polling, stop_polling
from bot.clock import FakeClock
from bot.context import Services
from bot.testing.fake_telegram import FakeTelegram, SentMessage
from config.settings import Settings

TOKEN = "7000000001:AAE2eTestTokenNeverUsedAnywhere_xyz"
SUPER_ADMIN = 9001
# The focal point as a deployer would name it (the police's PA05 division); the team keeps the
# default name. Kept apart from the "Công an tỉnh" agency of the example province on purpose.
FOCAL_NAME = "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (PA05)"


@dataclass
class Harness:
    fake: FakeTelegram
    clock: FakeClock
    tmp: Path
    app: HoaTocApp | None = None
    t0: datetime | None = None  # when a test's scenario began (escalation tests)

    @property
    def services(self) -> Services:
        assert self.app is not None
        return services_of(self.app)

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "bot_token": TOKEN,
            "api_base_url": self.fake.base_url,
            "database": self.tmp / "data" / "hoatoc.db",
            "admin_ids": (SUPER_ADMIN,),
            "focal_name": FOCAL_NAME,
            "focal_hotline": "0296 3 852 000",
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    async def start(self, **overrides: object) -> None:
        self.app = build_application(self.settings(**overrides), clock=self.clock)
        await start_polling(self.app, poll_timeout=1)

    async def stop(self) -> None:
        if self.app is not None:
            await stop_polling(self.app)
            self.app = None

    async def say(
        self, user_id: int, text: str, predicate: Callable[[SentMessage], bool] | None = None
    ) -> SentMessage:
        """User sends `text`; returns the bot's first reply to it (matching `predicate`)."""
        before = len(self.fake.messages_to(user_id))
        self.fake.send_text(user_id, text)
        return await self.fake.wait_for_message(user_id, predicate, after=before)


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    async with FakeTelegram(TOKEN) as fake:
        for user_id, name in [(SUPER_ADMIN, "Quản trị"), (101, "Lan"), (102, "Minh"),
                              (103, "Hùng"), (104, "Khách"), (9002, "Phó")]:
            fake.add_user(user_id, name, "Nguyễn")
        h = Harness(fake, clock, tmp_path)
        try:
            yield h
        finally:
            await h.stop()
