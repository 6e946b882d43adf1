"""Escalation benchmark: the scheduler and engine, not Telegram's throughput.

The bot runs in this process (its real JobQueue wake-ups, sweep, engine and outbox) against
the fake Telegram on 127.0.0.1 with the rate limit lifted. It measures:
  1. CPU used over 30 s while 10,000 escalations are pending and none is due;
  2. the lateness of every fired step: from its due time to its notices being handed to the
     outbox (10,000 (directive, agency) escalations, 100 directives, due over 60 s);
  3. catch-up after a restart: 1,000 steps that fell due while the bot was down must all
     fire within 5 s of start-up, each exactly once;
  4. the naive baseline: the CPU of a poller that reads and decides every pending escalation
     once a second (no wake-ups), over 30 s with the same 10,000 pending.
Prints its figures last, on one line of key=value pairs.

    .venv/bin/python bench/escalation.py
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application, services_of, start_polling, stop_polling
from bot.clock import SystemClock, to_epoch
from bot.domain.escalation import Step, Target
from bot.services import escalation as engine_module
from bot.storage.escalations import steps_to_json
from bot.testing.fake_telegram import FakeTelegram
from config.settings import Settings

TOKEN = "7000000001:AAEscalationBenchTokenXXXXXXXXXXXXX"
DIRECTIVES = 100
PER_DIRECTIVE = 100
RESPONDER = 777
CATCH_UP = 1000
STEPS = (Step(timedelta(0), (Target.ON_DUTY,)),)

lateness: list[float] = []
worst: list[tuple[float, str]] = []


def log(text: str) -> None:
    print(text, flush=True)


def instrument() -> None:
    """Record, for every fired step, how late its notices reached the outbox."""
    original = engine_module.EscalationService._notify

    async def notify(self, conn, kind, subject_id, items, now, **kw):  # type: ignore[no-untyped-def]
        result = await original(self, conn, kind, subject_id, items, now, **kw)
        handed = SystemClock().now()
        for item in items:
            for fired in item.fired:
                lateness.append((handed - fired.due_at).total_seconds())
                worst.append((lateness[-1], fired.due_at.isoformat()))
        return result

    engine_module.EscalationService._notify = notify  # type: ignore[method-assign,assignment]


async def seed(app, first_due_in: float, spread: float, directives: int, per: int,  # type: ignore[no-untyped-def]
               start_id: int) -> list[int]:
    """Directives with `per` agencies each, their escalations due over `spread` seconds."""
    services = services_of(app)
    now = SystemClock().now()
    ids = []
    async with services.db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO people (id, full_name, phone, telegram_user_id, chat_id,"
            " activated, created_at, updated_at) VALUES (1, 'Trực ban', '+84912345678', ?, ?, 1,"
            " 0, 0)", (RESPONDER, RESPONDER))
        await conn.execute("INSERT OR IGNORE INTO person_roles VALUES (1, 'responder')")
        await conn.execute(
            "INSERT OR REPLACE INTO duty_rotation VALUES (1, '[1]', 24, ?, 0)",
            (to_epoch(now) - 3600,))
        agencies = [(start_id + i, f"A{start_id + i}", f"UBND xã {start_id + i}", "committee",
                     0, 0) for i in range(directives * per)]
        await conn.executemany(
            "INSERT INTO agencies (id, code, name, kind, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", agencies)
        for k in range(directives):
            due = now + timedelta(seconds=first_due_in + spread * k / max(1, directives - 1))
            cur = await conn.execute(
                "INSERT INTO directives (number, issuer, summary, urgency, body, ack_deadline_at,"
                " created_by, created_at) VALUES (?, 'UBND tỉnh', 'thử', 'hoa_toc', 'x', ?, 1, ?)",
                (f"{start_id + k}/UBND-BENCH", to_epoch(due), to_epoch(now)))
            directive_id = cur.lastrowid
            assert directive_id is not None
            ids.append(directive_id)
            rows = [(directive_id, start_id + k * per + j, to_epoch(due), steps_to_json(STEPS),
                     "[0]", to_epoch(due), to_epoch(now), to_epoch(now)) for j in range(per)]
            await conn.executemany(
                "INSERT INTO escalations (subject_kind, subject_id, agency_id, deadline_at, steps,"
                " done, next_due_at, created_at, updated_at) VALUES ('directive_ack', ?, ?, ?, ?,"
                " ?, ?, ?, ?)", rows)
    services.escalation.on_schedule()
    return ids


async def fired_counts(app) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """How many notices listed each escalation."""
    counts: dict[int, int] = {}
    async with services_of(app).db.reader.execute(
            "SELECT escalation_ids FROM escalation_notices") as cur:
        for (ids,) in await cur.fetchall():
            for escalation_id in json.loads(ids):
                counts[escalation_id] = counts.get(escalation_id, 0) + 1
    return counts


async def pending(app) -> int:  # type: ignore[no-untyped-def]
    async with services_of(app).db.reader.execute(
            "SELECT count(*) FROM escalations WHERE status = 'active'") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def naive_poller(settings: Settings, seconds: float = 30) -> float:
    """The naive baseline: no wake-ups, a loop that reads every pending escalation once a
    second and decides each (what a cron-like poller does). Returns its CPU time over
    `seconds` with 10,000 pending and none due."""
    from bot.clock import from_epoch
    from bot.domain.escalation import decide
    from bot.storage.escalations import steps_from_json

    app = build_application(settings)
    await app.initialize()
    services = services_of(app)
    await services.db.open()
    await seed(app, first_due_in=3600, spread=60, directives=DIRECTIVES, per=PER_DIRECTIVE,
               start_id=1)
    conn = services.db.reader
    cpu0, end = time.process_time(), time.monotonic() + seconds
    while time.monotonic() < end:
        now = SystemClock().now()
        async with conn.execute("SELECT steps, done, deadline_at FROM escalations"
                                " WHERE status = 'active'") as cur:
            for steps, done, deadline in await cur.fetchall():
                decide(steps_from_json(steps), from_epoch(deadline),
                       tuple(json.loads(done)), now)
        await asyncio.sleep(1)
    cpu = time.process_time() - cpu0
    await services.db.close()
    return cpu


async def main() -> None:
    instrument()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram(TOKEN) as fake:
            fake.add_user(RESPONDER, "Trực ban")
            fake.set_rate_limit(None, per_chat_per_second=None)
            settings = Settings(bot_token=TOKEN, api_base_url=fake.base_url,
                                database=Path(tmp) / "bench.db", send_rate=1000,
                                log_level="WARNING")
            app = build_application(settings)
            await start_polling(app, poll_timeout=25)
            total = DIRECTIVES * PER_DIRECTIVE
            await seed(app, first_due_in=35, spread=60, directives=DIRECTIVES,
                       per=PER_DIRECTIVE, start_id=1)
            log(f"seeded {total} escalations due from 35 s to 95 s from now")

            # 1. Idle: 30 s with everything pending and nothing due.
            await asyncio.sleep(2)  # let start-up settle
            cpu0, wall0 = time.process_time(), time.monotonic()
            await asyncio.sleep(30)
            idle_cpu = time.process_time() - cpu0
            idle_wall = time.monotonic() - wall0
            log(f"idle: {idle_cpu:.3f} s CPU over {idle_wall:.1f} s "
                f"({idle_cpu / idle_wall * 100:.2f} % of one core; bot and fake server together)")

            # 2. Firing.
            deadline = time.monotonic() + 120
            while await pending(app) and time.monotonic() < deadline:
                await asyncio.sleep(1)
            counts = await fired_counts(app)
            fired = len(counts)
            duplicated = sum(n - 1 for n in counts.values())
            ordered = sorted(lateness)
            p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
            log(f"  the three latest steps (lateness s, due): {sorted(set(worst))[-3:]}")
            log(f"fired {fired}/{total}, duplicated {duplicated}; lateness p50 {p(0.5):.3f} s, "
                f"p99 {p(0.99):.3f} s, max {ordered[-1]:.3f} s")
            await stop_polling(app)

            # 3. Catch-up after a restart: 1,000 steps fell due while the bot was down.
            app = build_application(settings)
            await app.initialize()
            services = services_of(app)
            await services.db.open()
            await seed(app, first_due_in=-120, spread=100, directives=10, per=CATCH_UP // 10,
                       start_id=100_000)
            await services.db.close()
            app = build_application(settings)
            lateness.clear()
            boot = time.monotonic()
            await start_polling(app, poll_timeout=25)
            while await pending(app) and time.monotonic() - boot < 30:
                await asyncio.sleep(0.05)
            catchup = time.monotonic() - boot
            after = await fired_counts(app)
            new = {k: v for k, v in after.items() if k not in counts}
            catchup_dup = sum(n - 1 for n in new.values())
            log(f"catch-up: {len(new)}/{CATCH_UP} overdue steps fired {catchup:.2f} s after "
                f"start-up, duplicated {catchup_dup}")
            await stop_polling(app)

            # 4. The naive baseline: a poller reading every pending escalation each second.
            baseline_cpu = await naive_poller(settings.model_copy(
                update={"database": Path(tmp) / "baseline.db"}))
            log(f"naive per-second poller: {baseline_cpu:.2f} s CPU over 30 s with {total} "
                f"pending ({baseline_cpu / 30 * 100:.1f} % of one core)")
    log(f"total {time.monotonic() - started:.0f} s")
    figures = {
        "fired": fired, "missed": total - fired, "duplicated": duplicated,
        "lateness_p50_s": round(p(0.5), 3), "lateness_p99_s": round(p(0.99), 3),
        "lateness_max_s": round(ordered[-1], 3), "idle_cpu_s": round(idle_cpu, 3),
        "catchup_s": round(catchup, 2), "catchup_duplicated": catchup_dup,
        "baseline_poll_idle_cpu_s": round(baseline_cpu, 2),
    }
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    asyncio.run(main())
