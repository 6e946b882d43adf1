"""The image keeps everything the bot writes on its volume: a relative default (the database,
the daily backups) would land in /app, which the non-root user cannot write and which is
lost with the container."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

from config.settings import ENV_PREFIX, Settings
from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text("utf-8")


def image_env() -> dict[str, str]:
    """The ENV instructions' NAME=value pairs (line continuations joined)."""
    text = DOCKERFILE.replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV\s+(.*)$", text, re.M):
        env.update(re.findall(r"(\w+)=(\S+)", line))
    return env


def test_every_relative_path_the_bot_writes_is_set_on_the_volume() -> None:
    (volume,) = (PurePosixPath(v) for v in json.loads(
        re.search(r"^VOLUME\s+(\[.*\])$", DOCKERFILE, re.M).group(1)))  # type: ignore[union-attr]
    env = image_env()
    written = [name for name in ("database", "backup_dir")
               if isinstance(Settings.model_fields[name].default, Path)
               and not Settings.model_fields[name].default.is_absolute()]
    assert written == ["database", "backup_dir"]
    for name in written:
        variable = f"{ENV_PREFIX}{name.upper()}"
        assert variable in env, f"{variable} is not set in the Dockerfile"
        assert volume in PurePosixPath(env[variable]).parents, (variable, env[variable])
