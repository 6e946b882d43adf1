"""The duty roster: who is on duty at an instant, from a rotation plus overrides. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.when import Reading, parse_moment


@dataclass(frozen=True, slots=True)
class Rotation:
    person_ids: tuple[int, ...]
    shift: timedelta
    starts_at: datetime  # start of shift 0; shifts follow back to back


@dataclass(frozen=True, slots=True)
class Override:
    id: int
    person_id: int
    start_at: datetime
    end_at: datetime

    def covers(self, at: datetime) -> bool:
        return self.start_at <= at < self.end_at


@dataclass(frozen=True, slots=True)
class Shift:
    person_id: int
    start_at: datetime
    end_at: datetime
    override: bool = False


def rotation_shift(rotation: Rotation, at: datetime) -> Shift | None:
    """The rotation's shift covering `at` (None before it starts or with nobody in it)."""
    if not rotation.person_ids or at < rotation.starts_at:
        return None
    n = int((at - rotation.starts_at) / rotation.shift)
    start = rotation.starts_at + rotation.shift * n
    return Shift(rotation.person_ids[n % len(rotation.person_ids)], start, start + rotation.shift)


def on_duty(rotation: Rotation | None, overrides: list[Override], at: datetime) -> list[Shift]:
    """Who is on duty at `at`: overrides covering it win over the rotation."""
    covering = [Shift(o.person_id, o.start_at, o.end_at, override=True)
                for o in overrides if o.covers(at)]
    if covering:
        return covering
    shift = rotation_shift(rotation, at) if rotation else None
    return [shift] if shift else []


def next_shift(rotation: Rotation | None, overrides: list[Override], at: datetime,
               horizon: timedelta = timedelta(days=14)) -> Shift | None:
    """The next change of who is on duty after `at`, within `horizon`."""
    current = {s.person_id for s in on_duty(rotation, overrides, at)}
    candidates = [o.start_at for o in overrides if o.start_at > at]
    candidates += [o.end_at for o in overrides if o.end_at > at]
    shift = rotation_shift(rotation, at) if rotation else None
    if shift is not None:
        candidates.append(shift.end_at)
    elif rotation is not None and rotation.starts_at > at and rotation.person_ids:
        candidates.append(rotation.starts_at)
    for moment in sorted(c for c in candidates if c <= at + horizon):
        now_on = on_duty(rotation, overrides, moment)
        if {s.person_id for s in now_on} != current and now_on:
            # Their duty starts at the change, even if their rotation shift began earlier.
            return Shift(now_on[0].person_id, moment, now_on[0].end_at, now_on[0].override)
    return None


def shifts_of(rotation: Rotation, person_id: int, after: datetime, count: int) -> list[Shift]:
    """The person's next `count` rotation shifts starting after `after` (for swaps)."""
    if person_id not in rotation.person_ids:
        return []
    found: list[Shift] = []
    start = rotation_shift(rotation, max(after, rotation.starts_at))
    at = start.start_at if start else rotation.starts_at
    for _ in range(count * len(rotation.person_ids) + 1):
        shift = rotation_shift(rotation, at)
        if shift is None:
            break
        if shift.person_id == person_id and shift.start_at >= after:
            found.append(shift)
            if len(found) == count:
                break
        at = shift.end_at
    return found


def coming_shifts(rotation: Rotation | None, overrides: list[Override], person_id: int,
                  now: datetime, count: int) -> list[Shift]:
    """The person's shifts that have not ended, each once and in order (for swaps): their own
    overrides, and their rotation shifts that nobody else's override covers in part."""
    own = [Shift(o.person_id, o.start_at, o.end_at, override=True)
           for o in overrides if o.person_id == person_id and o.end_at > now]
    others = [o for o in overrides if o.person_id != person_id]
    rota: list[Shift] = []
    if rotation is not None:
        # From one shift back, so the one running now is found; each shift once.
        rota = [s for s in shifts_of(rotation, person_id, now - rotation.shift,
                                     count + len(others) + 1) if s.end_at > now]
    free = [s for s in rota if not any(o.start_at < s.end_at and o.end_at > s.start_at
                                       for o in others)]
    seen: set[tuple[datetime, datetime]] = set()
    shifts: list[Shift] = []
    for shift in sorted(own + free, key=lambda s: (s.start_at, not s.override)):
        if (shift.start_at, shift.end_at) not in seen:  # an override that repeats a shift
            seen.add((shift.start_at, shift.end_at))
            shifts.append(shift)
    return shifts[:count]


def parse_when(text: str, now: datetime, tz: ZoneInfo, speaking: datetime | None = None
               ) -> datetime:
    """A duty time as typed (bot.domain.when): `07:30` is the next 07:30 after `now`,
    `07:30 24/11` or `24/11 07:30` as typed (a shift may have begun), `mai 07:30` and `bây
    giờ` from `speaking` (default `now`); a date or a named day needs its time."""
    moment = parse_moment(text, now, tz, key="duty_when_invalid", speaking=speaking)
    if moment.reading is Reading.DATE:  # no default hour for a shift
        raise InvalidInput("duty_when_invalid", text=(text or "")[:40])
    return moment.at
