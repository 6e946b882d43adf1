"""Per-key throttles against floods; pure: the caller passes the time."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta


class Bucket:
    """Per key: `burst` events at once, then one more every `every` (a token bucket)."""

    def __init__(self, burst: int, every: timedelta, *, max_keys: int = 10_000) -> None:
        self.burst = burst
        self.every = every
        self.max_keys = max_keys
        self._state: dict[Hashable, tuple[float, datetime]] = {}  # tokens left, as of

    def __len__(self) -> int:
        return len(self._state)

    def _tokens(self, key: Hashable, now: datetime) -> float:
        if key not in self._state:
            return float(self.burst)
        tokens, at = self._state[key]
        return min(float(self.burst), tokens + (now - at) / self.every)

    def take(self, key: Hashable, now: datetime) -> bool:
        """Spend one event of `key`'s allowance; False if there is none left."""
        if len(self._state) >= self.max_keys:  # a full bucket is the same as no entry
            self._state = {k: v for k, v in self._state.items()
                           if self._tokens(k, now) < self.burst}
        tokens = self._tokens(key, now)
        if tokens < 1:
            return False
        self._state[key] = (tokens - 1, now)
        return True


class Window:
    """Per key: at most one event per `every`; counts the ones held back in between."""

    def __init__(self, every: timedelta, *, max_keys: int = 10_000) -> None:
        self.every = every
        self.max_keys = max_keys
        self._state: dict[Hashable, tuple[datetime, int]] = {}  # last admitted, held back since

    def __len__(self) -> int:
        return len(self._state)

    def admit(self, key: Hashable, now: datetime) -> int | None:
        """None if `key` had an event within the window; else how many were held back before."""
        last = self._state.get(key)
        if last is not None and now - last[0] < self.every:
            self._state[key] = (last[0], last[1] + 1)
            return None
        if len(self._state) >= self.max_keys:
            self._state = {k: v for k, v in self._state.items() if now - v[0] < self.every}
        self._state[key] = (now, 0)
        return last[1] if last is not None else 0
