"""Acknowledgement figures for a directive: rate, median and 90th percentile of time to confirm.

Percentiles use the nearest-rank rule: with the n durations sorted, the p-th percentile is
the one at rank ceil(p/100 * n) (1-based). It is always a duration that really happened (no
interpolation), so "90 % trong 41 phút" means at least 90 % of the acknowledging agencies
confirmed within 41 minutes. For an even count the median is the lower middle value.

Every acknowledgement counts with its recorded time, however it came (a ✅ tap, a receipt
recorded by phone or on paper, a result report standing for it). An acknowledgement recorded
before the sending time (clock skew) counts as zero. The percentiles describe the agencies
that acknowledged; the rate says how many did.
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
