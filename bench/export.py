"""/export benchmark: the real bot process against the fake Telegram on 127.0.0.1.

Seeds a province of 125 agencies (one activated liaison each) with 80 directives sent over
the last 30 days — 79 written straight into the database (5 of them drills), acknowledged by
about 90 % of the agencies (a tenth by phone), a result report from every third, plus 300
incidents with 4 events each — and one more really sent by the bot, whose ✅ buttons are
tapped while the export runs: 80 × 125 = 10,000 directive rows. Then the admin sends
/export while a tap arrives every 20 ms, and the figures are:

  seconds                    /export sent → the document received by the admin (the
                             gathering, the build in the worker process, the upload);
  peak_rss_mb                peak resident set (VmHWM in /proc/<pid>/status — not tracemalloc,
                             which sees only Python's heap) of the bot process since start-up
                             PLUS that of the export's worker process (sampled every 20 ms):
                             an upper bound of the two together; each is logged apart;
  ack_p95_during_export_ms   tap offered → answerCallbackQuery recorded, over the taps
                             offered between /export and the document (nearest rank).

Prints last one line: rows=<n> seconds=<s> peak_rss_mb=<m> ack_p95_during_export_ms=<p>.
`baseline` as its argument: the same tap stream for 4 s without an export, to compare.

    .venv/bin/python bench/export.py [baseline]
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import math
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook

from bench.broadcast import import_province, peak_rss_mb, province, start_bot, stop_bot
from bot.app import build_services
from bot.clock import SystemClock, to_epoch
from bot.domain.directives import Urgency
from bot.services.broadcast import Draft
from bot.testing.fake_telegram import FakeTelegram, SentMessage
from config.settings import Settings

TOKEN = "7000000001:AABenchmarkTokenXXXXXXXXXXXXXXXXX"
ADMIN = 9001
AGENCIES = 125
DIRECTIVES = 80  # the last one sent by the bot itself
DRILLS = 5
INCIDENTS = 300
FIRST_CHAT = 500_000
LIVE = "9999/UBND-BENCH"
TAP_EVERY = 0.02


def log(text: str) -> None:
    print(text, flush=True)


async def prepare(db_path: Path) -> None:
    """The province and the live directive (queued: the bot sends it at start-up)."""
    settings = Settings(bot_token=TOKEN, database=db_path, admin_ids=(ADMIN,))
    services = build_services(settings, SystemClock())
    await services.db.open()
    await import_province(services, province(AGENCIES, FIRST_CHAT, phones=True), db_path.parent)
    async with services.db.transaction() as conn, conn.execute("SELECT id FROM agencies") as cur:
        agency_ids = {r[0] for r in await cur.fetchall()}
    draft = Draft(urgency=Urgency.KHAN, number=LIVE, issuer="UBND tỉnh",
                  summary="tăng cường bảo đảm an toàn thông tin mạng",
                  body="Yêu cầu trực 24/7.", agency_ids=agency_ids)
    await services.broadcast.send(ADMIN, draft)
    await services.db.close()
    seed_history(db_path)


def seed_history(db_path: Path) -> None:
    """79 past directives to every agency and 300 incidents, written straight in (fast)."""
    now = to_epoch(SystemClock().now())
    conn = sqlite3.connect(db_path)
    try:
        people = conn.execute("SELECT id, agency_id, telegram_user_id FROM people"
                              " WHERE agency_id IS NOT NULL ORDER BY agency_id").fetchall()
        with conn:
            for d in range(DIRECTIVES - 1):
                sent = now - 29 * 86400 + d * 8 * 3600
                cur = conn.execute(
                    "INSERT INTO directives (number, issuer, summary, urgency, ack_deadline_at,"
                    " created_by, created_at, drill) VALUES (?, ?, ?, 'khan', ?, ?, ?, ?)",
                    (f"{d + 1}/UBND-KGVX", "UBND tỉnh", f"chỉ đạo số {d + 1} về an toàn thông tin",
                     sent + 4 * 3600, ADMIN, sent, 1 if d < DRILLS else 0))
                directive = cur.lastrowid
                for k, (person, agency, chat) in enumerate(people):
                    conn.execute("INSERT INTO directive_agencies VALUES (?, ?)", (directive, agency))
                    conn.execute(
                        "INSERT INTO deliveries (directive_id, agency_id, person_id, chat_id,"
                        " status, message_id, updated_at) VALUES (?, ?, ?, ?, 'sent', ?, ?)",
                        (directive, agency, person, chat, 1_000_000 + directive * 1000 + k, sent))
                    if (d + k) % 10 == 9:
                        continue  # a tenth never acknowledged
                    acked = sent + 60 * (1 + (d * 7 + k * 13) % 300)
                    conn.execute(
                        "INSERT INTO acknowledgements (directive_id, agency_id, person_id,"
                        " acked_at, late, via) VALUES (?, ?, ?, ?, ?, ?)",
                        (directive, agency, person, acked, int(acked > sent + 4 * 3600),
                         "phone" if k % 10 == 0 else "telegram"))
                    if k % 3 == 0:
                        conn.execute(
                            "INSERT INTO result_reports (directive_id, agency_id, person_id,"
                            " text, created_at) VALUES (?, ?, ?, ?, ?)",
                            (directive, agency, person, "Đã triển khai", acked + 3600))
            year = time.gmtime(now).tm_year
            for n in range(INCIDENTS):
                person, agency, _ = people[n % len(people)]
                reported = now - 29 * 86400 + n * 8000
                cur = conn.execute(
                    "INSERT INTO incidents (year, number, code, agency_id, reporter_id, status,"
                    " priority, category, system_level, detected_at, reported_at, late,"
                    " support_requested, beyond_capacity, confidential, answers, assignee_id,"
                    " taken_at, resolved_at, updated_at) VALUES (?, ?, ?, ?, ?, 'resolved',"
                    " 'trung_binh', 'malware', 3, ?, ?, 0, 0, 0, 0, '{}', ?, ?, ?, ?)",
                    (year, 10_000 + n, f"SC-{year}-{10_000 + n}", agency, person, reported - 3600,
                     reported, person, reported + 600, reported + 7200, reported + 7200))
                for at, kind in [(0, "reported"), (600, "taken"), (1800, "progress"),
                                 (7200, "resolved")]:
                    conn.execute(
                        "INSERT INTO incident_events (incident_id, at, kind, person_id, text,"
                        " details) VALUES (?, ?, ?, ?, ?, ?)",
                        (cur.lastrowid, reported + at, kind, person,
                         "đã cô lập máy chủ" if kind == "progress" else "",
                         json.dumps({"via": "telegram"} if kind == "reported" else {})))
    finally:
        conn.close()


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


async def watch_workers(pid: int, done: asyncio.Event) -> float:
    """The highest peak RSS (VmHWM, MB) of any child of the bot (the export's worker process),
    sampled every 20 ms until `done`."""
    peak = 0.0
    while not done.is_set():
        for child in children(pid):
            with contextlib.suppress(OSError, ValueError):
                peak = max(peak, peak_rss_mb(child))
        await asyncio.sleep(0.02)
    return peak


async def wait_copies(fake: FakeTelegram, within: float) -> dict[int, SentMessage]:
    """The live directive's copy in every liaison's chat (sent by the bot at start-up)."""
    deadline = time.monotonic() + within
    while True:
        copies = {m.chat_id: m for m in fake.sent_messages
                  if m.chat_id >= FIRST_CHAT and LIVE in (m.text or "") and m.buttons}
        if len(copies) == AGENCIES:
            return copies
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(copies)}/{AGENCIES} copies delivered")
        with contextlib.suppress(AssertionError):
            await fake.wait_for_call("sendMessage", after=len(fake.calls), timeout=2)


async def run(tmp: Path) -> dict[str, float]:
    db = tmp / "export.db"
    log(f"seeding {AGENCIES} agencies, {DIRECTIVES} directives ({DRILLS} drills), "
        f"{INCIDENTS} incidents ...")
    await prepare(db)
    async with FakeTelegram(TOKEN) as fake:
        fake.add_user(ADMIN, "Quản trị")
        for i in range(AGENCIES):
            fake.add_user(FIRST_CHAT + i, f"Cán bộ {i}")
        proc = start_bot(fake, db)
        try:
            await fake.wait_for_long_poll(timeout=60)
            copies = await wait_copies(fake, within=120)
            log(f"  the live directive reached {len(copies)} liaisons; peak RSS so far "
                f"{peak_rss_mb(proc.pid):.0f} MB")
            rss_before = peak_rss_mb(proc.pid)
            chats = sorted(copies)
            # Taken now: the first tap of an agency edits its buttons away; later taps on
            # the same button are answered too ("already recorded"), as a real client's are.
            buttons = {c: (copies[c].message_id, copies[c].button_data("Đã nhận")) for c in chats}
            offered: dict[str, float] = {}
            done = asyncio.Event()

            async def tap_stream() -> None:
                i = 0
                while not done.is_set():
                    chat = chats[i % len(chats)]
                    query = fake.press_button(chat, *buttons[chat])
                    offered[query] = time.monotonic()
                    i += 1
                    await asyncio.sleep(TAP_EVERY)

            before = len(fake.messages_to(ADMIN))
            started = time.monotonic()
            taps = asyncio.create_task(tap_stream())
            workers = asyncio.create_task(watch_workers(proc.pid, done))
            if sys.argv[1:] == ["baseline"]:  # the same taps without an export, to compare
                await asyncio.sleep(4)
                done.set()
                await taps
                await asyncio.sleep(3)
                answered = {c.params.get("callback_query_id"): c.time for c in fake.calls
                            if c.method == "answerCallbackQuery"}
                w = sorted((answered[q] - t) * 1000 for q, t in offered.items() if q in answered)
                log(f"baseline: {len(w)}/{len(offered)} p50 {w[len(w) // 2]:.0f} "
                    f"p95 {w[math.ceil(0.95 * len(w)) - 1]:.0f} max {w[-1]:.0f} ms")
                raise SystemExit(0)
            fake.send_text(ADMIN, "/export")
            document = await fake.wait_for_message(
                ADMIN, lambda m: m.kind == "document", after=before, timeout=120)
            seconds = time.monotonic() - started
            done.set()
            await taps
            worker_rss = await workers
            bot_rss = peak_rss_mb(proc.pid)
            rss = bot_rss + worker_rss  # both at their peaks at once: an upper bound
            deadline = time.monotonic() + 30
            while True:
                answered = {c.params.get("callback_query_id"): c.time for c in fake.calls
                            if c.method == "answerCallbackQuery"}
                if all(q in answered for q in offered) or time.monotonic() > deadline:
                    break
                with contextlib.suppress(AssertionError):
                    await fake.wait_for_call("answerCallbackQuery", after=len(fake.calls),
                                             timeout=2)
            waits = sorted((answered[q] - t) * 1000 for q, t in offered.items() if q in answered)
            p95 = waits[max(1, math.ceil(0.95 * len(waits))) - 1] if waits else float("nan")
            assert document.file_bytes is not None
            wb = load_workbook(io.BytesIO(document.file_bytes), read_only=True)
            # Counted by reading them (a write-only workbook records no dimensions).
            rows = sum(sum(1 for _ in wb[t].iter_rows(min_row=2))
                       for t in ("Văn bản", "Diễn tập – văn bản"))
            log(f"  {document.file_name}: {len(document.file_bytes) / 1e6:.2f} MB, "
                f"{rows} directive rows; sheets {wb.sheetnames}; caption: {document.caption}")
            log(f"  export {seconds:.2f} s; peak RSS: bot {bot_rss:.0f} MB ({rss_before:.0f} MB "
                f"before), worker process {worker_rss:.0f} MB, together at most {rss:.0f} MB; "
                f"{len(waits)}/{len(offered)} taps answered during it, p50 "
                f"{waits[len(waits) // 2]:.0f} ms, p95 {p95:.0f} ms, max {waits[-1]:.0f} ms")
        finally:
            stop_bot(proc)
    return {"rows": float(rows), "seconds": seconds, "peak_rss_mb": rss,
            "ack_p95_during_export_ms": p95}


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = await run(Path(tmp))
    log(f"cpu {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(f"rows={figures['rows']:.0f} seconds={figures['seconds']:.2f} "
          f"peak_rss_mb={figures['peak_rss_mb']:.0f} "
          f"ack_p95_during_export_ms={figures['ack_p95_during_export_ms']:.0f}")


if __name__ == "__main__":
    asyncio.run(main())
