"""Broadcast benchmark: the real bot process against the fake Telegram on 127.0.0.1.

Runs, in order:
  1. 1,000 recipients, Telegram's limits enforced (30 msg/s sliding window, 1 msg/s per chat,
     429 with retry_after 1), 150 ms added to every request, the bot at its default settings;
     the admin drives /broadcast and presses «Gửi»; then 1,000 acknowledgement taps over 10 s.
  2. The same broadcast with the server's limit lifted to 1,000 msg/s and the bot's own
     rate and in-flight settings raised (HOATOC_SEND_RATE=1000, HOATOC_SEND_IN_FLIGHT=100),
     to see whether the bot itself is the bottleneck; peak memory of the bot process.
  3. A naive baseline: a plain loop of `await bot.send_message` to 200 recipients on the same
     fake server with the same 150 ms delay.
  4. Taps under a flood: the directive delivered to 1,000 (limits lifted), the bot restarted
     at its default settings with Telegram's limits back on, then the 1,000 taps of 1b while
     a stranger sends 300 messages at the moment the taps begin.
Prints its figures last, on one line of key=value pairs.

    .venv/bin/python bench/broadcast.py
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.app import build_services
from bot.clock import SystemClock
from bot.context import Services
from bot.services.importer import Importer
from bot.testing.fake_telegram import FakeTelegram, SentMessage
from config.settings import Settings

TOKEN = "7000000001:AABenchmarkTokenXXXXXXXXXXXXXXXXX"
ADMIN = 9001
N = 1000
FIRST_CHAT = 500_000
LATENCY = 0.15
NUMBER = "1556/UBND-KGVX"
STRANGER = 9999
FLOOD = 300


def log(text: str) -> None:
    print(text, flush=True)


def province(n: int, first_chat: int, *, phones: bool = False) -> dict[str, Any]:
    """An import file's content: n commune committees in one group, one liaison each (Telegram
    ids from `first_chat`), with phone numbers if asked."""
    return {
        "agencies": [{"code": f"XA_{i:04d}", "name": f"UBND xã Thử {i:04d}", "kind": "committee"}
                     for i in range(n)],
        "groups": [{"code": "UBND_XA", "name": "UBND các xã, phường, đặc khu",
                    "agencies": [f"XA_{i:04d}" for i in range(n)]}],
        "people": [{"code": f"P{i:04d}", "full_name": f"Cán bộ {i:04d}", "roles": ["liaison"],
                    **({"phone": f"09120{i:05d}"} if phones else {}),
                    "agency": f"XA_{i:04d}", "telegram_id": first_chat + i} for i in range(n)],
    }


async def import_province(services: Services, doc: dict[str, Any], folder: Path) -> None:
    """Import `doc` and mark every liaison as having pressed Start."""
    path = folder / "province.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    await Importer(services.db, services.clock).import_file(path)
    async with services.db.transaction() as conn:
        await conn.execute("UPDATE people SET activated = 1")


async def prepare(db_path: Path) -> None:
    """A province of N commune committees, one activated liaison each."""
    settings = Settings(bot_token=TOKEN, database=db_path, admin_ids=(ADMIN,))
    services = build_services(settings, SystemClock())
    await services.db.open()
    await import_province(services, province(N, FIRST_CHAT), db_path.parent)
    await services.db.close()


def start_bot(fake: FakeTelegram, db_path: Path, **extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOATOC_")}
    env.update(HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=fake.base_url,
               HOATOC_DATABASE=str(db_path), HOATOC_ADMIN_IDS=str(ADMIN),
               HOATOC_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1", **extra)
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop_bot(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def say(fake: FakeTelegram, text: str, expect: str) -> SentMessage:
    before = len(fake.messages_to(ADMIN))
    fake.send_text(ADMIN, text)
    return await fake.wait_for_message(
        ADMIN, lambda m: expect in (m.plain_text or ""), after=before, timeout=60)


async def tap(fake: FakeTelegram, msg: SentMessage, label: str, expect: str) -> SentMessage:
    before = len(fake.messages_to(ADMIN))
    fake.press_button(ADMIN, msg.message_id, msg.button_data(label))
    return await fake.wait_for_message(
        ADMIN, lambda m: expect in (m.plain_text or ""), after=before, timeout=60)


async def drive_broadcast(fake: FakeTelegram) -> float:
    """The admin's /broadcast, up to the preview; returns the instant «Gửi» was pressed."""
    ask = await say(fake, "/broadcast", "độ khẩn")
    secrecy = await tap(fake, ask, "Hỏa tốc", "độ mật")
    await tap(fake, secrecy, "Không mật", "số, ký hiệu")
    await say(fake, NUMBER, "ngày ban hành")
    await say(fake, "30/8/2022", "cơ quan ban hành")
    await say(fake, "UBND tỉnh", "trích yếu")
    await say(fake, "tăng cường bảo đảm an toàn thông tin mạng", "nội dung")
    body = await say(fake, "Yêu cầu trực 24/7 và báo cáo sự cố trong 3 ngày.", "Đã nhận nội dung")
    picker = await tap(fake, body, "Tiếp tục", "nơi nhận")
    fake.press_button(ADMIN, picker.message_id, picker.button_data("Tất cả"))
    await fake.wait_for_message(ADMIN, lambda m: m.message_id == picker.message_id
                                and f"<b>{N}</b> đơn vị" in (m.text or ""), timeout=60)
    deadline = await tap(fake, picker, "Xong", "hạn xác nhận")
    report = await tap(fake, deadline, "Mặc định", "báo cáo kết quả")
    summary = await tap(fake, report, "Không yêu cầu", "Tóm tắt trước khi gửi")
    pressed = time.monotonic()
    fake.press_button(ADMIN, summary.message_id, summary.button_data("Gửi"))
    return pressed


def directive_copies(fake: FakeTelegram) -> Counter[int]:
    return Counter(m.chat_id for m in fake.sent_messages
                   if m.chat_id >= FIRST_CHAT and NUMBER in (m.text or "") and m.params.get("reply_markup"))


def arrival_times(fake: FakeTelegram) -> list[float]:
    return sorted(c.time for c in fake.calls if c.method == "sendMessage" and c.ok
                  and (c.chat_id or 0) >= FIRST_CHAT)


async def wait_all_delivered(fake: FakeTelegram, within: float) -> None:
    """Until every recipient has had a message (counted cheaply; checked properly after)."""
    deadline = time.monotonic() + within
    seen: set[int] = set()
    checked = 0
    while len(seen) < N:
        for call in fake.calls[checked:]:
            if call.method == "sendMessage" and call.ok and (call.chat_id or 0) >= FIRST_CHAT:
                seen.add(call.chat_id or 0)
        checked = len(fake.calls)
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(seen)}/{N} delivered")
        with contextlib.suppress(AssertionError):  # no call within 5 s: look again
            await fake.wait_for_call("sendMessage", after=checked, timeout=5)


async def run_limited(tmp: Path) -> dict[str, float]:
    """Scenario 1 (and the acknowledgement taps)."""
    db = tmp / "limited.db"
    await prepare(db)
    async with FakeTelegram(TOKEN) as fake:
        fake.add_user(ADMIN, "Quản trị")
        for i in range(N):
            fake.add_user(FIRST_CHAT + i, f"Cán bộ {i}")
        restarted = len(fake.calls)
        proc = start_bot(fake, db)
        try:
            # The stopped bot's long poll may still look active: wait for the new one's.
            await fake.wait_for_call("getUpdates", after=restarted, timeout=60)
            await fake.wait_for_long_poll(timeout=60)
            fake.latency = LATENCY
            fake.set_rate_limit(30, per_chat_per_second=1, retry_after=1)
            log("scenario 1: driving /broadcast to 1,000 recipients at Telegram's limits ...")
            pressed = await drive_broadcast(fake)
            await wait_all_delivered(fake, within=240)
            times = arrival_times(fake)
            copies = directive_copies(fake)
            window = times[-1] - times[0]
            result = {
                "fraction_of_limit": (len(times) - 1) / window / 30 if window > 0 else 0.0,
                "lost": float(N - len(copies)),
                "duplicated": float(sum(n - 1 for n in copies.values())),
                # 429s on the directive's sends; the admin's own chat also meets the fake's
                # strict 1 msg/s while the conversation replies, counted apart.
                "rejected_429": float(sum(1 for c in fake.calls if c.status == 429
                                          and (c.chat_id or 0) >= FIRST_CHAT)),
                "rejected_429_admin_chat": float(sum(1 for c in fake.calls if c.status == 429
                                                     and c.chat_id == ADMIN)),
                "last_recipient_s": times[-1] - pressed,
                "first_recipient_s": times[0] - pressed,
            }
            log(f"  delivered {len(copies)} in {window:.1f} s of sending "
                f"({(len(times) - 1) / window:.2f} msg/s), last {result['last_recipient_s']:.1f} s "
                f"after «Gửi»; 429s: {result['rejected_429']:.0f} to recipients, "
                f"{result['rejected_429_admin_chat']:.0f} to the admin's chat")
            result.update(await ack_taps(fake))
        finally:
            stop_bot(proc)
    return result


async def ack_taps(fake: FakeTelegram, flood: int = 0) -> dict[str, float]:
    """1,000 taps over 10 s (with a stranger's `flood` as they begin); tap to the bot's answer."""
    if not flood:
        log("scenario 1b: 1,000 acknowledgement taps over 10 s ...")
    copies = {m.chat_id: m for m in fake.sent_messages
              if m.chat_id >= FIRST_CHAT and NUMBER in (m.text or "") and m.buttons}
    loop = asyncio.get_running_loop()
    offered: dict[str, float] = {}
    start = loop.time() + 0.1

    def press(chat_id: int) -> None:
        msg = copies[chat_id]
        query = fake.press_button(chat_id, msg.message_id, msg.button_data("Đã nhận"))
        offered[query] = time.monotonic()

    def flood_the_bot() -> None:
        for _ in range(flood):
            fake.send_text(STRANGER, "/broadcast")

    if flood:
        loop.call_at(start, flood_the_bot)
    for i, chat_id in enumerate(sorted(copies)):
        loop.call_at(start + i * 10.0 / N, press, chat_id)
    deadline = time.monotonic() + 60
    while True:
        answered = {c.params.get("callback_query_id"): c.time for c in fake.calls
                    if c.method == "answerCallbackQuery"}
        if len(offered) == len(copies) and all(q in answered for q in offered):
            break
        if time.monotonic() > deadline:
            break
        with contextlib.suppress(AssertionError):
            await fake.wait_for_call("answerCallbackQuery", after=len(fake.calls), timeout=2)
    waits = sorted((answered[q] - t) * 1000 for q, t in offered.items() if q in answered)
    texts = [fake.callback_answer(q) or {} for q in offered]
    recorded = sum(1 for a in texts if "Đã ghi nhận" in a.get("text", ""))
    p95 = waits[int(len(waits) * 0.95) - 1] if waits else float("nan")
    log(f"  answered {len(waits)}/{len(offered)}, recorded {recorded}, "
        f"p50 {statistics.median(waits):.0f} ms, p95 {p95:.0f} ms, max {waits[-1]:.0f} ms")
    return {"ack_p50_ms": statistics.median(waits), "ack_p95_ms": p95,
            "ack_lost": float(len(offered) - recorded), "ack_answered": float(len(waits))}


async def run_flood(tmp: Path) -> dict[str, float]:
    """Scenario 4: the taps of 1b while a stranger floods the bot."""
    db = tmp / "flood.db"
    await prepare(db)
    async with FakeTelegram(TOKEN) as fake:
        fake.add_user(ADMIN, "Quản trị")
        fake.add_user(STRANGER, "Người lạ")
        for i in range(N):
            fake.add_user(FIRST_CHAT + i, f"Cán bộ {i}")
        log("scenario 4: the directive delivered with the limits lifted, then the bot restarted ...")
        proc = start_bot(fake, db, HOATOC_SEND_RATE="1000", HOATOC_SEND_IN_FLIGHT="100")
        try:
            await fake.wait_for_long_poll(timeout=60)
            fake.set_rate_limit(1000, per_chat_per_second=1, retry_after=1)
            await drive_broadcast(fake)
            await wait_all_delivered(fake, within=120)
        finally:
            stop_bot(proc)
        restarted = len(fake.calls)
        proc = start_bot(fake, db)
        try:
            # The stopped bot's long poll may still look active: wait for the new one's.
            await fake.wait_for_call("getUpdates", after=restarted, timeout=60)
            await fake.wait_for_long_poll(timeout=60)
            fake.latency = LATENCY
            fake.set_rate_limit(30, per_chat_per_second=1, retry_after=1)
            log(f"  1,000 acknowledgement taps over 10 s; a stranger sends {FLOOD} messages "
                f"as they begin ...")
            taps = await ack_taps(fake, flood=FLOOD)
            replies = len(fake.messages_to(STRANGER))
            log(f"  the stranger got {replies} replies to {FLOOD} messages")
        finally:
            stop_bot(proc)
    return {"ack_p95_flood_ms": taps["ack_p95_ms"], "ack_lost_flood": taps["ack_lost"]}


async def run_unlimited(tmp: Path) -> dict[str, float]:
    """Scenario 2: the server's limit lifted; is the bot the bottleneck?"""
    db = tmp / "unlimited.db"
    await prepare(db)
    async with FakeTelegram(TOKEN) as fake:
        fake.add_user(ADMIN, "Quản trị")
        for i in range(N):
            fake.add_user(FIRST_CHAT + i, f"Cán bộ {i}")
        proc = start_bot(fake, db, HOATOC_SEND_RATE="1000", HOATOC_SEND_IN_FLIGHT="100")
        try:
            await fake.wait_for_long_poll(timeout=60)
            fake.latency = LATENCY
            fake.set_rate_limit(1000, per_chat_per_second=1, retry_after=1)
            log("scenario 2: the same broadcast with the limit lifted to 1,000 msg/s ...")
            await drive_broadcast(fake)
            cpu_before = cpu_seconds(proc.pid)
            await wait_all_delivered(fake, within=120)
            cpu = cpu_seconds(proc.pid) - cpu_before
            times = arrival_times(fake)
            rate = (len(times) - 1) / (times[-1] - times[0])
            rss = peak_rss_mb(proc.pid)
            log(f"  bot CPU {cpu:.2f} s for {N} messages: {cpu / N * 1000:.2f} ms each, "
                f"so one core sustains about {N / cpu:.0f} msg/s")
            copies = directive_copies(fake)
            buckets = Counter(int(t - times[0]) for t in times)
            log(f"  per second: {[buckets[i] for i in range(int(times[-1] - times[0]) + 1)]}; "
                f"429s {fake.rejected_429}")
            log(f"  {rate:.0f} msg/s, peak RSS {rss:.0f} MB, lost {N - len(copies)}, "
                f"duplicated {sum(n - 1 for n in copies.values())}")
        finally:
            stop_bot(proc)
    return {"unlimited_msgs_per_s": rate, "peak_rss_mb": rss, "bot_cpu_ms_per_msg": cpu / N * 1000}


async def run_baseline() -> dict[str, float]:
    """Scenario 3: a plain loop of send_message to 200 recipients."""
    log("scenario 3: naive baseline, a loop of await bot.send_message to 200 ...")
    async with FakeTelegram(TOKEN) as fake:
        for i in range(200):
            fake.add_user(FIRST_CHAT + i, f"Cán bộ {i}")
        fake.latency = LATENCY
        fake.set_rate_limit(30, per_chat_per_second=1, retry_after=1)
        bot = Bot(TOKEN, base_url=fake.api_base_url, request=HTTPXRequest())
        await bot.initialize()
        started = time.monotonic()
        for i in range(200):
            await bot.send_message(FIRST_CHAT + i, "Văn bản hỏa tốc")
        elapsed = time.monotonic() - started
        await bot.shutdown()
    log(f"  {200 / elapsed:.2f} msg/s")
    return {"baseline_msgs_per_s": 200 / elapsed}


async def main() -> None:
    started = time.monotonic()
    only = sys.argv[1] if len(sys.argv) > 1 else None  # "limited", "unlimited", "baseline", "flood"
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if only in (None, "limited"):
            figures.update(await run_limited(Path(tmp)))
        if only in (None, "unlimited"):
            figures.update(await run_unlimited(Path(tmp)))
        if only in (None, "flood"):
            figures.update(await run_flood(Path(tmp)))
    if only in (None, "baseline"):
        figures.update(await run_baseline())
    if only is not None:
        print(figures)
        return
    log(f"total {time.monotonic() - started:.0f} s; cpu {os.cpu_count()} cores; python "
        f"{sys.version.split()[0]}")
    keys = ["fraction_of_limit", "lost", "duplicated", "rejected_429", "last_recipient_s",
            "unlimited_msgs_per_s", "bot_cpu_ms_per_msg", "peak_rss_mb", "ack_p50_ms",
            "ack_p95_ms", "ack_lost", "ack_p95_flood_ms", "baseline_msgs_per_s"]
    print(" ".join(f"{k}={figures[k]:.3g}" if isinstance(figures[k], float) else f"{k}={figures[k]}"
                   for k in keys))


if __name__ == "__main__":
    asyncio.run(main())
