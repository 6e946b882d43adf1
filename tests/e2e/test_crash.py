"""kill -9 in the middle of a 200-recipient broadcast, then a restart: nobody is left out."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

from bot.app import build_services
from bot.clock import SystemClock
from bot.domain.directives import Urgency
from bot.services.broadcast import Draft
from bot.services.importer import Importer
from bot.testing.fake_telegram import FakeTelegram
from config.settings import Settings
from tests.conftest import ROOT

TOKEN = "7000000001:AACrashTestTokenXXXXXXXXXXXXXXXXX"
RECIPIENTS = 200
IN_FLIGHT = 10


def province(path: Path) -> None:
    agencies = [{"code": f"XA_{i:03d}", "name": f"UBND xã Thử Nghiệm {i}", "kind": "committee"}
                for i in range(RECIPIENTS)]
    people = [{"code": f"P{i:03d}", "full_name": f"Cán bộ {i}", "roles": ["liaison"],
               "agency": f"XA_{i:03d}", "telegram_id": 100_000 + i} for i in range(RECIPIENTS)]
    path.write_text(yaml.safe_dump({"agencies": agencies, "people": people}, allow_unicode=True))


async def test_sigkill_mid_broadcast_then_restart_delivers_to_everyone(tmp_path: Path) -> None:
    async with FakeTelegram(TOKEN) as fake:
        for i in range(RECIPIENTS):
            fake.add_user(100_000 + i, f"Cán bộ {i}")
        fake.latency = 0.05
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOATOC_")}
        env.update(HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=fake.base_url,
                   HOATOC_DATABASE=str(tmp_path / "hoatoc.db"), HOATOC_ADMIN_IDS="9001",
                   HOATOC_SEND_IN_FLIGHT=str(IN_FLIGHT), PYTHONUNBUFFERED="1")
        settings = Settings(bot_token=TOKEN, api_base_url=fake.base_url,
                            database=tmp_path / "hoatoc.db", admin_ids=(9001,))
        # Prepare the province and queue the broadcast, as «Gửi» would, before the bot runs.
        services = build_services(settings, SystemClock())
        await services.db.open()
        province(tmp_path / "p.yaml")
        await Importer(services.db, services.clock).import_file(tmp_path / "p.yaml")
        async with services.db.transaction() as conn:  # everyone has pressed Start
            await conn.execute("UPDATE people SET activated = 1")
        ids = {a.id for a in (await services.broadcast.catalog())[1]}
        draft = Draft(urgency=Urgency.HOA_TOC, number="1/UBND-TEST", issuer="UBND tỉnh",
                      summary="thử nghiệm", body="Nội dung", agency_ids=ids)
        _, audience = await services.broadcast.send(9001, draft)
        assert audience.people_count == RECIPIENTS
        await services.db.close()

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)

        def delivered() -> Counter[int]:
            return Counter(m.chat_id for m in fake.sent_messages if "1/UBND-TEST" in (m.text or ""))

        first = start()
        try:
            while len(delivered()) < RECIPIENTS // 4:
                await fake.wait_for_call("sendMessage", timeout=60, after=len(fake.calls))
        finally:
            os.kill(first.pid, signal.SIGKILL)  # no chance to record what was in flight
            await asyncio.to_thread(first.wait)
        at_kill = len(delivered())
        assert at_kill < RECIPIENTS

        second = start()
        try:
            while len(delivered()) < RECIPIENTS:
                await fake.wait_for_call("sendMessage", timeout=60, after=len(fake.calls))
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            await asyncio.to_thread(second.wait, 30)
        counts = delivered()
        assert set(counts) == {100_000 + i for i in range(RECIPIENTS)}
        duplicates = sum(n - 1 for n in counts.values())
        assert duplicates <= IN_FLIGHT, f"{duplicates} duplicates, in-flight bound {IN_FLIGHT}"

        # Nothing was marked sent before Telegram answered: every row marked sent names a
        # message that Telegram really holds, in that chat, and every copy is recorded.
        held = {(m.chat_id, m.message_id) for m in fake.sent_messages
                if "1/UBND-TEST" in (m.text or "")}
        with contextlib.closing(sqlite3.connect(tmp_path / "hoatoc.db")) as conn:
            outbox = conn.execute("SELECT chat_id, status, message_id FROM outbox").fetchall()
            deliveries = conn.execute("SELECT chat_id, status, message_id FROM deliveries").fetchall()
        assert len(outbox) == len(deliveries) == RECIPIENTS
        assert [row for row in outbox if row[1] != "sent" or (row[0], row[2]) not in held] == []
        assert [row for row in deliveries
                if row[1] != "sent" or (row[0], row[2]) not in held] == []
