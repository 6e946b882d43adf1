"""The bot token and invite tokens stay secret: not in a log line (DEBUG, with errors), not in
the database (invites stored hashed), not in any message but the one link to the admin, not
in an exception's text, not in `hoatoc check` or a failed `hoatoc run`."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram.error import TelegramError

from bot.domain.invites import hash_token
from bot.logs import REDACTED, setup_logging
from tests.conftest import ROOT
from tests.e2e.conftest import TOKEN, Harness
from tests.e2e.test_onboarding import LINK
from tests.security.conftest import ADMIN, LIAISON_A, World, build_world

SECRET = TOKEN.split(":", 1)[1]  # the part after the bot id is what grants control


@pytest.fixture
def operator_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """What an operator reads: the bot's own logging set-up, at DEBUG, into a buffer."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level,
             {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "apscheduler")})
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    setup_logging("DEBUG", [TOKEN])
    try:
        yield out
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


async def _everything_stored(h: Harness) -> str:
    """Every value of every table, as text."""
    db = h.services.db.reader
    async with db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
        names = [r[0] for r in await cur.fetchall()]
    values: list[str] = []
    for name in names:
        async with db.execute(f"SELECT * FROM {name}") as cur:
            values += [str(v) for row in await cur.fetchall() for v in tuple(row)]
    return "\n".join(values)


async def test_tokens_never_logged_stored_or_shown(
        harness: Harness, tmp_path: Path, operator_log: io.StringIO,
        monkeypatch: pytest.MonkeyPatch) -> None:
    h = harness
    w: World = await build_world(h, tmp_path)
    # Telegram says the token is wrong (401), then is unreachable (502), while a person waits.
    for status in (401, 502):
        h.fake.fail_next("sendMessage", status)
        h.fake.send_text(LIAISON_A, "/help")
        await h.fake.wait_for_call("sendMessage", lambda c, s=status: c.status == s)
    # A handler fails with an error whose text carries a Bot API URL (as HTTP libraries do).
    url = f"{h.fake.base_url}/bot{TOKEN}/sendMessage"

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"request to {url} failed")

    monkeypatch.setattr(h.services.onboarding, "ensure_super_admin", broken)
    failed = await h.say(ADMIN, "/start")
    assert "Có lỗi" in (failed.plain_text or "")
    await h.say(LIAISON_A, "/help")  # the bot goes on
    # Exceptions' own text: a 401 and an unreachable server.
    h.fake.fail_next("getMe", 401)
    assert h.app is not None
    with pytest.raises(TelegramError) as refused:
        await h.app.bot.get_me()
    closed = h.settings(api_base_url="http://127.0.0.1:9")  # discard port: nothing listens
    from bot.app import reach_bot_api

    with pytest.raises(TelegramError) as unreachable:
        await reach_bot_api(closed)
    for exc in (refused.value, unreachable.value):
        assert SECRET not in f"{exc} {exc!r} {exc.message}"
    await h.services.sender.drained()

    log = operator_log.getvalue()
    assert "DEBUG" in log and "request to" in log  # the capture did see the run and the error
    assert REDACTED in log  # ... and tokens went by in it
    invites = [m for m in h.fake.messages_to(ADMIN) if LINK.search(m.text or "")]
    tokens = [LINK.search(m.text or "").group(1) for m in invites]  # type: ignore[union-attr]
    assert len(tokens) == 3 and len(set(tokens)) == 3
    stored = await _everything_stored(h)
    assert SECRET not in log and SECRET not in stored
    assert all(hash_token(tok) in stored for tok in tokens)  # kept only as their hash
    for tok in tokens:
        assert tok not in log, "an invite token in the log"
        assert tok not in stored, "an invite token in the database"
        carrying = [m for m in h.fake.sent_messages if tok in (m.text or "") or any(
            tok in str(e) for e in m.edits)]
        assert [m.chat_id for m in carrying] == [ADMIN], "an invite token shown elsewhere"
    assert not [m for m in h.fake.sent_messages if SECRET in (m.text or "")]
    assert not [a for a in h.fake._callback_answers.values() if SECRET in str(a)]
    assert w.directive.id


async def _cli(*args: str, **env: str) -> tuple[int, str]:
    """`python -m bot ARGS` (its exit code and everything it printed); the fake Telegram is
    served by this loop meanwhile, so the process runs beside it, bounded in time."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOATOC_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env={**clean, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def test_check_and_a_refused_start_never_print_the_token(harness: Harness,
                                                               tmp_path: Path) -> None:
    h = harness
    base = {"HOATOC_DATABASE": str(tmp_path / "hoatoc.db"), "HOATOC_ADMIN_IDS": "9001",
            "HOATOC_API_BASE_URL": h.fake.base_url, "HOATOC_LOG_LEVEL": "DEBUG"}
    check = await _cli("check", HOATOC_BOT_TOKEN=TOKEN, **base)
    assert check[0] == 0, check[1]
    wrong = "7000000002:" + SECRET[::-1]  # Telegram answers 401
    refused = await _cli("run", HOATOC_BOT_TOKEN=wrong, **base)
    assert refused[0] != 0 and "401" in refused[1], refused[1]
    unreachable = await _cli("run", HOATOC_BOT_TOKEN=TOKEN,
                             **{**base, "HOATOC_API_BASE_URL": "http://127.0.0.1:9"})
    assert unreachable[0] != 0 and "Cannot reach" in unreachable[1], unreachable[1]
    for (_, printed), token in ((check, TOKEN), (refused, wrong), (unreachable, TOKEN)):
        assert token.split(":", 1)[1] not in printed, printed
        assert not re.search(r"bot\d+:[A-Za-z0-9_-]{20,}", printed), printed


async def test_a_server_answering_getme_out_of_shape_is_one_line_not_a_traceback(
        harness: Harness, tmp_path: Path) -> None:
    """Pointed at another Bot API implementation (telegram-test-api, whose getMe has no
    `is_bot`), `hoatoc run` died with PTB's TypeError traceback: the start-up check promises
    one line naming the address and the setting to look at, not a traceback."""
    h = harness
    h.fake.garble_next("getMe", "not_a_list")  # 200, ok: true, a result of another shape
    code, printed = await _cli(
        "run", HOATOC_BOT_TOKEN=TOKEN, HOATOC_DATABASE=str(tmp_path / "hoatoc.db"),
        HOATOC_ADMIN_IDS="9001", HOATOC_API_BASE_URL=h.fake.base_url)
    assert code != 0, printed
    assert "Traceback" not in printed, printed
    assert h.fake.base_url in printed and "HOATOC_API_BASE_URL" in printed, printed
    assert "answered getMe, but not as the Bot API does" in printed, printed
    assert SECRET not in printed, printed
