"""Every audit action the code writes has a Vietnamese label in /audit; /audit's argument."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.services.audit_view import parse_count
from bot.telegram.audit_log_view import action_label

ROOT = Path(__file__).resolve().parents[2]
# The action key is the first dotted string literal after an audit write.
WRITE = re.compile(r"(?:AuditRepository\([^)]*\)\.add|refusals\.add)\((.{0,200}?)\"([a-z_]+\.[a-z_]+)\"",
                   re.S)


def test_every_action_written_has_a_label() -> None:
    keys = {m.group(2) for p in (ROOT / "bot").rglob("*.py") for m in WRITE.finditer(p.read_text())}
    assert len(keys) > 30  # the pattern still finds the writes
    raw = [k for k in sorted(keys) if action_label(k) == f"<code>{k}</code>"]
    assert raw == []


@pytest.mark.parametrize(("args", "count"), [
    ([], 20), (["1"], 1), (["200"], 200), (["0"], None), (["201"], None), (["abc"], None),
    (["-1"], None), (["５"], None), (["1", "2"], None),
])
def test_count(args: list[str], count: int | None) -> None:
    assert parse_count(args) == count
