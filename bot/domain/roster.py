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


# Instants are whole seconds; "just before" a change is this much before it.
_TICK = timedelta(microseconds=1)
HORIZON = timedelta(days=14)


def _people(rotation: Rotation | None, overrides: list[Override], at: datetime) -> set[int]:
    return {s.person_id for s in on_duty(rotation, overrides, at)}


def _next_change(rotation: Rotation | None, overrides: list[Override],
                 at: datetime) -> datetime | None:
    """The first instant after `at` at which who is on duty may change."""
    moments = [o.start_at for o in overrides if o.start_at > at]
    moments += [o.end_at for o in overrides if o.end_at > at]
    shift = rotation_shift(rotation, at) if rotation else None
    if shift is not None:
        moments.append(shift.end_at)
    elif rotation is not None and rotation.starts_at > at and rotation.person_ids:
        moments.append(rotation.starts_at)
    return min(moments, default=None)


def _previous_change(rotation: Rotation | None, overrides: list[Override],
                     at: datetime) -> datetime | None:
    """The last instant before `at` at which who is on duty may have changed."""
    moments = [o.start_at for o in overrides if o.start_at < at]
    moments += [o.end_at for o in overrides if o.end_at < at]
    shift = rotation_shift(rotation, at - _TICK) if rotation else None
    if shift is not None:
        moments.append(shift.start_at)
    return max(moments, default=None)


def on_duty_until(rotation: Rotation | None, overrides: list[Override], person_id: int,
                  at: datetime, horizon: timedelta = HORIZON) -> datetime | None:
    """When the person, on duty at `at`, goes off duty (whether a rotation shift or an
    override keeps them on); None if not within `horizon`."""
    moment = _next_change(rotation, overrides, at)
    while moment is not None and moment <= at + horizon:
        if person_id not in _people(rotation, overrides, moment):
            return moment
        moment = _next_change(rotation, overrides, moment)
    return None


def on_duty_since(rotation: Rotation | None, overrides: list[Override], person_id: int,
                  at: datetime, horizon: timedelta = HORIZON) -> datetime:
    """When the person's duty running at `at` began: one duty, however many rotation shifts
    and overrides it is made of (`overrides` must include those that ended since)."""
    since = at
    # Who is on duty is constant between two changes: on duty at a change is on duty
    # until the next one. A rotation handing over to the same person (a rotation of one)
    # starts a new shift, as any handover does.
    while (before := _previous_change(rotation, overrides, since)) is not None \
            and before >= at - horizon and person_id in _people(rotation, overrides, before) \
            and not _self_handover(rotation, person_id, since):
        since = before
    return since


def _self_handover(rotation: Rotation | None, person_id: int, at: datetime) -> bool:
    """Does a rotation shift of the person start at `at`, after one of their own?"""
    if rotation is None:
        return False
    shift, previous = rotation_shift(rotation, at), rotation_shift(rotation, at - _TICK)
    return (shift is not None and previous is not None and shift.start_at == at
            and shift.person_id == previous.person_id == person_id)


def next_shift(rotation: Rotation | None, overrides: list[Override], at: datetime,
               horizon: timedelta = HORIZON) -> Shift | None:
    """The next person to come on duty after `at` (someone who was not on duty just before),
    from that moment until they go off duty."""
    before = _people(rotation, overrides, at)
    moment = _next_change(rotation, overrides, at)
    while moment is not None and moment <= at + horizon:
        now_on = on_duty(rotation, overrides, moment)
        coming = [s for s in now_on if s.person_id not in before]
        if coming:
            first = coming[0]
            until = on_duty_until(rotation, overrides, first.person_id, moment, horizon)
            return Shift(first.person_id, moment, until or first.end_at, first.override)
        before = {s.person_id for s in now_on}
        moment = _next_change(rotation, overrides, moment)
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
