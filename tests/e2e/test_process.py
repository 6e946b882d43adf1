"""The real entry points as separate processes: `make run`, `hoatoc check`, `hoatoc import`."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from tests.conftest import PROVINCE, ROOT

# Recognisable, so any leak into the logs is found by a plain substring search.
TOKEN = "7000000001:AAHLeakCanaryTokenMustNeverBeLogged42"
TOKEN_SECRET_PART = TOKEN.split(":")[1]


def clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOATOC_")}
    env.update({"HOATOC_DATABASE": str(tmp / "data" / "hoatoc.db"), "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def hoatoc(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False)


def test_make_run_without_token_explains_how_to_get_one(tmp_path: Path) -> None:
    result = subprocess.run(["make", "-s", "run"], cwd=ROOT, env=clean_env(tmp_path),
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode != 0
    assert "HOATOC_BOT_TOKEN" in result.stderr
    assert "@BotFather" in result.stderr and "/newbot" in result.stderr


async def test_make_run_with_token_answers_start_and_never_logs_secrets(tmp_path: Path) -> None:
    async with FakeTelegram(TOKEN) as fake:
        fake.add_user(9001, "Quản trị")
        fake.add_user(101, "Lan")
        env = clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=fake.base_url,
                        HOATOC_ADMIN_IDS="9001", HOATOC_LOG_LEVEL="DEBUG")
        log_path = tmp_path / "bot.log"
        with log_path.open("w") as log_file:
            proc = subprocess.Popen(["make", "-s", "run"], cwd=ROOT, env=env, stdout=log_file,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            try:
                await fake.wait_for_long_poll(timeout=120)
                fake.send_text(101, "/start")
                reply = await fake.wait_for_message(101, timeout=30)
                assert "chưa được đăng ký" in (reply.plain_text or "")
                fake.send_text(9001, "/invite responder")
                link = await fake.wait_for_message(9001, lambda m: "Lời mời" in (m.text or ""),
                                                   timeout=30)
                match = re.search(r"start=([A-Za-z0-9_-]+)", link.plain_text or "")
                assert match
                invite_token = match.group(1)
                before = len(fake.messages_to(101))
                fake.send_text(101, f"/start {invite_token}")
                welcome = await fake.wait_for_message(101, after=before, timeout=30)
                assert "Đội ứng cứu" in (welcome.plain_text or "")
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    await asyncio.to_thread(proc.wait, 30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        logs = log_path.read_text()
    assert "Hỏa Tốc started" in logs, logs[-2000:]
    assert "getUpdates" in logs  # DEBUG logging really ran
    assert TOKEN_SECRET_PART not in logs
    assert invite_token not in logs


async def test_rejected_token_is_reported_without_printing_it(tmp_path: Path) -> None:
    async with FakeTelegram("7000000001:AAOtherTokenTheServerAcceptsXXXXX") as fake:
        env = clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_API_BASE_URL=fake.base_url)
        result = await asyncio.to_thread(hoatoc, "run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "Telegram rejected HOATOC_BOT_TOKEN" in result.stderr
    assert TOKEN_SECRET_PART not in result.stdout + result.stderr


def test_check_reports_every_setting_and_fails_clearly(tmp_path: Path) -> None:
    ok = hoatoc("check", env=clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_ADMIN_IDS="9001"),
                cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Configuration: OK" in ok.stdout and "HOATOC_TIMEZONE" in ok.stdout
    assert TOKEN_SECRET_PART not in ok.stdout + ok.stderr
    # The generic names are fine to start with, and the summary says they are still generic.
    assert re.search(r"HOATOC_FOCAL_NAME +Cơ quan thường trực Đội ứng cứu sự cố "
                     r"\(generic default: set the real name\)", ok.stdout), ok.stdout
    assert re.search(r"HOATOC_TEAM_NAME +Đội ứng cứu sự cố an toàn thông tin mạng tỉnh "
                     r"\(generic default: set the real name\)", ok.stdout), ok.stdout
    named = hoatoc("check", env=clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_ADMIN_IDS="1",
                                          HOATOC_TEAM_NAME="Đội ứng cứu sự cố an ninh mạng tỉnh"),
                   cwd=tmp_path)
    assert named.returncode == 0, named.stdout
    assert re.search(r"HOATOC_TEAM_NAME +Đội ứng cứu sự cố an ninh mạng tỉnh\n", named.stdout)

    bad = hoatoc("check", env=clean_env(tmp_path, HOATOC_ADMIN_IDS="9001,abc"), cwd=tmp_path)
    assert bad.returncode == 2
    assert "HOATOC_ADMIN_IDS: 'abc' is not a Telegram user id" in bad.stdout

    missing = hoatoc("check", env=clean_env(tmp_path), cwd=tmp_path)
    assert missing.returncode == 2
    assert "HOATOC_BOT_TOKEN: missing" in missing.stdout
    # The summary counts the errors it lists, not only the warnings.
    assert re.search(r"Configuration: INVALID \(2 errors, \d+ warnings?\)", missing.stdout), (
        missing.stdout)

    proxied = hoatoc("check", env=clean_env(
        tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_ADMIN_IDS="1",
        HOATOC_PROXY_URL="socks5://user:hunter2@127.0.0.1:1080"), cwd=tmp_path)
    assert proxied.returncode == 0, proxied.stdout
    assert "socks5://***@127.0.0.1:1080" in proxied.stdout and "hunter2" not in proxied.stdout

    (tmp_path / "policy.yaml").write_text("- not: [a mapping")
    policy = hoatoc("check", env=clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_ADMIN_IDS="1",
                                           HOATOC_POLICY_FILE=str(tmp_path / "policy.yaml")),
                    cwd=tmp_path)
    assert policy.returncode == 2 and "HOATOC_POLICY_FILE" in policy.stdout

    memory = hoatoc("check", env=clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_ADMIN_IDS="1",
                                           HOATOC_DATABASE=":memory:"), cwd=tmp_path)
    assert memory.returncode == 2
    assert "HOATOC_DATABASE: an in-memory database cannot be used" in memory.stdout


def test_import_cli_twice_then_bad_file(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    first = hoatoc("import", str(PROVINCE), env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert re.search(r"agencies: \d{3} created", first.stdout)
    second = hoatoc("import", str(PROVINCE), env=env, cwd=tmp_path)
    assert second.returncode == 0
    assert re.findall(r"^\w+: 0 created, 0 updated", second.stdout, re.M) == [
        "agencies: 0 created, 0 updated", "groups: 0 created, 0 updated",
        "people: 0 created, 0 updated"]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,full_name,phone,roles,agency\nP9,Lê Văn Chín,0912 000 999,liaison,CAT\n"
                   "P10,,0912 000 111,liaison,CAT\n", encoding="utf-8")
    rejected = hoatoc("import", str(bad), env=env, cwd=tmp_path)
    assert rejected.returncode == 2
    assert "rejected, nothing was written" in rejected.stderr
    assert "line 3 (P10).full_name" in rejected.stderr


def test_check_and_import_name_the_field_of_numbers_too_large(tmp_path: Path) -> None:
    from config.settings import DEFAULT_POLICY_FILE

    policy = tmp_path / "policy.yaml"
    for text, fragment in [
        (DEFAULT_POLICY_FILE.read_text("utf-8").replace("at: -15m", "at: -99999999999d", 1)
         .encode("utf-8"), "directives.hoa_toc.steps.0.at: '-99999999999d' is too long"),
        (b"directives: {}  # Ch\xednh s\xe1ch (Windows-1252)\n", "not UTF-8 text"),
    ]:
        policy.write_bytes(text)
        check = hoatoc("check", env=clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN,
                                              HOATOC_ADMIN_IDS="1",
                                              HOATOC_POLICY_FILE=str(policy)), cwd=tmp_path)
        assert check.returncode == 2, check.stdout + check.stderr
        assert f"HOATOC_POLICY_FILE: {policy}: {fragment}" in check.stdout
        assert "Traceback" not in check.stderr

    env = clean_env(tmp_path)
    assert hoatoc("import", str(PROVINCE), env=env, cwd=tmp_path).returncode == 0
    duty = tmp_path / "duty.yaml"
    duty.write_text('duty:\n  rotation: {people: [P003], shift: 99999999999d, handover: "07:30",'
                    " start: 2026-11-01}\n", encoding="utf-8")
    rejected = hoatoc("import", str(duty), env=env, cwd=tmp_path)
    assert rejected.returncode == 2, rejected.stderr
    assert "rejected, nothing was written" in rejected.stderr
    assert "duty.rotation.shift: '99999999999d' is too long: at most 366d" in rejected.stderr
    assert "Traceback" not in rejected.stderr


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"]])
def test_console_script_and_module_both_work(args: list[str], tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "hoatoc"
    for command in ([str(script), *args], [sys.executable, "-m", "bot", *args]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                cwd=tmp_path, check=False)
        assert result.returncode == 0 and "usage: hoatoc" in result.stdout


def test_invalid_policy_refused_at_start_up_naming_the_field(tmp_path: Path) -> None:
    from config.settings import DEFAULT_POLICY_FILE

    bad = tmp_path / "policy.yaml"
    bad.write_text(DEFAULT_POLICY_FILE.read_text("utf-8").replace(
        "notify: [on_duty]}", "notify: [oncall]}", 1), "utf-8")
    env = clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_POLICY_FILE=str(bad))
    run = hoatoc("run", env=env, cwd=tmp_path)
    assert run.returncode == 2
    assert "directives.hoa_toc.steps.1.notify.0" in run.stderr and str(bad) in run.stderr
    check = hoatoc("check", env=clean_env(tmp_path, HOATOC_BOT_TOKEN=TOKEN, HOATOC_ADMIN_IDS="1",
                                          HOATOC_POLICY_FILE=str(bad)), cwd=tmp_path)
    assert check.returncode == 2 and "directives.hoa_toc.steps.1.notify.0" in check.stdout
