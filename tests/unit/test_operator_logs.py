"""What the operator's log shows at each level: APScheduler's per-run lines only at DEBUG."""

from __future__ import annotations

import logging

import pytest

from bot.logs import setup_logging


@pytest.mark.parametrize(("level", "shown"), [("INFO", False), ("WARNING", False),
                                              ("DEBUG", True)])
def test_apscheduler_job_lines_only_at_debug(level: str, shown: bool) -> None:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    try:
        setup_logging(level)
        # "Running job ..." and "Job ... executed successfully" are logged at INFO by these.
        for name in ("apscheduler.executors.default", "apscheduler.scheduler"):
            assert logging.getLogger(name).isEnabledFor(logging.INFO) is shown
        assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
        assert logging.getLogger("bot.services.broadcast").isEnabledFor(logging.INFO) is (
            level != "WARNING")
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        logging.getLogger("apscheduler").setLevel(logging.NOTSET)
