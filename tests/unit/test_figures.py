"""Acknowledgement figures: rate and nearest-rank median / 90th percentile, exact values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
