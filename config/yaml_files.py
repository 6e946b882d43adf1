"""Reading the YAML configuration files (the escalation policy, the incident form) the one
way: UTF-8, a key written twice refused (naming its line) instead of the later one silently
winning, every problem raised as the caller's error class naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError


class _NoDuplicateKeys(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if first is not None:
                raise ConstructorError(None, None, f"duplicate key '{key}' (first on line "
                                       f"{first})", key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def read_yaml(path: Path, error: type[ValueError]) -> Any:
    """The document in `path`; raises `error` with a message naming the file and the cause."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (at byte {exc.start}); save it as UTF-8") from exc
    try:
        return yaml.load(text, Loader=_NoDuplicateKeys)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
