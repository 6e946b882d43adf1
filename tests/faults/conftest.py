"""The bot as a real process (`python -m bot run`) against the fake Telegram, killed with
SIGKILL and started again on the same database: what the fault tests share.

The process runs on the real clock (deadlines of seconds come from a policy file with `s`
offsets); the test prepares the province in the database before the first start, acts as users
through the fake, and reads the database with plain sqlite3 once the process is gone.
Every process is killed in the fixture's teardown, whatever the test did.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import build_services
from bot.clock import SystemClock
from bot.context import Services
from bot.services.importer import Importer
from bot.testing.fake_telegram import FakeTelegram, SentMessage
from config.settings import Settings
from tests.conftest import ROOT
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_report_conversation import Person

TOKEN = "7000000001:AACrashTestTokenXXXXXXXXXXXXXXXXX"
SUPER_ADMIN = 9001
IN_FLIGHT = 10  # HOATOC_SEND_IN_FLIGHT: how many sends a kill may repeat


def province(*, agencies: int = 1, admins: int = 0, responders: int = 0) -> dict[str, Any]:
    """A province document for the importer: agency i (`XA_iii`) has one liaison, Telegram
    id 100_000 + i; admins are 200_000 + i; responders 300_000 + i (the first is the lead),
    all on one 24 h duty rotation that starts with the first responder."""
    doc: dict[str, Any] = {
        "agencies": [{"code": f"XA_{i:03d}", "name": f"UBND xã Thử Nghiệm {i}",
                      "kind": "committee", "address": f"Số {i + 1} Trần Phú",
                      "email": f"xa{i}@angiang.gov.vn", "phone": "0297 3 829 086"}
                     for i in range(agencies)],
        "people": [{"code": f"P{i:03d}", "full_name": f"Cán bộ {i}", "roles": ["liaison"],
                    "agency": f"XA_{i:03d}", "telegram_id": 100_000 + i,
                    "phone": f"0912 {i:06d}"[:12]} for i in range(agencies)],
    }
    doc["people"] += [{"code": f"A{i:03d}", "full_name": f"Quản trị {i}", "roles": ["admin"],
                       "agency": "XA_000", "telegram_id": 200_000 + i} for i in range(admins)]
    doc["people"] += [{"code": f"R{i:03d}", "full_name": f"Ứng cứu {i}", "roles": ["responder"],
                       "agency": "XA_000", "telegram_id": 300_000 + i, "lead": i == 0,
                       "phone": f"0913 {i:06d}"[:12]} for i in range(responders)]
    if responders:
        doc["duty"] = {"rotation": {"people": [f"R{i:03d}" for i in range(responders)],
                                    "shift": "24h", "handover": "00:00",
                                    "start": "2020-01-01"}}
    return doc


def policy_file(path: Path, **directive: Any) -> Path:
    """The default policy with every step due within `0` of a start fired, and the given
    urgencies' (or incident priorities') entries replaced: seconds instead of hours."""
    from config.settings import DEFAULT_POLICY_FILE

    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text("utf-8"))
    doc["skip_steps_due_within"] = 0
    for key, value in directive.items():
        section = "incidents" if key in doc["incidents"] else "directives"
        doc[section][key] = value
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


@dataclass
class BotProcess:
    """One `python -m bot run`, its output in a log file (shown when a test fails)."""

    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    async def kill(self) -> None:
        """SIGKILL: nothing in flight gets recorded, nothing is flushed."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        await asyncio.to_thread(self.proc.wait, 30)

    async def stop(self) -> None:
        """SIGTERM, as an operator's `docker stop`; SIGKILL if it does not end in 30 s."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                await asyncio.to_thread(self.proc.wait, 30)
            except subprocess.TimeoutExpired:
                await self.kill()

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text("utf-8", errors="replace")[-chars:]


@dataclass
class Rig:
    """The fake Telegram, the database file, the bot's environment, and its processes."""

    fake: FakeTelegram
    tmp: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: list[BotProcess] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.tmp / "hoatoc.db"

    def settings(self) -> Settings:
        """What the process will read from its environment, for preparing in the test."""
        values = {k.removeprefix("HOATOC_").lower(): v for k, v in self.env.items()
                  if k.startswith("HOATOC_")}
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    @contextlib.asynccontextmanager
    async def services(self) -> AsyncIterator[Services]:
        """The bot's services in the test's process, its database open, nothing started."""
        services = build_services(self.settings(), SystemClock())
        await services.db.open()
        try:
            yield services
        finally:
            await services.db.close()

    async def import_province(self, doc: dict[str, Any], *, everyone_started: bool = True) -> None:
        path = self.tmp / "province.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
        for person in doc["people"]:
            self.fake.add_user(int(person["telegram_id"]), str(person["full_name"]))
        async with self.services() as services:
            await Importer(services.db, services.clock).import_file(path)
            if everyone_started:  # everyone has pressed Start
                async with services.db.transaction() as conn:
                    await conn.execute("UPDATE people SET activated = 1")

    def start(self, **env: str) -> BotProcess:
        """Start the bot (`python -m bot run`); `env` adds to or overrides its environment."""
        log = self.tmp / f"bot-{len(self.processes) + 1}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT,
                                    env={**self.env, **env}, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        bot = BotProcess(proc, log)
        self.processes.append(bot)
        return bot

    async def started(self, **env: str) -> BotProcess:
        """Start the bot and wait until it polls for updates (start-up work done)."""
        bot = self.start(**env)
        polls = len([c for c in self.fake.calls if c.method == "getUpdates"])
        await self.until(lambda: len([c for c in self.fake.calls if c.method == "getUpdates"])
                         > polls or self.fake.active_long_polls > 0, 60, bot)
        return bot

    async def until(self, condition: Callable[[], object], timeout: float,  # noqa: ASYNC109
                    bot: BotProcess | None = None, what: str = "") -> None:
        """Wait (bounded) until `condition()` is true; fails with the bot's log if not, or
        at once if the process ended."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not condition():
            if bot is not None and bot.proc.poll() is not None:
                raise AssertionError(f"the bot exited ({bot.proc.returncode}) while waiting"
                                     f" {what}:\n{bot.tail()}")
            if loop.time() > end:
                log = f"\nbot log:\n{bot.tail()}" if bot is not None else ""
                raise AssertionError(f"timed out after {timeout}s waiting {what}{log}")
            await asyncio.sleep(0.02)

    def texts_to(self, chat_id: int, needle: str) -> list[SentMessage]:
        return [m for m in self.fake.messages_to(chat_id) if needle in (m.plain_text or "")]

    def query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        """Read the database as it is on disk (the bot killed, or beside it: WAL)."""
        with contextlib.closing(sqlite3.connect(self.database)) as conn:
            return conn.execute(sql, args).fetchall()

    def kill_all(self) -> None:
        for bot in self.processes:
            if bot.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(bot.proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    bot.proc.wait(30)


def bot_env(fake: FakeTelegram, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOATOC_")}
    env.update(HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=fake.base_url,
               HOATOC_DATABASE=str(tmp / "hoatoc.db"), HOATOC_ADMIN_IDS=str(SUPER_ADMIN),
               HOATOC_SEND_IN_FLIGHT=str(IN_FLIGHT), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with FakeTelegram(TOKEN) as fake:
        fake.add_user(SUPER_ADMIN, "Quản trị")
        r = Rig(fake, tmp_path, bot_env(fake, tmp_path))
        try:
            yield r
        finally:
            r.kill_all()


class Reporter(Person):
    """A liaison filling /report against the bot process: waits sized for a loaded machine."""

    WAIT = 30.0

    async def say(self, text: str, expect: str) -> SentMessage:
        before = self._mark()
        self.h.fake.send_text(self.user_id, text)
        return await self.h.fake.wait_for_message(self.user_id, has(expect), after=before,
                                                  timeout=self.WAIT)

    async def press(self, msg: SentMessage, label: str, expect: str) -> SentMessage:
        before = self._mark()
        self.h.fake.press_button(self.user_id, msg.message_id, msg.button_data(label))
        return await self.h.fake.wait_for_message(self.user_id, has(expect), after=before,
                                                  timeout=self.WAIT)

    async def tap(self, msg: SentMessage, data: str) -> str:
        """Press raw callback data (an old button); the answer's text."""
        query = self.h.fake.press_button(self.user_id, msg.message_id, data)
        await self.h.fake.wait_for_call("answerCallbackQuery", lambda c: c.params.get(
            "callback_query_id") == query, timeout=self.WAIT)
        return str((self.h.fake.callback_answer(query) or {}).get("text", ""))
