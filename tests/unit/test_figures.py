"""Acknowledgement figures: rate and nearest-rank median / 90th percentile, exact values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.figures import ack_figures, nearest_rank

SENT = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return SENT + timedelta(minutes=minutes)


def m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def test_no_acknowledgement() -> None:
    f = ack_figures(SENT, range(1, 46), {})
    assert (f.acknowledged, f.agencies, f.median, f.p90, f.percent) == (0, 45, None, None, 0)


def test_no_agency() -> None:
    f = ack_figures(SENT, [], {})
    assert (f.acknowledged, f.agencies, f.percent) == (0, 0, 0)


def test_one_acknowledgement() -> None:
    f = ack_figures(SENT, [1, 2, 3], {2: at(7)})
    assert (f.acknowledged, f.agencies, f.median, f.p90, f.percent) == (1, 3, m(7), m(7), 33)


def test_two_acknowledgements_median_is_the_lower() -> None:
    f = ack_figures(SENT, [1, 2, 3, 4], {1: at(20), 3: at(5)})
    assert (f.median, f.p90, f.percent) == (m(5), m(20), 50)


def test_ten_acknowledgements() -> None:
    acks = {i: at(i * 3) for i in range(1, 11)}  # 3, 6, …, 30 minutes
    f = ack_figures(SENT, range(1, 11), acks)
    # rank ceil(0.5*10)=5 -> 15 min; rank ceil(0.9*10)=9 -> 27 min; everyone: 100 %
    assert (f.acknowledged, f.median, f.p90, f.percent) == (10, m(15), m(27), 100)


def test_ties() -> None:
    f = ack_figures(SENT, range(1, 6), {1: at(4), 2: at(4), 3: at(4), 4: at(9), 5: at(9)})
    assert (f.median, f.p90) == (m(4), m(9))


def test_rate_rounds_down_and_outsiders_and_skew() -> None:
    acks = {i: at(i) for i in range(1, 38)}  # 37 of 45
    acks[99] = at(1)  # not a recipient: ignored
    acks[1] = SENT - timedelta(seconds=30)  # recorded before sending (skew): zero
    f = ack_figures(SENT, range(1, 46), acks)
    assert (f.acknowledged, f.agencies, f.percent) == (37, 45, 82)
    assert f.median == m(19) and f.p90 == m(34)  # ranks 19 and 34 of 0, 2, 3, …, 37
    assert ack_figures(SENT, range(1, 46), {i: at(1) for i in range(1, 45)}).percent == 97


def test_nearest_rank_bounds() -> None:
    values = [m(1), m(2), m(3)]
    assert nearest_rank(values, 1) == m(1)
    assert nearest_rank(values, 100) == m(3)
    assert nearest_rank(values, 34) == m(2)


# --- per agency over a period, incidents (issue 13, item 3) --------------------------------

from bot.domain.figures import (  # noqa: E402 (kept beside their tests)
    AckRecord,
    IncidentTimes,
    agency_ack_figures,
    incident_figures,
    overall_ack_figures,
    split_drills,
    time_figures,
)

_T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def _rec(directive: int, agency: int, minutes: int | None, drill: bool = False) -> AckRecord:
    acked = _T0 + timedelta(minutes=minutes) if minutes is not None else None
    return AckRecord(directive, agency, _T0, acked, drill)


def test_agency_figures_count_received_and_confirmed_per_agency() -> None:
    figures = agency_ack_figures([_rec(1, 10, 4), _rec(2, 10, 20), _rec(3, 10, None),
                                  _rec(1, 11, None)])
    assert figures[10].acknowledged == 2 and figures[10].agencies == 3
    assert figures[10].percent == 66
    assert figures[10].median == timedelta(minutes=4)
    assert figures[10].p90 == timedelta(minutes=20)
    assert figures[11].acknowledged == 0 and figures[11].median is None


def test_drills_never_mix_with_real_figures() -> None:
    records = [_rec(1, 10, 4), _rec(2, 10, 1, drill=True)]
    with pytest.raises(ValueError, match="mixed"):
        agency_ack_figures(records)
    with pytest.raises(ValueError, match="mixed"):
        overall_ack_figures(records)
    real, drills = split_drills(records)
    assert [r.directive_id for r in real] == [1] and [r.directive_id for r in drills] == [2]


def test_overall_figures_over_every_copy() -> None:
    figures = overall_ack_figures([_rec(1, 10, 2), _rec(1, 11, 6), _rec(2, 10, None)])
    assert (figures.acknowledged, figures.agencies, figures.percent) == (2, 3, 66)
    assert figures.median == timedelta(minutes=2) and figures.p90 == timedelta(minutes=6)


def test_incident_times_take_and_resolve() -> None:
    h = timedelta(hours=1)
    figures = incident_figures([
        IncidentTimes(_T0, _T0 + h, _T0 + 5 * h),
        IncidentTimes(_T0, _T0 + 3 * h, None),   # still open
        IncidentTimes(_T0, None, None),          # nobody took it
    ])
    assert figures.incidents == 3
    assert (figures.take.count, figures.take.median, figures.take.p90) == (2, h, 3 * h)
    assert (figures.resolve.count, figures.resolve.median) == (1, 5 * h)
    assert time_figures([]).median is None
