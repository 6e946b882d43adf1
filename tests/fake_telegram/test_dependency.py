"""The fake Telegram needs aiohttp, declared in the ``testing`` extra; the bot itself does not."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from tests.conftest import ROOT

# A ``None`` entry in ``sys.modules`` makes ``import aiohttp`` fail as if it were not installed.
_WITHOUT_AIOHTTP = "import sys\nsys.modules['aiohttp'] = None\n"


def _python_without_aiohttp(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_AIOHTTP + code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )


def test_every_module_of_the_bot_imports_without_aiohttp() -> None:
    result = _python_without_aiohttp(
        "import importlib, pkgutil\n"
        "import bot, config, handlers\n"
        "for package in (bot, config, handlers):\n"
        "    for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        # The demo plays against the fake Telegram: it needs the testing extra, as tests do.
        "        if not module.name.startswith(('bot.testing', 'bot.__main__', 'bot.demo')):\n"
        "            importlib.import_module(module.name)\n"
        "print('imported')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported"


def test_the_fake_telegram_without_aiohttp_names_the_extra_to_install() -> None:
    result = _python_without_aiohttp("from bot.testing.fake_telegram import FakeTelegram\n")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ModuleNotFoundError: ")
    assert "aiohttp" in last_line
    assert "hoatoc[testing]" in last_line


def test_aiohttp_is_declared_in_the_testing_extra_that_the_test_extra_includes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert not [r for r in project["dependencies"] if r.startswith("aiohttp")]
    assert [r for r in extras["testing"] if r.startswith("aiohttp")]
    assert set(extras["testing"]) <= set(extras["test"])


def test_the_production_lock_has_no_aiohttp_and_the_test_lock_has_it() -> None:
    def pinned(lock: str) -> set[str]:
        lines = (ROOT / lock).read_text(encoding="utf-8").splitlines()
        return {line.split("==")[0] for line in lines if "==" in line and not line.startswith(" ")}

    assert "aiohttp" not in pinned("requirements.lock")
    assert "aiohttp" in pinned("requirements-dev.lock")
