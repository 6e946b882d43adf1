"""The export's worker process: its job survives the trip as JSON; a failure is an exception
(the admin is told), never an empty file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.exports.worker import Job, in_worker_process, worker_env


def test_a_job_round_trips_through_json() -> None:
    job = Job(Path("/x/hoatoc.db"), "Asia/Ho_Chi_Minh", True, None,
              datetime(2026, 10, 31, 17, tzinfo=UTC), datetime(2026, 11, 30, 17, tzinfo=UTC))
    assert Job.from_json(job.to_json()) == job
    one = Job(Path("db"), "Asia/Ho_Chi_Minh", False, directive_id=7)
    assert Job.from_json(one.to_json()) == one


async def test_a_worker_that_fails_raises(tmp_path: Path) -> None:
    missing = Job(tmp_path / "no-such.db", "Asia/Ho_Chi_Minh", False, directive_id=1)
    with pytest.raises(RuntimeError, match="export worker exited with 1"):
        await in_worker_process(missing)


def test_the_worker_is_not_given_the_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """It reads the database and writes a file: it has no use for the token (defence in depth:
    a crash dump or a /proc read of the worker shows none)."""
    monkeypatch.setenv("HOATOC_BOT_TOKEN", "123456:secret-token")
    monkeypatch.setenv("HOATOC_TIMEZONE", "Asia/Ho_Chi_Minh")
    env = worker_env()
    assert "HOATOC_BOT_TOKEN" not in env
    assert env["HOATOC_TIMEZONE"] == "Asia/Ho_Chi_Minh"
    assert "PYTHONPATH" in env


async def test_a_worker_past_its_time_is_killed_and_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 300 s limit (here 1 s): a worker stuck on its read (a FIFO for a database: its
    open never returns) is killed and reaped, its temporary folder removed, and the caller
    gets TimeoutError (the admin is told) — no process, no file left behind."""
    import asyncio
    import os
    import tempfile

    import bot.exports.worker as worker

    stuck = tmp_path / "stuck.db"
    os.mkfifo(stuck)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(worker, "WITHIN", 1.0)
    started: list[asyncio.subprocess.Process] = []
    real = asyncio.create_subprocess_exec

    async def spy(*args: object, **kwargs: object) -> asyncio.subprocess.Process:
        proc = await real(*args, **kwargs)  # type: ignore[arg-type]
        started.append(proc)
        return proc

    monkeypatch.setattr(asyncio, "create_subprocess_exec", spy)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(
            in_worker_process(Job(stuck, "Asia/Ho_Chi_Minh", False, directive_id=1)), 30)
    [proc] = started
    assert proc.returncode is not None, "killed and reaped"
    with pytest.raises(ProcessLookupError):
        os.kill(proc.pid, 0)
    assert list(scratch.iterdir()) == [], "no temporary folder left"
