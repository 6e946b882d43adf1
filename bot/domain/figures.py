"""Response-time figures, one rule for every place that shows them (/status, exports, charts):
acknowledgement rate, median and 90th percentile of time to confirm — per directive and per
agency over a period — and incidents' time to take and time to resolve.

Percentiles use the nearest-rank rule: with the n durations sorted, the p-th percentile is
the one at rank ceil(p/100 * n) (1-based). It is always a duration that really happened (no
interpolation), so "90 % trong 41 phút" means at least 90 % of the acknowledging agencies
confirmed within 41 minutes. For an even count the median is the lower middle value.

Every acknowledgement counts with its recorded time, however it came (a ✅ tap, a receipt
recorded by phone or on paper, a result report standing for it). An acknowledgement recorded
before the sending time (clock skew) counts as zero. The percentiles describe the agencies
that acknowledged; the rate says how many did.

Drills (diễn tập) never enter real figures: the callers pass real directives or drills, never
both in one set (`AckRecord.drill` lets a caller split a mixed list with `split_drills`).

Incidents: time to take runs from the report to the first «Tiếp nhận» (a release and a new
take do not restart it); time to resolve from the report to the resolution that stands (a
reopened incident counts its latest). False alarms and unresolved incidents have no time to
resolve; incidents nobody took have no time to take. Each figure says over how many incidents
it was taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class AckFigures:
    acknowledged: int
    agencies: int
    median: timedelta | None  # None when nobody acknowledged
    p90: timedelta | None

    @property
    def percent(self) -> int:
        """The rate in whole percent, rounded down: 100 % only once every agency confirmed."""
        return self.acknowledged * 100 // self.agencies if self.agencies else 0


def nearest_rank(sorted_values: list[timedelta], p: int) -> timedelta:
    """The p-th percentile (0 < p <= 100) of already sorted, non-empty values."""
    rank = max(1, -(-p * len(sorted_values) // 100))  # ceil in integers: no float edge
    return sorted_values[rank - 1]


def ack_figures(sent_at: datetime, agencies: Iterable[int],
                acks: dict[int, datetime]) -> AckFigures:
    """Figures over the recipient `agencies`, from their acknowledgement times (by agency);
    acknowledgements of agencies outside the recipients are ignored."""
    recipients = set(agencies)
    durations = sorted(max(timedelta(0), at - sent_at)
                       for agency, at in acks.items() if agency in recipients)
    if not durations:
        return AckFigures(0, len(recipients), None, None)
    return AckFigures(len(durations), len(recipients), nearest_rank(durations, 50),
                      nearest_rank(durations, 90))


@dataclass(frozen=True, slots=True)
class TimeFigures:
    """Median and 90th percentile (nearest rank) of `count` durations; None when count is 0."""
    count: int
    median: timedelta | None
    p90: timedelta | None


def time_figures(durations: Iterable[timedelta]) -> TimeFigures:
    values = sorted(max(timedelta(0), d) for d in durations)
    if not values:
        return TimeFigures(0, None, None)
    return TimeFigures(len(values), nearest_rank(values, 50), nearest_rank(values, 90))


@dataclass(frozen=True, slots=True)
class AckRecord:
    """One agency's copy of one directive: when it was sent, when (if ever) it was confirmed."""
    directive_id: int
    agency_id: int
    sent_at: datetime
    acked_at: datetime | None
    drill: bool = False


def split_drills(records: Iterable[AckRecord]) -> tuple[list[AckRecord], list[AckRecord]]:
    """(real, drills): drills are reported apart and never mix into real figures."""
    real: list[AckRecord] = []
    drills: list[AckRecord] = []
    for record in records:
        (drills if record.drill else real).append(record)
    return real, drills


def agency_ack_figures(records: Iterable[AckRecord]) -> dict[int, AckFigures]:
    """Per agency over a set of directives: `acknowledged` of `agencies` (here: the number of
    directives the agency received), and its median/p90 time to confirm. Records must be all
    real or all drills (ValueError otherwise)."""
    sent: dict[int, int] = {}
    durations: dict[int, list[timedelta]] = {}
    kinds = set()
    for r in records:
        kinds.add(r.drill)
        sent[r.agency_id] = sent.get(r.agency_id, 0) + 1
        if r.acked_at is not None:
            durations.setdefault(r.agency_id, []).append(r.acked_at - r.sent_at)
    if len(kinds) > 1:
        raise ValueError("drills and real directives mixed in one set of figures")
    out: dict[int, AckFigures] = {}
    for agency, total in sent.items():
        times = time_figures(durations.get(agency, ()))
        out[agency] = AckFigures(times.count, total, times.median, times.p90)
    return out


def overall_ack_figures(records: Iterable[AckRecord]) -> AckFigures:
    """Over every copy of a set of directives: copies confirmed of copies sent, and the
    median/p90 time to confirm (same rules; all real or all drills)."""
    listed = list(records)
    if len({r.drill for r in listed}) > 1:
        raise ValueError("drills and real directives mixed in one set of figures")
    times = time_figures(r.acked_at - r.sent_at for r in listed if r.acked_at is not None)
    return AckFigures(times.count, len(listed), times.median, times.p90)


@dataclass(frozen=True, slots=True)
class IncidentTimes:
    reported_at: datetime
    first_taken_at: datetime | None  # the first «Tiếp nhận», None if nobody ever took it
    resolved_at: datetime | None     # the standing resolution; None if open or a false alarm


@dataclass(frozen=True, slots=True)
class IncidentFigures:
    incidents: int
    take: TimeFigures
    resolve: TimeFigures


def incident_figures(times: Iterable[IncidentTimes]) -> IncidentFigures:
    listed = list(times)
    return IncidentFigures(
        len(listed),
        time_figures(i.first_taken_at - i.reported_at for i in listed
                     if i.first_taken_at is not None),
        time_figures(i.resolved_at - i.reported_at for i in listed if i.resolved_at is not None),
    )
