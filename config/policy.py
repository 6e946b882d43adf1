"""The escalation policy file (`config/escalation.yaml`), validated at start-up.

Per urgency for directives and per severity for incidents: a window and an ordered list of
steps, each at an offset from the deadline (`-15m` before it, `0` at it, `+30m` after it),
with targets and optional repeats. Errors name the file, the policy and the field.

Two options of issue 10: `no_liaison_to_on_duty` (per urgency) says whether an agency with
nobody reachable on the bot when a directive is sent is paged to the on-duty responders at
once (a setup problem, not an overdue agency); `skip_steps_due_within` (top level) is how
soon after the start a step may be due and still fire: sooner ones are skipped.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from bot.domain.directives import Urgency
from bot.domain.escalation import Severity, Step, Target
from config.yaml_files import read_yaml

_DURATION = re.compile(r"^(\d+)\s*(s|m|h|d)$")
_OFFSET = re.compile(r"^([+-]?)\s*(\d+)\s*(s|m|h|d)?$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
# Longer would overflow a timedelta or a deadline plus the offset; no policy needs a year.
MAX_DURATION = timedelta(days=366)


def _amount(value: Any, count: str, unit: str) -> timedelta:
    too_long = ValueError(f"'{value}' is too long: at most {MAX_DURATION.days}d")
    try:
        amount = timedelta(**{_UNITS[unit]: int(count)})
    except OverflowError:
        raise too_long from None
    if amount > MAX_DURATION:
        raise too_long
    return amount


def parse_duration(value: Any) -> timedelta:
    """`90s`, `30m`, `2h`, `1d` -> timedelta."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value).strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{value}' is not a duration like 30m, 2h or 1d")
    return _amount(value, match.group(1), match.group(2))


def parse_offset(value: Any) -> timedelta:
    """`-15m`, `0`, `+30m`, `1h` -> signed timedelta from the deadline."""
    if isinstance(value, timedelta):
        return value
    match = _OFFSET.match(str(value).strip().lower())
    if not match or (match.group(3) is None and int(match.group(2)) != 0):
        raise ValueError(f"'{value}' is not an offset like -15m, 0 or +30m")
    if int(match.group(2)) == 0:
        return timedelta()
    amount = _amount(value, match.group(2), match.group(3))
    return -amount if match.group(1) == "-" else amount


def parse_window(value: Any) -> timedelta:
    """`0` (nothing) or a duration like `1m`: how long after a start a step counts as due."""
    if isinstance(value, timedelta):
        return value
    text = str(value).strip().lower()
    if text != "0" and not _DURATION.match(text):
        raise ValueError(f"'{value}' is not a duration like 1m (or 0 to skip nothing)")
    return parse_offset(text)  # "too long" is said as for any offset


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Offset = Annotated[timedelta, BeforeValidator(parse_offset)]


class StepModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: Offset
    notify: Annotated[list[Target], Field(min_length=1)]
    repeat_every: Duration | None = None
    max_repeats: Annotated[int, Field(ge=0, le=100)] = 0

    @model_validator(mode="after")
    def _repeats(self) -> StepModel:
        if self.max_repeats and self.repeat_every is None:
            raise ValueError("max_repeats needs repeat_every")
        if self.repeat_every is not None and not self.max_repeats:
            raise ValueError("repeat_every needs max_repeats (how many times, at most)")
        return self

    def to_step(self) -> Step:
        return Step(self.at, tuple(self.notify), self.repeat_every, self.max_repeats)


def _ordered(steps: list[StepModel]) -> list[StepModel]:
    ats = [s.at for s in steps]
    if ats != sorted(ats):
        raise ValueError("steps must be in order of their 'at' offsets")
    return steps


def _no_assignee(steps: list[StepModel]) -> list[StepModel]:
    """`assignee` names an incident's assignee: only the no-progress reminder, built in
    code, has one; no policy of this file does (a directive, a result, an untaken incident)."""
    for i, step in enumerate(steps):
        if Target.ASSIGNEE in step.notify:
            raise ValueError(f"step {i + 1}: notify: 'assignee' is not a target of this "
                             "policy (only the no-progress reminder of a taken incident has an "
                             "assignee); use agency_liaisons, on_duty, responders, team_lead "
                             "or admins")
    return steps


Steps = Annotated[list[StepModel], AfterValidator(_ordered), AfterValidator(_no_assignee)]


# Whether an agency nobody can be reached at when a directive is sent pages the on-duty
# responders at once, when the file does not say: yes for the two highest urgencies.
PAGES_NO_LIAISON_BY_DEFAULT = frozenset({Urgency.HOA_TOC, Urgency.THUONG_KHAN})


class DirectivePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ack_within: Duration
    steps: Steps = []
    no_liaison_to_on_duty: StrictBool | None = None  # None: PAGES_NO_LIAISON_BY_DEFAULT

    def snapshot(self) -> tuple[Step, ...]:
        return tuple(s.to_step() for s in self.steps)


class IncidentPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    take_within: Duration
    steps: Steps = []

    def snapshot(self) -> tuple[Step, ...]:
        return tuple(s.to_step() for s in self.steps)


class ResultPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: Steps = []

    def snapshot(self) -> tuple[Step, ...]:
        return tuple(s.to_step() for s in self.steps)


class PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    directives: dict[Urgency, DirectivePolicy]
    incidents: dict[Severity, IncidentPolicy] = {}
    results: ResultPolicy = ResultPolicy()
    # A step due at or before the start plus this is skipped, not fired with the directive.
    skip_steps_due_within: Annotated[timedelta, BeforeValidator(parse_window)] = timedelta(
        minutes=1)

    def ack_window(self, urgency: Urgency) -> timedelta:
        return self.directives[urgency].ack_within

    def pages_no_liaison(self, urgency: Urgency) -> bool:
        """Is an agency with nobody reachable at sending paged to the on-duty responders?"""
        chosen = self.directives[urgency].no_liaison_to_on_duty
        return urgency in PAGES_NO_LIAISON_BY_DEFAULT if chosen is None else chosen


class PolicyError(ValueError):
    """The policy file is unreadable or invalid; the message names the file and the field."""


def load_policy(path: Path) -> PolicyFile:
    doc = read_yaml(path, PolicyError)
    try:
        policy = PolicyFile.model_validate(doc)
    except ValidationError as exc:
        lines = [f"{path}: " + ".".join(str(p) for p in e["loc"]) + ": "
                 + e["msg"].removeprefix("Value error, ") for e in exc.errors()]
        raise PolicyError("\n".join(lines)) from exc
    missing = [f"directives.{u}" for u in Urgency if u not in policy.directives]
    missing += [f"incidents.{s}" for s in Severity if s not in policy.incidents]
    if missing:
        raise PolicyError(f"{path}: missing policies: {', '.join(missing)}")
    return policy
