"""`make demo`: watch the bot through one emergency, with no token and no network.

The fake Telegram (`bot.testing.fake_telegram`) and the real bot (`build_application`) run in
this process, talking HTTP on 127.0.0.1. The province is `examples/province.yaml`; the
database lives in a temporary folder, deleted at the end. The clock is a `FakeClock` that the
script moves on, so half an hour of the scenario takes a second or two. The script plays the
people (through the same Bot API updates Telegram would send) and prints, like a chat log,
what each of them saw — text and buttons — and what they pressed, then the final figures.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import yaml
from pydantic import SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.app import HoaTocApp, build_application, services_of, start_polling, stop_polling
from bot.clock import FakeClock, to_epoch
from bot.context import Services
from bot.services.importer import Importer
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import FakeTelegram, SentMessage
from bot.texts import label
from config.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = ROOT / "examples" / "province.yaml"
# Any well-formed token: the fake Telegram accepts it, the real one is never reached.
TOKEN = "7000000001:DEMOdemoDEMOdemoDEMOdemoDEMOdemo_00"  # noqa: S105
ADMIN = 9001  # P001, a super-admin (HOATOC_ADMIN_IDS=9001, as in the README's example)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 30 November 2026, 16:30 local time: by the example's rotation (from 1 November,
# handover 07:30) Mai Hữu Việt (P008) is on duty, someone other than the team lead.
START = datetime(2026, 11, 30, 16, 30, tzinfo=TZ).astimezone(UTC)
WAIT = 15.0  # seconds any one answer of the bot may take before the demo gives up
LIMIT = 120.0  # the whole run, a guard: it takes a fraction of that

# The two agencies that do not acknowledge in time (island special zones, a bad line): P066,
# and the liaison the demo gives the Thổ Châu zone. The Sở Y tế's primary liaison
# acknowledges, then reports the incident.
SILENT = ("DK_KIEN_HAI", "DK_THO_CHAU")
REPORTER_AGENCY = "SYT"


class DemoFailed(Exception):
    """The bot did not answer as the script expects: the demo stops and says where."""


class _DemoSettings(Settings):
    """The demo's settings only: no HOATOC_* variable and no `.env` (a real token!) leaks in."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


# --- the people ------------------------------------------------------------------------------

# Names for the liaisons the example file leaves out (92 communes join "later"): fictional.
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
           "Dương", "Lý", "Trương", "Phan", "Lâm")
_MIDDLE = ("Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Hữu", "Kim", "Quốc", "Thu")
_GIVEN = ("An", "Bình", "Cường", "Dung", "Giang", "Hạnh", "Khánh", "Lộc", "Mai", "Nam", "Oanh",
          "Phúc", "Quyên", "Sang", "Tâm", "Uyên", "Vinh", "Xuân", "Yến", "Thắng", "Trinh")


def with_accounts(province: dict[str, Any]) -> list[dict[str, Any]]:
    """The province's people with Telegram accounts, plus one primary liaison for every agency
    the example leaves without one: what the invite links would have brought in."""
    people: list[dict[str, Any]] = []
    for n, row in enumerate(province["people"], start=1):
        tid = {"P001": ADMIN, "P002": ADMIN + 1}.get(row["code"], 10_000 + n)
        people.append({**row, "telegram_id": tid})
    covered = {row.get("agency") for row in province["people"] if "liaison" in row["roles"]}
    missing = [a for a in province["agencies"] if a["code"] not in covered]
    for n, agency in enumerate(missing, start=1):
        name = (f"{_FAMILY[n % len(_FAMILY)]} {_MIDDLE[n * 7 % len(_MIDDLE)]} "
                f"{_GIVEN[n * 5 % len(_GIVEN)]}")
        people.append({"code": f"D{n:03d}", "full_name": name,
                       "phone": f"0912 {n:03d} {n + 300:03d}", "roles": ["liaison"],
                       "agency": agency["code"], "rank": "primary", "telegram_id": 20_000 + n})
    return people


def screenshot() -> bytes:
    """A small picture for the liaison's screenshot: a red ransom screen (PNG, made here)."""
    width, height = 120, 80
    rows = bytearray()
    for y in range(height):
        rows += b"\x00"  # no filter
        for x in range(width):
            banner = 14 <= y < 30 and 10 <= x < width - 10
            rows += b"\xff\xff\xff" if banner else b"\xb4\x10\x10"

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b""))


# --- the transcript --------------------------------------------------------------------------

@dataclass(frozen=True)
class Actor:
    user_id: int
    name: str
    role: str
    agency: str = ""  # the agency's code

    @property
    def who(self) -> str:
        return f"{self.name} ({self.role})"


@dataclass
class Transcript:
    """Prints the chat log: what the featured people get (and every later edit of it) in
    full; what everyone else gets, counted. Quiet messages (a live status edited every few
    seconds) are shown only when the script asks."""

    fake: FakeTelegram
    clock: FakeClock
    out: TextIO
    featured: dict[int, Actor] = field(default_factory=dict)
    quiet: set[tuple[int, int]] = field(default_factory=set)
    _printed: int = 0  # index into fake.sent_messages
    _edits: dict[tuple[int, int], int] = field(default_factory=dict)  # edits printed
    _texts: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # as printed
    _bodies: dict[str, tuple[str, str]] = field(default_factory=dict)  # text -> first shown

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def stamp(self, unix: float | None = None) -> str:
        instant = self.clock.now() if unix is None else datetime.fromtimestamp(unix, UTC)
        return instant.astimezone(TZ).strftime("%H:%M %d/%m")

    def scene(self, key: str, **values: object) -> None:
        self.flush()
        title = label(key, **values)
        self.line()
        self.line(f"━━ {title} " + "━" * max(3, 88 - len(title)))

    def note(self, key: str, **values: object) -> None:
        self.flush()
        self.line(f"{self.stamp()}  · {label(key, **values)}")

    def act(self, actor: Actor, key: str, **values: object) -> None:
        self.flush()
        self.line(f"{self.stamp()}  👤 {actor.who} {label(key, **values)}")

    def flush(self) -> None:
        """Print what the bot sent, or edited, since the last flush."""
        messages = self.fake.sent_messages
        fresh, self._printed = messages[self._printed:], len(messages)
        others: dict[str, list[SentMessage]] = {}
        for m in fresh:
            self._edits[(m.chat_id, m.message_id)] = len(m.edits)
            actor = self.featured.get(m.chat_id)
            if actor is None:
                others.setdefault(_first_line(m), []).append(m)
            else:
                self.line(f"{self.stamp(m.date)}  🤖 → {actor.who}:")
                self._body(m)
        for first, group in others.items():
            n = len({m.chat_id for m in group})
            self.line(f"{self.stamp(group[0].date)}  🤖 → {label('demo_others', n=n)}: “{first}”")
        for chat_id in self.featured:
            for m in self.fake.messages_to(chat_id):
                if (chat_id, m.message_id) not in self.quiet:
                    self._edited(m)

    def show(self, m: SentMessage) -> None:
        """A quiet message as it stands now."""
        self.flush()
        self._edited(m, force=True)

    def _edited(self, m: SentMessage, force: bool = False) -> None:
        """An edit: in full, or only the lines it added (a question's answer, a confirmation),
        or only the buttons when the text stayed."""
        key = (m.chat_id, m.message_id)
        if len(m.edits) <= self._edits.get(key, 0) and not force:
            return
        self._edits[key] = len(m.edits)
        head = f"{self.stamp(m.edits[-1].time) if m.edits else self.stamp()}  ✏️  → "
        head += f"{self.featured[m.chat_id].who}: "
        sent = self.stamp(m.date)
        old, new = self._texts.get(key), _lines(m)
        if force or old is None:
            self.line(head + label("demo_edited", at=sent))
            self._body(m)
            return
        self._texts[key] = new
        if new == old:  # only the buttons changed: a question's go once it is answered
            if m.buttons:
                self.line(head + label("demo_new_buttons", at=sent))
                self._buttons(m)
            return
        top = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                   min(len(old), len(new)))
        bottom = len(old) - top
        if len(new) > len(old) and old[top:] == new[len(new) - bottom:]:
            self.line(head + label("demo_added", at=sent))
            for row in new[top:len(new) - bottom]:
                self.line(f"      │ {row}".rstrip())
            self._buttons(m)
            return
        self.line(head + label("demo_edited", at=sent))
        self._body(m)

    def _body(self, m: SentMessage) -> None:
        """A message's text and buttons; a long text already shown to someone else is named,
        not repeated (the same report to the responder, the lead and the admins)."""
        rows = self._texts[(m.chat_id, m.message_id)] = _lines(m)
        who = self.featured[m.chat_id].who
        text = "\n".join(rows)
        first = self._bodies.setdefault(text, (who, self.stamp(m.date)))
        if len(rows) >= 8 and first[0] != who:
            self.line("      │ " + label("demo_same_as", who=first[0], at=first[1]))
        else:
            for row in rows:
                self.line(f"      │ {row}".rstrip())
        self._buttons(m)

    def _buttons(self, m: SentMessage) -> None:
        markup = m.reply_markup or {}
        for buttons in markup.get("inline_keyboard") or []:
            self.line("      │ " + " ".join(f"[{b.get('text', '')}]" for b in buttons))
        for buttons in markup.get("keyboard") or []:
            self.line("      │ " + " ".join(f"⟦{b.get('text', '')}⟧" for b in buttons))


def _lines(m: SentMessage) -> list[str]:
    """The text as Telegram shows it, line by line (a photo or a file says so first)."""
    text = m.plain_text if m.plain_text is not None else (m.text or "")
    if m.kind != "text":
        text = f"[{label('demo_photo') if m.kind == 'photo' else m.file_name}] {text}"
    return text.strip("\n").split("\n")


def _first_line(m: SentMessage) -> str:
    text = (m.plain_text or m.text or "").strip()
    first = text.split("\n", 1)[0] if text else (m.file_name or m.kind)
    return first if len(first) <= 90 else first[:89] + "…"


def _has(fragment: str) -> Callable[[SentMessage], bool]:
    return lambda m: fragment in (m.plain_text or m.text or "")


# --- the stage: the fake Telegram, the bot, the clock -----------------------------------------

@dataclass
class Stage:
    fake: FakeTelegram
    clock: FakeClock
    app: HoaTocApp
    log: Transcript
    people: dict[str, Actor] = field(default_factory=dict)  # by the file's person code
    agencies: dict[str, str] = field(default_factory=dict)  # code -> name
    liaisons: dict[str, list[Actor]] = field(default_factory=dict)  # agency code -> primary first
    _last_sweep: datetime = START

    @property
    def services(self) -> Services:
        return services_of(self.app)

    async def wait(self, actor: Actor, expect: str, after: int = 0,
                   predicate: Callable[[SentMessage], bool] | None = None) -> SentMessage:
        try:
            return await self.fake.wait_for_message(
                actor.user_id, predicate or _has(expect), after=after, timeout=WAIT)
        except AssertionError as exc:
            raise DemoFailed(f"waiting for “{expect}” to {actor.who}:\n{exc}") from None

    async def say(self, actor: Actor, text: str, expect: str) -> SentMessage:
        """`actor` writes `text`; the bot's reply containing `expect`."""
        self.log.act(actor, "demo_writes", text=text)
        before = len(self.fake.messages_to(actor.user_id))
        self.fake.send_text(actor.user_id, text)
        reply = await self.wait(actor, expect, before)
        await self.settle()
        return reply

    async def photo(self, actor: Actor, content: bytes, caption: str, expect: str) -> SentMessage:
        self.log.act(actor, "demo_sends_photo", caption=caption)
        before = len(self.fake.messages_to(actor.user_id))
        self.fake.send_photo(actor.user_id, content, caption=caption)
        reply = await self.wait(actor, expect, before)
        await self.settle()
        return reply

    async def press(self, actor: Actor, msg: SentMessage, button: str, expect: str) -> SentMessage:
        """`actor` presses the button of `msg` whose label holds `button`; the bot's next
        message to them containing `expect`."""
        before = len(self.fake.messages_to(actor.user_id))
        await self.tap(actor, msg, button)
        return await self.wait(actor, expect, before)

    async def tap(self, actor: Actor, msg: SentMessage, button: str, *, loud: bool = True) -> str:
        """`actor` presses a button; the answer's text (Telegram shows it as a toast)."""
        full = next((str(b["text"]) for b in msg.buttons if button in str(b["text"])), button)
        if loud:
            self.log.act(actor, "demo_presses", button=full)
        try:
            query = self.fake.press_button(actor.user_id, msg.message_id, msg.button_data(button))
            await self.fake.wait_for_call("answerCallbackQuery", lambda c: c.params.get(
                "callback_query_id") == query, timeout=WAIT)
        except AssertionError as exc:
            raise DemoFailed(f"{actor.who} pressing [{full}]:\n{exc}") from None
        answer = str((self.fake.callback_answer(query) or {}).get("text", ""))
        if answer and loud:
            self.log.line(f"{self.log.stamp()}  💬 {label('demo_answer', text=answer)}")
        return answer

    async def settle(self) -> None:
        """Let the outbox send what the last step queued."""
        await asyncio.wait_for(self.services.sender.drained(), WAIT)

    async def at(self, local: str) -> None:
        """Move the clock to `local` ("16:45" on the scenario's day) and run what fell due,
        as the bot's wake-up and its 30-second sweep would."""
        hours, minutes = (int(p) for p in local.split(":"))
        target = START.astimezone(TZ).replace(hour=hours, minute=minutes).astimezone(UTC)
        if target > self.clock.now():
            self.clock.set(target)
        s = self.services
        await s.escalation.run_due()
        await s.duty.shift_start_notices()
        await s.broadcast.touch_deadlines_passed(self._last_sweep, self.clock.now())
        self._last_sweep = self.clock.now()
        await self.settle()

    def last_with(self, actor: Actor, button: str) -> SentMessage:
        for m in reversed(self.fake.messages_to(actor.user_id)):
            if any(button in str(b["text"]) for b in m.buttons):
                return m
        raise DemoFailed(f"{actor.who} has no message with the button “{button}”")

    async def scalar(self, sql: str, *args: object) -> int:
        async with self.services.db.reader.execute(sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0] or 0) if row is not None else 0


# --- the scenario ----------------------------------------------------------------------------

async def seed(stage: Stage, folder: Path) -> None:
    """Import the example province, then its people's Telegram accounts (standing in for the
    invite link each would open); everyone with an account has pressed Start."""
    province = yaml.safe_load(PROVINCE.read_text("utf-8"))
    people = with_accounts(province)
    accounts = folder / "accounts.yaml"
    accounts.write_text(yaml.safe_dump({"people": people}, allow_unicode=True), "utf-8")
    s = stage.services
    importer = Importer(s.db, stage.clock, s.settings.tz)
    await importer.import_file(PROVINCE)
    await importer.import_file(accounts)
    now = to_epoch(stage.clock.now())
    async with s.db.transaction() as conn:
        repo = PeopleRepository(conn)
        for person in await repo.all():
            if person.telegram_user_id is not None:
                await repo.update(person.id, {"activated": True}, now)
    stage.agencies = {a["code"]: a["name"] for a in province["agencies"]}
    for row in people:
        name, agency = row["full_name"], row.get("agency") or ""
        family, _, given = name.rpartition(" ")
        stage.fake.add_user(row["telegram_id"], given, family or None)
        if row.get("lead"):
            role = label("demo_role_lead")
        elif "admin" in row["roles"]:
            role = label("demo_role_admin")
        elif "responder" in row["roles"]:
            role = label("demo_role_responder")
        else:
            role = label("demo_role_liaison", agency=stage.agencies.get(agency, agency))
        actor = stage.people[row["code"]] = Actor(row["telegram_id"], name, role, agency)
        if "liaison" in row["roles"]:
            liaison = Actor(actor.user_id, name, label("demo_role_liaison", agency=stage.agencies[
                agency]), agency)
            stage.liaisons.setdefault(agency, []).append(liaison)
            if row.get("rank", "primary") == "primary":  # the primary first
                stage.liaisons[agency].sort(key=lambda a: a.user_id != liaison.user_id)
    stage.log.note("demo_seeded", agencies=len(province["agencies"]),
                   groups=len(province["groups"]), people=len(province["people"]),
                   added=len(people) - len(province["people"]))


def _liaison(stage: Stage, agency: str) -> Actor:
    """The agency's primary liaison."""
    return stage.liaisons[agency][0]


NUMBER = "215/CĐ-UBND"


async def broadcast(stage: Stage, admin: Actor) -> SentMessage:
    """The admin's /broadcast conversation, to «Gửi»; the admin's live status message."""
    ask = await stage.say(admin, "/broadcast", "độ khẩn")
    secrecy = await stage.press(admin, ask, "Hỏa tốc", "độ mật")
    await stage.press(admin, secrecy, "Không mật", "số, ký hiệu")
    await stage.say(admin, NUMBER, "ngày ban hành")
    await stage.say(admin, "30/11/2026", "cơ quan ban hành")
    await stage.say(admin, "UBND tỉnh An Giang", "trích yếu")
    await stage.say(admin, "V/v ứng phó chiến dịch tấn công mã hóa dữ liệu (ransomware) nhắm "
                           "vào các cơ quan nhà nước", "nội dung")
    body = await stage.say(
        admin, "Yêu cầu các đơn vị: (1) sao lưu ngay dữ liệu quan trọng ra thiết bị "
               "tách biệt; (2) tạm ngắt các dịch vụ truy cập từ xa (RDP, VPN) chưa cập nhật bản "
               "vá; (3) báo cáo ngay mọi dấu hiệu bất thường cho Đội ứng cứu sự cố qua /report.",
        "Đã nhận nội dung")
    picker = await stage.press(admin, body, "Tiếp tục", "nơi nhận")
    await stage.tap(admin, picker, "Tất cả")
    picker = await stage.wait(admin, "✅ Tất cả", predicate=lambda m: m.message_id
                              == picker.message_id and "✅" in str(m.reply_markup))
    deadline = await stage.press(admin, picker, "Xong", "hạn xác nhận")
    report = await stage.press(admin, deadline, "Mặc định", "báo cáo kết quả")
    summary = await stage.press(admin, report, "Không yêu cầu", "Tóm tắt trước khi gửi")
    before = len(stage.fake.messages_to(admin.user_id))
    await stage.press(admin, summary, "Gửi", "Đang gửi văn bản số")
    status = await stage.wait(admin, "Tình hình văn bản", before)
    stage.log.quiet.add((status.chat_id, status.message_id))
    await stage.settle()
    return status


async def board(stage: Stage, status: SentMessage, ready: Callable[[str], bool]) -> None:
    """Show the admin's live status once `ready` holds for its text (it is redrawn every few
    seconds, not at every tap)."""
    actor = stage.log.featured[status.chat_id]
    await stage.wait(actor, "📊", predicate=lambda m: m.message_id == status.message_id
                     and ready(m.plain_text or ""))
    stage.log.show(status)


async def acknowledgements(stage: Stage, reporter: Actor, silent: list[Actor]) -> None:
    """Every agency but the two silent ones acknowledges, between 16:31 and 16:44."""
    await stage.at("16:33")
    await stage.tap(reporter, stage.last_with(reporter, "Đã nhận văn bản"), "Đã nhận văn bản")
    await stage.settle()
    skip = {reporter.agency, *(a.agency for a in silent)}
    others = [_liaison(stage, code) for code in stage.agencies if code not in skip]
    batches = 10
    for n in range(batches):
        batch = others[n::batches]
        await stage.at(f"16:{34 + n:02d}")
        await asyncio.gather(*(stage.tap(a, stage.last_with(a, "Đã nhận văn bản"),
                                         "Đã nhận văn bản", loud=False) for a in batch))
        names = ", ".join(stage.agencies[a.agency] for a in batch[:2])
        stage.log.note("demo_acked_batch", n=len(batch), names=names, more=len(batch) - 2)
        await stage.settle()


async def incident(stage: Stage, reporter: Actor) -> str:
    """The liaison's /report, with a screenshot, to «Gửi»; the incident's code."""
    confirm = await stage.say(reporter, "/report", "Đề nghị kiểm tra thông tin đơn vị báo cáo")
    await stage.press(reporter, confirm, "Đúng", "Tên hệ thống bị sự cố")
    await stage.say(reporter, "Hệ thống quản lý khám, chữa bệnh của Sở Y tế",
                              "Tên miền, địa chỉ IP")
    level = await stage.say(reporter, "his.syt.angiang.gov.vn (10.20.1.15)", "Cấp độ an toàn")
    category = await stage.press(reporter, level, "Cấp 3", "Phân loại sự cố")
    await stage.press(reporter, category, "Mã hóa phần mềm", "Mô tả sơ bộ")
    await stage.say(reporter, "Máy chủ cơ sở dữ liệu bị mã hóa toàn bộ tệp, đuôi .lockbit; màn "
                              "hình hiện yêu cầu tiền chuộc. Bệnh viện chuyển sang ghi chép giấy.",
                    "Ngày, giờ phát hiện")
    state = await stage.say(reporter, "30/11/2026 17:05", "Hiện trạng")
    method = await stage.press(reporter, state, "Chưa được xử lý", "Cách thức phát hiện")
    note = await stage.press(reporter, method, "nhật ký", "Chi tiết cách thức phát hiện")
    notified = await stage.press(reporter, note, "Bỏ qua", "Đã gửi thông báo sự cố cho")
    beyond = await stage.press(reporter, notified, "Chưa thông báo", "vượt khả năng xử lý")
    support = await stage.press(reporter, beyond, "Không", "Đề xuất hỗ trợ?")
    await stage.press(reporter, support, "Có", "Nội dung đề xuất hỗ trợ")
    secret = await stage.say(reporter, "Đề nghị hỗ trợ phân tích mã độc và khôi phục dữ liệu.",
                             "giữ bí mật")
    more = await stage.press(reporter, secret, "Không", "Thêm chi tiết")
    await stage.press(reporter, more, "Bỏ qua", "Tệp đính kèm")
    got = await stage.photo(reporter, screenshot(), "Màn hình máy chủ bị mã hóa", "Đã nhận 1 tệp")
    summary = await stage.press(reporter, got, "Xong", "kiểm tra trước khi gửi")
    sent = await stage.press(reporter, summary, "Gửi", "Đã gửi báo cáo sự cố")
    await stage.settle()
    match = re.search(r"SC-\d{4}-\d{3}", sent.plain_text or "")
    if match is None:
        raise DemoFailed(f"no incident code in “{sent.plain_text}”")
    return match.group(0)


async def handle(stage: Stage, responder: Actor, lead: Actor, code: str) -> None:
    """«Tiếp nhận», «Bắt đầu xử lý», «Đã khắc phục» with the closing report, and the lead's
    «Kết thúc ứng phó»."""
    await stage.at("17:24")
    await stage.tap(responder, stage.last_with(responder, "Tiếp nhận"), "Tiếp nhận")
    await stage.settle()
    await stage.at("17:31")
    await stage.say(responder, f"/incident {code}", "Diễn biến")
    await stage.press(responder, stage.last_with(responder, "Bắt đầu xử lý"), "Bắt đầu xử lý",
                      "“Đang xử lý”")
    await stage.settle()
    await stage.at("19:40")
    await stage.say(responder, f"/incident {code}", "Diễn biến")
    await stage.press(responder, stage.last_with(responder, "Đã khắc phục"), "Đã khắc phục",
                      "(1/5)")
    await stage.say(responder, "17:05 máy chủ HIS bị mã hóa; 17:35 cô lập khỏi mạng; 18:10 "
                               "xác định mã độc LockBit 3.0.", "(2/5)")
    await stage.say(responder, "Tài khoản VPN của nhà thầu bị lộ mật khẩu, không có xác thực "
                               "hai lớp.", "(3/5)")
    await stage.say(responder, "Hệ thống khám, chữa bệnh ngừng 2 giờ 35 phút; không mất dữ "
                               "liệu bệnh án.", "(4/5)")
    last = await stage.say(responder, "Khôi phục từ bản sao lưu ngày 29/11, đổi toàn bộ mật khẩu, "
                                      "bật xác thực hai lớp cho VPN.", "(5/5)")
    summary = await stage.press(responder, last, "Bỏ qua", "Bấm “Gửi”")
    await stage.press(responder, summary, "Gửi", "“Đã khắc phục”")
    await stage.settle()
    await stage.at("20:00")
    await stage.say(lead, f"/incident {code}", "Diễn biến")
    confirm = await stage.press(lead, stage.last_with(lead, "Kết thúc ứng phó"),
                                "Kết thúc ứng phó", "Xác nhận")
    await stage.press(lead, confirm, "✅ Xác nhận", "“Đã kết thúc ứng phó”")
    await stage.settle()


async def play(stage: Stage) -> None:
    log = stage.log
    admin, lead = stage.people["P001"], stage.people["P003"]
    on_duty = stage.people["P008"]  # by the example's rotation, on duty on 30/11 from 07:30
    responder = Actor(on_duty.user_id, on_duty.name, label("demo_role_on_duty"), on_duty.agency)
    reporter = _liaison(stage, REPORTER_AGENCY)
    silent = [_liaison(stage, code) for code in SILENT]
    for actor in (admin, reporter, *silent, responder, lead):
        log.featured[actor.user_id] = actor

    log.scene("demo_scene_broadcast")
    status = await broadcast(stage, admin)
    log.scene("demo_scene_delivered")
    await board(stage, status, lambda text: "đang gửi" not in text)
    log.scene("demo_scene_acks")
    await acknowledgements(stage, reporter, silent)
    acked = f"đã xác nhận {len(stage.agencies) - len(silent)}/"
    await board(stage, status, lambda text: acked in text)
    log.scene("demo_scene_reminder")
    await stage.at("16:45")
    log.scene("demo_scene_deadline")
    await stage.at("17:00")
    await board(stage, status, lambda text: "Đang đôn đốc" in text)
    digest = stage.last_with(responder, "Tôi sẽ liên hệ")
    await stage.tap(responder, digest, "Tôi sẽ liên hệ tất cả")
    await stage.settle()
    log.scene("demo_scene_late_acks")
    await stage.at("17:06")
    await stage.tap(silent[0], stage.last_with(silent[0], "Đã nhận văn bản"), "Đã nhận văn bản")
    await stage.settle()
    await stage.at("17:09")
    await stage.tap(silent[1], stage.last_with(silent[1], "Đã nhận văn bản"), "Đã nhận văn bản")
    await stage.settle()
    log.scene("demo_scene_report")
    await stage.at("17:20")
    code = await incident(stage, reporter)
    log.scene("demo_scene_handled", code=code)
    await handle(stage, responder, lead, code)
    log.scene("demo_scene_figures")
    await figures(stage, code)


async def _rounds(stage: Stage, directive: int) -> int:
    """Steps of the directive's escalation that fired (a reminder, a digest ...), each
    counted once however many late agencies it covered; skipped ones are not."""
    fired: dict[int, int] = {}
    async with stage.services.db.reader.execute(
            "SELECT done, skipped FROM escalations WHERE subject_kind = 'directive_ack' AND "
            "subject_id = ?", (directive,)) as cur:
        for done, skipped in await cur.fetchall():
            skips = json.loads(skipped) or []
            for step, count in enumerate(json.loads(done)):
                ran = count - (skips[step] if step < len(skips) else 0)
                fired[step] = max(fired.get(step, 0), ran)
    return sum(fired.values())


async def figures(stage: Stage, code: str) -> None:
    directive = await stage.scalar("SELECT MAX(id) FROM directives")
    q = stage.scalar
    log = stage.log
    log.line(label(
        "demo_fig_directive", number=NUMBER,
        agencies=await q("SELECT COUNT(*) FROM directive_agencies WHERE directive_id = ?",
                         directive),
        sent=await q("SELECT COUNT(*) FROM deliveries WHERE directive_id = ? AND status = 'sent'",
                     directive),
        copies=await q("SELECT COUNT(*) FROM deliveries WHERE directive_id = ?", directive),
        acked=await q("SELECT COUNT(*) FROM acknowledgements WHERE directive_id = ?", directive),
        late=await q("SELECT COUNT(*) FROM acknowledgements WHERE directive_id = ? AND late = 1",
                     directive),
        rounds=await _rounds(stage, directive)))
    incident_id = await q("SELECT id FROM incidents WHERE code = ?", code)
    async with stage.services.db.reader.execute(
            "SELECT kind, MIN(at) FROM incident_events WHERE incident_id = ? GROUP BY kind",
            (incident_id,)) as cur:
        times = {str(kind): datetime.fromtimestamp(int(at), UTC) for kind, at in
                 await cur.fetchall()}
    shown = {k: times[k].astimezone(TZ).strftime("%H:%M") if k in times else "—"
             for k in ("reported", "taken", "started", "resolved", "closed")}
    log.line(label("demo_fig_incident", code=code, **shown))


# --- running it ------------------------------------------------------------------------------

async def main(out: TextIO = sys.stdout) -> int:
    """Play the demo, printing the transcript to `out`; 0 when it ran to the end."""
    started = time.monotonic()
    clock = FakeClock(START)
    with tempfile.TemporaryDirectory(prefix="hoatoc-demo-") as tmp:
        folder = Path(tmp)
        async with FakeTelegram(TOKEN, clock=clock) as fake:
            settings = _DemoSettings(
                bot_token=SecretStr(TOKEN), api_base_url=fake.base_url, database=folder / "hoatoc.db",
                admin_ids=(ADMIN,),
                focal_name=("Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao, "
                            "Công an tỉnh An Giang"),
                focal_hotline="0297 3 829 086", focal_email="pa05.congan@angiang.gov.vn",
                team_name="Đội ứng cứu sự cố an toàn thông tin mạng tỉnh An Giang",
            )
            app = build_application(settings, clock=clock)
            transcript = Transcript(fake, clock, out)
            stage = Stage(fake, clock, app, transcript)
            transcript.line(label("demo_intro"))
            await start_polling(app, poll_timeout=1)
            try:
                async with asyncio.timeout(LIMIT):
                    await seed(stage, folder)
                    await play(stage)
                transcript.flush()
            except (DemoFailed, TimeoutError) as exc:
                transcript.flush()
                why = "\n".join(str(exc).splitlines()[:12]) or "timeout"
                transcript.line(f"\n✗ {label('demo_failed')}: {why}")
                return 1
            finally:
                await stop_polling(app)
    transcript.line(label("demo_done", seconds=f"{time.monotonic() - started:.0f}"))
    return 0


def run() -> None:
    """`python -m bot.demo` (what `make demo` runs)."""
    from bot.logs import setup_logging

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    setup_logging("WARNING", [TOKEN])
    sys.exit(asyncio.run(_until_stopped()))


async def _until_stopped() -> int:
    """`main()`, stopped cleanly by Ctrl+C or `kill` (SIGTERM): its `finally` blocks run (the
    fake server closed, the temporary folder deleted), one clear line, 128 + the signal."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    stopped: list[signal.Signals] = []

    def stop(signum: signal.Signals) -> None:
        if not stopped:
            stopped.append(signum)
            task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop, signum)
    try:
        result = await main()
    except asyncio.CancelledError:
        if not stopped:
            raise
        result = 0
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    # A cancel that landed in code swallowing it (a library's shutdown) lets `main` finish:
    # stopped is still stopped, and says so.
    if stopped:
        print(f"\n✗ {label('adv3_demo_interrupted', signal=stopped[0].name)}", flush=True)
        return 128 + int(stopped[0])
    return result


if __name__ == "__main__":
    run()
