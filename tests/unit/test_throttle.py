"""Per-key throttles: a burst then a steady pace; one event per window with a count of the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.throttle import Bucket, Window

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_bucket_allows_a_burst_then_one_per_interval_per_key() -> None:
    bucket = Bucket(burst=3, every=timedelta(seconds=3))
    assert [bucket.take(1, T0) for _ in range(5)] == [True, True, True, False, False]
    assert bucket.take(2, T0)  # another key has its own allowance
    assert not bucket.take(1, T0 + timedelta(seconds=2))
    assert bucket.take(1, T0 + timedelta(seconds=3))
    assert not bucket.take(1, T0 + timedelta(seconds=4))
    # A long pause refills up to the burst, never beyond.
    later = T0 + timedelta(hours=1)
    assert [bucket.take(1, later) for _ in range(4)] == [True, True, True, False]


def test_bucket_forgets_keys_that_are_full_again() -> None:
    bucket = Bucket(burst=2, every=timedelta(seconds=1), max_keys=10)
    for key in range(10):
        bucket.take(key, T0)
    bucket.take(99, T0 + timedelta(minutes=1))  # the others have refilled: they go
    assert len(bucket) == 1
    for key in range(20):  # none has refilled: none is forgotten, none loses its place
        bucket.take(key, T0 + timedelta(minutes=1))
    assert len(bucket) == 21


def test_window_admits_one_per_key_and_counts_the_held_back() -> None:
    window = Window(every=timedelta(minutes=1))
    assert window.admit("a", T0) == 0
    assert [window.admit("a", T0 + timedelta(seconds=s)) for s in (1, 2, 59)] == [None] * 3
    assert window.admit("b", T0) == 0
    assert window.admit("a", T0 + timedelta(minutes=1)) == 3
    assert window.admit("a", T0 + timedelta(minutes=2, seconds=1)) == 0


def test_window_forgets_expired_keys() -> None:
    window = Window(every=timedelta(minutes=1), max_keys=10)
    for key in range(11):
        window.admit(key, T0)
    window.admit(99, T0 + timedelta(minutes=1))
    assert len(window) == 1
