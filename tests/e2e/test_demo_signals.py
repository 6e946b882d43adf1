"""`make demo` stopped midway (Ctrl+C, `kill`): a clear last line, a non-zero exit code, and
nothing left behind (no process, no temporary folder)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.texts import label
from tests.conftest import ROOT


@pytest.mark.timeout(90)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_demo_stopped_midway_says_so_and_leaves_nothing(
        tmp_path: Path, signum: signal.Signals) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "bot.demo"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            encoding="utf-8")
    try:
        assert proc.stdout is not None
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until the demo is under way
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if label("demo_scene_broadcast") in line:
                break
        assert any(label("demo_scene_broadcast") in s for s in seen), "".join(seen)[-2000:]
        assert list(temp.glob("hoatoc-demo-*")), "the demo's folder exists while it runs"
        proc.send_signal(signum)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode not in (0, None)
    assert "Traceback" not in rest, rest[-3000:]
    last = [s for s in rest.splitlines() if s.strip()][-1]
    assert label("adv3_demo_interrupted", signal=signum.name) in last, rest[-1000:]
    assert list(temp.iterdir()) == []  # the database's folder is gone
