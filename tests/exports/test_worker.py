"""The export's worker process: its job survives the trip as JSON; a failure is an exception
(the admin is told), never an empty file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.exports.worker import Job, in_worker_process


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
