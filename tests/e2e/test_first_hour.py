"""The first hour of a new operator (issue 10, items 13-16): the real CLI as a subprocess
against the fake Telegram on 127.0.0.1, and what a stranger and a responder read in chat."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from tests.conftest import PROVINCE
from tests.e2e.conftest import Harness
from tests.e2e.test_process import TOKEN, TOKEN_SECRET_PART, clean_env, hoatoc


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def run_bot_until(tmp: Path, env: dict[str, str], fake: FakeTelegram,
                        scenario: object) -> str:
    """`hoatoc run` in its own process while `scenario()` runs; returns everything it logged."""
    log_path = tmp / "bot.log"
    with log_path.open("w") as log_file:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp, env=env,
                                stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            await fake.wait_for_long_poll(timeout=120)
            await scenario()  # type: ignore[operator]
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                await asyncio.to_thread(proc.wait, 30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return log_path.read_text()


async def test_no_super_admin_warns_once_and_a_stranger_learns_their_user_id(
        tmp_path: Path) -> None:
    async with FakeTelegram(TOKEN) as fake:
        fake.add_user(424242, "Lan", "Nguyễn")
        env = clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=fake.base_url)

        async def scenario() -> None:
            fake.send_text(424242, "/start")
            reply = await fake.wait_for_message(424242, timeout=30)
            text = reply.plain_text or ""
            # The id a new operator puts in HOATOC_ADMIN_IDS, and how everyone else joins.
            assert "424242" in text, text
            assert "chưa được đăng ký" in text and "đường dẫn mời" in text
            assert "quản trị viên" in text
            assert "<code>424242</code>" in (reply.text or "")

        logs = await run_bot_until(tmp_path, env, fake, scenario)
    warnings = [line for line in logs.splitlines() if "HOATOC_ADMIN_IDS" in line]
    assert len(warnings) == 1, logs
    assert "WARNING" in warnings[0] and "no super-admin" in warnings[0]
    assert "/start" in warnings[0]  # says what to do
    # INFO is for what happened to people: APScheduler's job bookkeeping stays at DEBUG.
    assert "apscheduler" not in logs and "Added job" not in logs, logs
    assert "httpx" not in logs and TOKEN_SECRET_PART not in logs


async def test_a_configured_super_admin_gets_no_warning(tmp_path: Path) -> None:
    async with FakeTelegram(TOKEN) as fake:
        fake.add_user(9001, "Quản trị")
        env = clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=fake.base_url,
                        HOATOC_ADMIN_IDS="9001")

        async def scenario() -> None:
            fake.send_text(9001, "/start")
            await fake.wait_for_message(9001, timeout=30)

        logs = await run_bot_until(tmp_path, env, fake, scenario)
    assert "HOATOC_ADMIN_IDS" not in logs, logs
    assert "Hỏa Tốc started" in logs


def test_unreachable_bot_api_is_one_line_naming_both_settings(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    env = clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=url,
                    HOATOC_ADMIN_IDS="9001")
    result = hoatoc("run", env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    [line] = lines
    assert url in line and "HOATOC_API_BASE_URL" in line and "HOATOC_PROXY_URL" in line, line
    assert "refused" in line or "connect" in line.lower()
    assert "Traceback" not in result.stdout + result.stderr
    assert TOKEN_SECRET_PART not in result.stdout + result.stderr
    # Nothing was written: the database is not even created for a bot that cannot start.
    assert not (tmp_path / "data" / "hoatoc.db").exists()


def test_unreachable_proxy_is_one_line_naming_it(tmp_path: Path) -> None:
    proxy = f"http://user:hunter2@127.0.0.1:{closed_port()}"
    env = clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_ADMIN_IDS="9001",
                    HOATOC_API_BASE_URL="http://127.0.0.1:9", HOATOC_PROXY_URL=proxy)
    result = hoatoc("run", env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "HOATOC_PROXY_URL" in line and "via the proxy http://***@127.0.0.1" in line, line
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


async def test_rejected_token_is_one_line_without_traceback(tmp_path: Path) -> None:
    async with FakeTelegram("7000000001:AAOtherTokenTheServerAcceptsXXXXX") as fake:
        env = clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=fake.base_url,
                        HOATOC_ADMIN_IDS="9001")
        result = await asyncio.to_thread(hoatoc, "run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "Telegram rejected HOATOC_BOT_TOKEN" in line and "@BotFather" in line
    assert "Traceback" not in result.stderr and TOKEN_SECRET_PART not in result.stderr


async def test_info_logs_say_what_happened_to_people(harness: Harness, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    from tests.e2e.test_escalation import S, broadcast, set_rotation, start, step

    h = harness
    caplog.set_level(logging.INFO, logger="bot")  # our own loggers, as `hoatoc run` has them
    await start(h, tmp_path)  # the province imported, 101-104 joined through invites
    assert re.search(r"invite INV-\d+ used by Lan Nguyễn \(Telegram user 101\): liaison "
                     r"\(primary\) of CAT", caplog.text), caplog.text
    assert re.search(r"invite INV-\d+ used by Khách Nguyễn \(Telegram user 104\): responder "
                     r"\(lead\)", caplog.text), caplog.text
    await set_rotation(h, 103)
    directive = await broadcast(h, "CAT", "TT_CNTT")
    assert (f"directive {directive.number} (hoa_toc) sent to 2 people of 2 agencies; "
            "nobody on the bot for 1 agency: TT_CNTT") in caplog.text, caplog.text
    await h.services.sender.drained()
    await step(h, 0 * S)  # TT_CNTT: nobody to reach; paged at sending, not an escalation step
    await step(h, 50 * S)  # the reminder to CAT's liaisons
    assert re.search(rf"escalation step fired for directive {re.escape(directive.number)} "
                     r"\(acknowledgement\): step 1/3 \(agency_liaisons\) for 2 agencies "
                     r"\(Công an tỉnh, Trung tâm [^)]*\); 2 messages queued", caplog.text), caplog.text
    # Never the token, never an invite token, never a request URL.
    assert "bot7000000001" not in caplog.text and "start=" not in caplog.text


# pydantic's and PyYAML's own phrases: the operator reads plain words instead.
RAW_LIBRARY_WORDS = ("Input should", "Field required", "String should", "Extra inputs",
                     "validation error", "pydantic", "type=", "mapping values are not allowed",
                     "Value error", "List should", "Traceback")


def test_import_reports_every_error_of_a_file_at_once_in_plain_words(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    assert hoatoc("import", str(PROVINCE), env=env, cwd=tmp_path).returncode == 0
    bad = tmp_path / "tinh.yaml"
    bad.write_text("""\
agencies:
  - {code: XA_MOI, name: UBND xã Mới, kind: village}
  - {code: XA_HAI, kind: committee}
groups:
  - {code: G_MOI, name: Nhóm mới, agencies: [XA_MOI, KHONG_CO]}
people:
  - {code: P100, full_name: Trần Văn Một, phone: "12345", roles: [liaison], agency: CAT}
  - {code: P101, full_name: Lê Thị Hai, roles: [chief], agency: CAT, nickname: Hai}
  - {code: P102, full_name: Phạm Văn Ba, roles: [liaison], agency: KHONG_CO}
  - {code: P103, full_name: "", roles: [responder], telegram_id: abc}
duty:
  rotation: {people: [P003, P001, P999], shift: 24h, handover: "07:30", start: 2026-11-01}
""", encoding="utf-8")
    result = hoatoc("import", str(bad), env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    err = result.stderr
    assert f"{bad}: rejected, nothing was written." in err
    expected = [
        # format
        "agencies[1] (XA_MOI).kind: 'village' is not one of: department, committee, telecom, "
        "centre, other",
        "agencies[2] (XA_HAI).name: missing (required)",
        "people[1] (P100).phone: '12345' is not a valid Vietnamese phone number",
        "people[2] (P101).roles: 'chief' is not one of: admin, liaison, responder",
        "people[2] (P101).nickname: unknown field (the fields are:",
        "people[4] (P103).full_name: empty",
        "people[4] (P103).telegram_id: 'abc' is not a whole number",
        # references (checked against the file and the database)
        "groups[1] (G_MOI).agencies: no agency with code 'KHONG_CO' in the file or database",
        "people[3] (P102).agency: no agency with code 'KHONG_CO' in the file or database",
        # roles in the duty rotation
        "duty.rotation.people[2]: Bùi Văn Sơn (P001) is not a responder",
        "duty.rotation.people[3]: no person with code 'P999' in the file or database",
    ]
    for line in expected:
        assert line in err, f"{line!r} not in:\n{err}"
    assert f"{len(expected)} error(s)" in err, err
    for raw in RAW_LIBRARY_WORDS:
        assert raw not in err, (raw, err)


def test_import_yaml_syntax_error_in_plain_words(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("agencies:\n  - code: A1\n    name: Sở: Một\n", encoding="utf-8")
    result = hoatoc("import", str(bad), env=clean_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{bad}: not valid YAML at line 3, column 13:" in result.stderr, result.stderr
    assert "put the value in quotes" in result.stderr
    for raw in RAW_LIBRARY_WORDS:
        assert raw not in result.stderr, (raw, result.stderr)


def test_reimport_prints_the_duty_section_too(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    first = hoatoc("import", str(PROVINCE), env=env, cwd=tmp_path)
    assert "duty: rotation of 8 responders set, 0 override(s) added" in first.stdout, first.stdout
    second = hoatoc("import", str(PROVINCE), env=env, cwd=tmp_path)
    assert second.returncode == 0
    assert "duty: rotation of 8 responders unchanged, 0 override(s) added" in second.stdout, (
        second.stdout)


def test_check_lists_every_setting_and_warns_on_hotline_and_roster(tmp_path: Path) -> None:
    from config.settings import Settings

    env = clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_ADMIN_IDS="9001",
                    HOATOC_PROXY_URL="socks5://user:hunter2@127.0.0.1:1080")
    before = hoatoc("check", env=env, cwd=tmp_path)  # no database yet: nothing to say of it
    assert before.returncode == 0, before.stdout + before.stderr
    for name in Settings.model_fields:
        assert f"HOATOC_{name.upper()} " in before.stdout, (name, before.stdout)
    assert re.search(r"HOATOC_FOCAL_HOTLINE +\(unset\)\n", before.stdout), before.stdout
    assert re.search(r"HOATOC_FOCAL_EMAIL +\(unset\)\n", before.stdout)
    assert re.search(r"HOATOC_BOT_TOKEN +set \(hidden\)\n", before.stdout)
    assert "hunter2" not in before.stdout and TOKEN_SECRET_PART not in before.stdout
    assert "! HOATOC_FOCAL_HOTLINE: empty" in before.stdout
    assert "Configuration: OK (1 warning)" in before.stdout, before.stdout

    assert hoatoc("import", str(PROVINCE), env=env, cwd=tmp_path).returncode == 0
    after = hoatoc("check", env={**env, "HOATOC_FOCAL_HOTLINE": "0296 3 852 000"}, cwd=tmp_path)
    assert after.returncode == 0, after.stdout
    assert re.search(r"HOATOC_FOCAL_HOTLINE +0296 3 852 000\n", after.stdout)
    assert "HOATOC_FOCAL_HOTLINE: empty" not in after.stdout
    # The example province's rotation: eight responders, none of whom has joined the bot yet.
    assert ("! duty rotation: 8 of 8 people are not on the bot (during their shifts the on-duty "
            "alerts go to the team lead and the admins instead): ") in after.stdout, after.stdout
    assert "Invite them (/invite person CODE)" in after.stdout
    assert "Đoàn Hoàng Hải (P003): has not joined" in after.stdout
    assert "Configuration: OK (1 warning)" in after.stdout


async def test_duty_says_who_cannot_be_reached_and_who_gets_the_alerts(
        harness: Harness, tmp_path: Path) -> None:
    from datetime import timedelta

    from bot.clock import to_epoch
    from bot.domain.roster import Rotation
    from bot.storage.duty import DutyRepository
    from bot.storage.people import PeopleRepository
    from tests.e2e.test_escalation import set_rotation, start

    h = harness
    await start(h, tmp_path)  # 103 a responder, 104 the lead (Khách Nguyễn), both joined
    people = PeopleRepository(h.services.db.reader)
    imported = await people.by_code("P005")  # in the rotation of the file, never joined
    assert imported is not None and imported.chat_id is None
    async with h.services.db.transaction() as conn:
        await DutyRepository(conn).set_rotation(
            Rotation((imported.id,), timedelta(days=1), h.clock.now() - timedelta(hours=1)), 0)
    view = await h.say(101, "/duty")
    text = view.plain_text or ""
    assert "Đang trực: Kha Hoàng Khoa" in text, text
    assert ("⚠️ Kha Hoàng Khoa chưa tham gia bot nên không nhận được thông báo qua Telegram. "
            "Thông báo đôn đốc sẽ được gửi Đội trưởng (Khách Nguyễn) và quản trị viên; đề nghị "
            "gọi điện trực tiếp cho người đang trực.") in text, text

    # 103 on duty beside them (two overrides): the alerts go to 103 only.
    p103 = await people.by_telegram_id(103)
    assert p103 is not None
    async with h.services.db.transaction() as conn:
        for person_id in (imported.id, p103.id):
            await DutyRepository(conn).add_override(
                person_id, h.clock.now() - timedelta(minutes=5),
                h.clock.now() + timedelta(hours=3), None, to_epoch(h.clock.now()))
    both = (await h.say(101, "/duty")).plain_text or ""
    assert ("⚠️ Kha Hoàng Khoa chưa tham gia bot nên không nhận được thông báo qua Telegram. "
            "Thông báo đôn đốc chỉ gửi Hùng Nguyễn.") in both, both

    # 103 alone on duty, and 103 has blocked the bot.
    await set_rotation(h, 103)
    async with h.services.db.transaction() as conn:
        await conn.execute("DELETE FROM duty_overrides")
    await h.services.onboarding.mark_unreachable(103, "Forbidden: bot was blocked by the user")
    blocked = (await h.say(101, "/duty")).plain_text or ""
    assert "Đang trực: Hùng Nguyễn" in blocked
    assert ("⚠️ Hùng Nguyễn đã chặn bot hoặc không nhận được tin nhắn nên không nhận được "
            "thông báo qua Telegram. Thông báo đôn đốc sẽ được gửi Đội trưởng (Khách Nguyễn) và "
            "quản trị viên") in blocked, blocked
    # Someone reachable on duty: no warning at all.
    await set_rotation(h, 104)
    fine = (await h.say(101, "/duty")).plain_text or ""
    assert "⚠️" not in fine and "Đang trực: Khách Nguyễn" in fine
