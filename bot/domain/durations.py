"""Durations as people read them."""

from __future__ import annotations

from datetime import timedelta

# Under this, "quá hạn 12 giây" reads as noise: callers say "vừa quá hạn" instead.
JUST = timedelta(minutes=1)


def humanize(delta: timedelta) -> str:
    """`40 giây`, `5 phút`, `1 giờ 20 phút`, `2 ngày 3 giờ`; never `0 giây` (a second at least)."""
    if delta < timedelta(minutes=1):
        return f"{max(1, int(delta.total_seconds()))} giây"
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if mins or not parts:
        parts.append(f"{mins} phút")
    return " ".join(parts[:2])
