"""Where the export file is made: a short-lived process of its own (`python -m
bot.exports.worker`), started for one export and waited for.

Measured (bench/export.py, 10,000 rows, 2 cores): openpyxl's pure-Python XML writing in a
thread of the bot's process held the GIL for seconds, and ✅ taps answered meanwhile went from
a p95 of 0.3 s to 2.5 s. In a process of its own the bot's event loop keeps its interpreter.
A plain child process rather than multiprocessing's "spawn": that one re-imports the bot's
whole `__main__` (PTB, the app) in the child, costing memory and start-up time; this one
imports only what the file needs. The worker reads the database read-only in one snapshot
(bot.storage.exports), writes the file, and prints the row counts as JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import from_epoch, to_epoch

if TYPE_CHECKING:
    from bot.exports.oversight import Built

ROOT = Path(__file__).resolve().parents[2]
WITHIN = 300.0  # seconds: a worker still running then is killed and the admin told


@dataclass(frozen=True)
class Job:
    path: Path
    tz: str
    csv: bool
    directive_id: int | None = None  # one directive, or the period [start, end)
    start: datetime | None = None
    end: datetime | None = None
    # The incident form's category labels by key: the sheet names a category as the form does.
    categories: dict[str, str] = field(default_factory=dict)
    at: datetime | None = None  # when the export is made: who is late so far

    def to_json(self) -> str:
        return json.dumps({
            "path": str(self.path), "tz": self.tz, "csv": self.csv,
            "directive_id": self.directive_id,
            "start": to_epoch(self.start) if self.start else None,
            "end": to_epoch(self.end) if self.end else None,
            "categories": self.categories,
            "at": to_epoch(self.at) if self.at else None})

    @classmethod
    def from_json(cls, text: str) -> Job:
        d = json.loads(text)
        return cls(Path(d["path"]), d["tz"], bool(d["csv"]), d["directive_id"],
                   from_epoch(d["start"]) if d["start"] is not None else None,
                   from_epoch(d["end"]) if d["end"] is not None else None,
                   dict(d.get("categories") or {}),
                   from_epoch(d["at"]) if d.get("at") is not None else None)


def produce(job: Job) -> Built:
    """Gather (one snapshot) and build: what the worker process runs (or a test's thread)."""
    from bot.exports.oversight import build  # here: see the end of the module
    from bot.storage.exports import gather

    data = asyncio.run(gather(job.path, directive_id=job.directive_id, start=job.start,
                              end=job.end))
    return build(data, ZoneInfo(job.tz), csv=job.csv, categories=job.categories,
                 at=job.at)


def worker_env() -> dict[str, str]:
    """The bot's environment without its token (the worker only reads the database), with
    the project on the path."""
    env = {k: v for k, v in os.environ.items() if k != "HOATOC_BOT_TOKEN"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


async def in_worker_process(job: Job) -> Built:
    """`produce` in a child process; killed if it outlives WITHIN or the caller is cancelled."""
    env = worker_env()
    with tempfile.TemporaryDirectory(prefix="hoatoc-export-") as tmp:
        out = Path(tmp) / "file"
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.exports.worker", str(out), env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        try:
            stdout, stderr = await asyncio.wait_for(proc.communicate(job.to_json().encode()),
                                                    WITHIN)
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        if proc.returncode != 0:
            tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"the export worker exited with {proc.returncode}: {tail}")
        from bot.exports.oversight import Built

        return Built(out.read_bytes(), json.loads(stdout))


def main() -> None:
    # Below the bot in the CPU queue: on a busy two-core machine the taps come first.
    with contextlib.suppress(OSError):
        os.nice(10)
    built = produce(Job.from_json(sys.stdin.read()))
    Path(sys.argv[1]).write_bytes(built.content)
    print(json.dumps(built.counts, ensure_ascii=False))


if __name__ == "__main__":
    # openpyxl imports numpy when it can (to write numpy numbers, which this file never has):
    # ~25 MB of the worker's memory for nothing. Only here, in the worker's own process.
    sys.modules["numpy"] = None  # type: ignore[assignment]
    main()
