"""The daily backup on the bot's scheduler, and `hoatoc backup`/`restore` beside a running bot."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.app import BACKUP_JOB, build_services
from bot.clock import SystemClock
from bot.domain.directives import Urgency
from bot.services.broadcast import Draft
from bot.services.importer import Importer
from bot.storage.backup import integrity_problems
from bot.testing.fake_telegram import FakeTelegram
from config.settings import Settings
from tests.conftest import ROOT
from tests.e2e.conftest import SUPER_ADMIN, Harness

FAILED = "Sao lưu cơ sở dữ liệu hằng ngày không thực hiện được"
RECOVERED = "Sao lưu cơ sở dữ liệu hằng ngày đã thực hiện lại được"


def count(path: Path, sql: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        value: int = conn.execute(sql).fetchone()[0]
        return value


def kept(database: Path) -> bool:
    return Path(f"{database}.before-restore").exists()


async def test_daily_backup_one_copy_a_day_keeps_n_and_tells_the_admins_when_it_fails(
        harness: Harness) -> None:
    folder = harness.tmp / "backups"
    harness.clock.set(datetime(2026, 11, 22, 19, 0, tzinfo=UTC))  # 02:00 in Hà Nội
    await harness.start(backup_dir=folder, backup_keep=3)
    app = harness.app
    assert app is not None and app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name(BACKUP_JOB)  # on the bot's scheduler

    def copies() -> list[str]:
        return sorted(p.name for p in folder.glob("*")) if folder.is_dir() else []

    await job.run(app)
    assert copies() == []  # 02:00: not yet
    harness.clock.advance(minutes=30)
    await job.run(app)
    await job.run(app)
    assert copies() == ["hoatoc-2026-11-23.db"]  # at 02:30, once
    for _ in range(24, 28):  # four more days
        harness.clock.advance(hours=6)
        await job.run(app)  # 08:30 the same day: nothing more
        harness.clock.advance(hours=18)
        await job.run(app)
        await job.run(app)
    assert copies() == ["hoatoc-2026-11-25.db", "hoatoc-2026-11-26.db", "hoatoc-2026-11-27.db"]
    newest = folder / "hoatoc-2026-11-27.db"
    assert integrity_problems(newest) == []
    assert count(newest, "SELECT count(*) FROM schema_migrations") > 0

    # The folder cannot be written: logged, the super-admin told once in Vietnamese, the bot
    # goes on, the old copies stay; tried again an hour later.
    folder.rename(harness.tmp / "moved")
    folder.write_text("a file where the backup folder should be")
    harness.clock.advance(hours=24)
    before = len(harness.fake.messages_to(SUPER_ADMIN))
    await job.run(app)
    told = await harness.fake.wait_for_message(SUPER_ADMIN, lambda m: FAILED in (m.text or ""),
                                               after=before)
    assert "HOATOC_BACKUP_DIR" in (told.text or "") and "cannot create the folder" in (told.text
                                                                                      or "")
    assert "Chưa có bản sao lưu nào" in (told.text or "")  # none left where it looks
    harness.clock.advance(minutes=30)
    await job.run(app)  # within the hour: not tried again
    harness.clock.advance(minutes=31)
    await job.run(app)  # tried again, failed again: not told twice the same day
    assert count(harness.settings().database,
                 "SELECT count(*) FROM outbox WHERE subject_kind = 'backup'") == 1
    reply = await harness.say(SUPER_ADMIN, "/start")  # the bot goes on
    assert "Kính chào" in (reply.text or "")

    folder.unlink()
    (harness.tmp / "moved").rename(folder)
    harness.clock.advance(hours=1)
    await job.run(app)
    await harness.fake.wait_for_message(SUPER_ADMIN, lambda m: RECOVERED in (m.text or ""),
                                        after=before)
    assert copies() == ["hoatoc-2026-11-26.db", "hoatoc-2026-11-27.db", "hoatoc-2026-11-28.db"]


TOKEN = "7000000001:AABackupProcessTokenXXXXXXXXXXXXX"
RECIPIENTS = 80
NUMBER = "7/UBND-BK"


async def queue_broadcast(settings: Settings, tmp: Path) -> None:
    """The province and a broadcast queued, as «Gửi» would, before the bot runs."""
    services = build_services(settings, SystemClock())
    await services.db.open()
    try:
        agencies = [{"code": f"XA_{i:03d}", "name": f"UBND xã {i}", "kind": "committee"}
                    for i in range(RECIPIENTS)]
        people = [{"code": f"P{i:03d}", "full_name": f"Cán bộ {i}", "roles": ["liaison"],
                   "agency": f"XA_{i:03d}", "telegram_id": 100_000 + i}
                  for i in range(RECIPIENTS)]
        (tmp / "p.yaml").write_text(yaml.safe_dump({"agencies": agencies, "people": people},
                                                   allow_unicode=True))
        await Importer(services.db, services.clock).import_file(tmp / "p.yaml")
        async with services.db.transaction() as conn:
            await conn.execute("UPDATE people SET activated = 1")
        ids = {a.id for a in (await services.broadcast.catalog())[1]}
        await services.broadcast.send(9001, Draft(
            urgency=Urgency.HOA_TOC, number=NUMBER, issuer="UBND tỉnh", summary="sao lưu",
            body="Nội dung", agency_ids=ids))
    finally:
        await services.db.close()


async def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    """`python -m bot ...` in its own process, the test's loop (and the fake) left running."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    text = out.decode()
    assert TOKEN.split(":")[1] not in text and "Traceback" not in text
    return proc.returncode, text


@pytest.mark.timeout(120)  # five processes; seconds each, more on a loaded machine
async def test_backup_while_the_bot_broadcasts_and_restore_only_once_it_is_stopped(
        tmp_path: Path) -> None:
    database = tmp_path / "hoatoc.db"
    sent = "SELECT count(*) FROM outbox WHERE status = 'sent'"
    async with FakeTelegram(TOKEN) as fake:
        for i in range(RECIPIENTS):
            fake.add_user(100_000 + i, f"Cán bộ {i}")
        fake.latency = 0.05
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOATOC_")}
        env.update(HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=fake.base_url,
                   HOATOC_DATABASE=str(database), HOATOC_ADMIN_IDS="9001",
                   HOATOC_SEND_RATE="20", PYTHONUNBUFFERED="1")
        await queue_broadcast(Settings(bot_token=TOKEN, api_base_url=fake.base_url,
                                       database=database, admin_ids=(9001,)), tmp_path)

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)

        def delivered() -> Counter[int]:
            return Counter(m.chat_id for m in fake.sent_messages if NUMBER in (m.text or ""))

        async def until_delivered(n: int) -> None:
            while len(delivered()) < n:
                await fake.wait_for_call("sendMessage", timeout=60, after=len(fake.calls))

        bot = start()
        try:
            await until_delivered(RECIPIENTS // 5)
            committed = count(database, sent)  # committed before the backup starts
            code, text = await cli(env, "backup", str(tmp_path / "copy.db"))
            assert code == 0, text
            assert "integrity check ok" in text
            # The restore is refused while the bot runs, and changes nothing.
            code, text = await cli(env, "restore", str(tmp_path / "copy.db"))
            assert code == 1
            assert "Restore refused: the bot is running" in text, text
            assert not kept(database)
            # A second bot on the same database would send every message twice: refused.
            code, text = await cli(env, "run")
            assert code == 1
            assert "Another Hỏa Tốc bot (or a restore) is running" in text, text
            await until_delivered(RECIPIENTS)  # the broadcast went on beside both
        finally:
            os.killpg(bot.pid, signal.SIGTERM)
            await asyncio.to_thread(bot.wait, 30)
        copy = tmp_path / "copy.db"
        assert integrity_problems(copy) == []
        in_copy = count(copy, sent)
        assert committed <= in_copy <= RECIPIENTS  # every committed row, as of one moment
        assert count(copy, "SELECT count(*) FROM deliveries") == RECIPIENTS
        assert count(copy, "SELECT count(*) FROM outbox") == RECIPIENTS
        assert count(database, sent) == RECIPIENTS

        code, text = await cli(env, "restore", str(copy))  # stopped: it works
        assert code == 0, text
        assert count(Path(f"{database}.before-restore"), sent) == RECIPIENTS
        assert count(database, sent) == in_copy

        # The bot starts on the restored database, knows its people, and sends what was
        # still queued in it (sent before the restore, so these arrive twice: see
        # docs/RELIABILITY.md).
        calls = len(fake.sent_messages)
        bot = start()
        try:
            before = len(fake.messages_to(100_000))
            fake.send_text(100_000, "/start")
            reply = await fake.wait_for_message(100_000, lambda m: NUMBER not in (m.text or ""),
                                                after=before, timeout=60)
            assert "Cán bộ 0" in (reply.text or ""), reply.text
            while sum(NUMBER in (m.text or "") for m in fake.sent_messages[calls:]) < (
                    RECIPIENTS - in_copy):
                await fake.wait_for_call("sendMessage", timeout=60, after=len(fake.calls))
        finally:
            os.killpg(bot.pid, signal.SIGTERM)
            await asyncio.to_thread(bot.wait, 30)
        assert count(database, sent) == RECIPIENTS
