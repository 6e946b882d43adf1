"""Escalation decisions: pure functions of a frozen policy snapshot, what was done, and now.

A policy is an ordered list of steps, each due at an offset from the deadline, optionally
repeating. A step's occurrences are its first time plus `repeat_every` up to `max_repeats`
times. `decide` says which occurrences are due; several missed occurrences of one step
(the bot was down, a wake-up came late) collapse into one notice that says how late it is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


class Severity(enum.StrEnum):
    """Incident severities (thấp, trung bình, cao, nghiêm trọng)."""

    THAP = "thap"
    TRUNG_BINH = "trung_binh"
    CAO = "cao"
    NGHIEM_TRONG = "nghiem_trong"


class SubjectKind(enum.StrEnum):
    """What an escalation chases; each kind has an adapter registered with the engine."""

    DIRECTIVE_ACK = "directive_ack"                # an agency has not acknowledged a directive
    DIRECTIVE_RESULT = "directive_result"          # an agency owes a directive's result report
    INCIDENT_UNTAKEN = "incident_untaken"          # nobody has taken an incident yet
    INCIDENT_NO_PROGRESS = "incident_no_progress"  # a taken incident shows no progress


class Target(enum.StrEnum):
    AGENCY_LIAISONS = "agency_liaisons"
    ON_DUTY = "on_duty"
    RESPONDERS = "responders"
    TEAM_LEAD = "team_lead"
    ADMINS = "admins"
    # The person an incident is assigned to: only in steps built in code (the no-progress
    # reminder); the policy file refuses it (`config/policy.py`).
    ASSIGNEE = "assignee"


@dataclass(frozen=True, slots=True)
class Step:
    at: timedelta  # offset from the deadline: negative before it
    targets: tuple[Target, ...]
    repeat_every: timedelta | None = None
    max_repeats: int = 0

    def occurrence(self, deadline: datetime, k: int) -> datetime:
        assert k == 0 or self.repeat_every is not None
        return deadline + self.at + (self.repeat_every or timedelta()) * k

    @property
    def occurrences(self) -> int:
        return 1 + (self.max_repeats if self.repeat_every else 0)


@dataclass(frozen=True, slots=True)
class Fired:
    step: int         # index of the step in the snapshot
    occurrence: int   # 0 for the first time, k for the k-th repeat
    due_at: datetime  # when this occurrence was due
    collapsed: int    # earlier occurrences of the step folded into this one (missed)
    late_by: timedelta  # how late this notice is against its own due time


@dataclass(frozen=True, slots=True)
class Decision:
    fire: tuple[Fired, ...]
    done: tuple[int, ...]          # per step: occurrences accounted for, after this decision
    next_due_at: datetime | None   # None: nothing left to do


def decide(
    steps: tuple[Step, ...], deadline: datetime, done: tuple[int, ...], now: datetime
) -> Decision:
    """What is due at `now`, given how many occurrences of each step were already handled."""
    if len(done) != len(steps):
        raise ValueError("one counter per step")
    fire: list[Fired] = []
    new_done = list(done)
    for i, step in enumerate(steps):
        due = [k for k in range(done[i], step.occurrences) if step.occurrence(deadline, k) <= now]
        if due:
            last = due[-1]
            due_at = step.occurrence(deadline, last)
            fire.append(Fired(i, last, due_at, len(due) - 1, now - due_at))
            new_done[i] = last + 1
    upcoming = [steps[i].occurrence(deadline, new_done[i]) for i in range(len(steps))
                if new_done[i] < steps[i].occurrences]
    fire.sort(key=lambda f: (f.due_at, f.step))
    return Decision(tuple(fire), tuple(new_done), min(upcoming) if upcoming else None)


def level(steps: tuple[Step, ...], done: tuple[int, ...],
          skipped: tuple[int, ...] = ()) -> tuple[int, Step] | None:
    """The latest step that has fired (1-based number and the step), None before any.
    Occurrences `skipped` when the escalation started never fired: they do not count."""
    fired = [i for i, n in enumerate(_fired(done, skipped)) if n > 0]
    if not fired:
        return None
    return fired[-1] + 1, steps[fired[-1]]


def urges(step: Step) -> bool:
    """Does the step tell someone beyond the agency's own liaisons (đôn đốc, not nhắc hạn)?"""
    return any(target is not Target.AGENCY_LIAISONS for target in step.targets)


def rounds(steps: tuple[Step, ...], done: tuple[int, ...],
           skipped: tuple[int, ...] = ()) -> tuple[int, int]:
    """"Đôn đốc (lần n/N)": n occurrences of urging steps done so far, of N in the policy.

    Reminders to the agency's liaisons ("Nhắc hạn") are not counted; each repeat is a round.
    Occurrences skipped when the escalation started are neither done nor ahead: not counted.
    """
    urging = [i for i, step in enumerate(steps) if urges(step)]
    fired = _fired(done, skipped)
    gone = skipped or (0,) * len(steps)
    return (sum(fired[i] for i in urging), sum(steps[i].occurrences - gone[i] for i in urging))


def skip(steps: tuple[Step, ...], deadline: datetime, until: datetime) -> tuple[int, ...]:
    """Per step, how many of its occurrences are due at or before `until`.

    An escalation that starts late in its schedule (a directive sent ten minutes before its
    deadline, whose reminder was due fifteen minutes before it) skips them, rather than
    firing them in the same second as the directive: they start as done (see `decide`) and
    are recorded as skipped, so that they are never reported as fired.
    """
    return tuple(sum(1 for k in range(step.occurrences) if step.occurrence(deadline, k) <= until)
                 for step in steps)


def _fired(done: tuple[int, ...], skipped: tuple[int, ...]) -> tuple[int, ...]:
    if not skipped:
        return done
    return tuple(d - s for d, s in zip(done, skipped, strict=True))


@dataclass(frozen=True, slots=True)
class Reached:
    """How far an escalation has climbed: round `number` of `total` of urging ("Đôn đốc
    (lần n/N)", 0 when only reminded so far), who its latest step told."""

    number: int
    total: int
    targets: tuple[Target, ...]
    handled: bool  # a responder took on calling


def first_due(steps: tuple[Step, ...], deadline: datetime) -> datetime | None:
    times = [s.occurrence(deadline, 0) for s in steps]
    return min(times) if times else None
