"""The README stands alone: no link leaves the repository, and a new operator finds the
Vietnamese quick start first, the CLI as `.venv/bin/hoatoc`, and how long `make test` takes."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
# Code blocks and inline code hold values (the default API root, a deep link's shape), not links.
PROSE = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", README, flags=re.S))


def test_no_link_leaves_the_repository() -> None:
    assert not re.search(r"https?://|www\.", PROSE), re.findall(r"\S*https?://\S*", PROSE)
    for target in re.findall(r"\]\(([^)\s]+)\)", README):
        assert not re.match(r"[a-z]+:", target), target
        path = target.split("#", 1)[0]
        assert not path or (ROOT / path).exists(), target
    # Reference-style links and bare autolinks too.
    assert not re.search(r"^\[[^\]]+\]:\s*\S", README, re.M)
    assert not re.search(r"<https?://", README)


def test_vietnamese_quick_start_first_then_english_for_developers() -> None:
    quick = README.index("## Hướng dẫn nhanh cho người triển khai")
    english = README.index("## Quick start (English)")
    development = README.index("## Development")
    assert quick < english < development
    steps = README[quick:english]
    for needed in ("@BotFather", "HOATOC_ADMIN_IDS", "/start", ".venv/bin/hoatoc check",
                   ".venv/bin/hoatoc import examples/province.yaml", "/invite",
                   "HOATOC_API_BASE_URL", "HOATOC_PROXY_URL"):
        assert needed in steps, needed
    assert "bạn" not in steps.lower()  # the administrative register of the glossary


def test_cli_shown_as_venv_bin_hoatoc_and_make_test_time_given() -> None:
    for command in ("run", "check", "import FILE"):
        assert f"`.venv/bin/hoatoc {command}`" in README, command
    # A bare `hoatoc check` in prose would not run for someone outside the virtualenv.
    assert not re.search(r"(?<![/\w])`hoatoc (check|import)", README)
    assert re.search(r"`make test` \(ruff, mypy, rồi toàn bộ pytest\) mất khoảng \d+ phút", README)
    assert re.search(r"`make test` takes about \d+ minutes", README)
