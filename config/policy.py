"""The escalation policy file, validated into typed settings at start-up.

This release reads each urgency's acknowledgement window; the escalation steps join the
schema with the escalation engine.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from bot.domain.directives import Urgency

_DURATION = re.compile(r"^(\d+)\s*(s|m|h|d)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: Any) -> timedelta:
    """`90s`, `30m`, `2h`, `1d` -> timedelta."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value).strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{value}' is not a duration like 30m, 2h or 1d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class DirectivePolicy(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    ack_within: Duration


class PolicyFile(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    directives: dict[Urgency, DirectivePolicy]

    def ack_window(self, urgency: Urgency) -> timedelta:
        return self.directives[urgency].ack_within


class PolicyError(ValueError):
    """The policy file is unreadable or invalid; the message names the file and the field."""


def load_policy(path: Path) -> PolicyFile:
    try:
        doc = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: not valid YAML: {exc}") from exc
    try:
        policy = PolicyFile.model_validate(doc)
    except ValidationError as exc:
        lines = [f"{path}: " + ".".join(str(p) for p in e["loc"]) + ": "
                 + e["msg"].removeprefix("Value error, ") for e in exc.errors()]
        raise PolicyError("\n".join(lines)) from exc
    missing = [u for u in Urgency if u not in policy.directives]
    if missing:
        raise PolicyError(f"{path}: directives: missing {', '.join(missing)}")
    return policy
