"""A directive's time to acknowledge per agency, as a PNG (pure: data in, bytes out).

matplotlib's object API (`Figure`, no pyplot): no global state, safe in a worker thread, so
the bot renders off the event loop. matplotlib is imported on first use, not at start-up; a
home it cannot write to (a read-only container) gets a private temporary cache folder rather
than a warning in the log.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import textwrap
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.texts import label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# At most this many bars: the slowest ones (unconfirmed first), and a note for the rest.
MAX_BARS = 60
WIDTH_IN = 10.0
DPI = 100
BAR_IN = 0.32    # height per bar
FRAME_IN = 1.9   # title, axis
TITLE_IN = 0.3   # kept clear above the plot for the title: tight_layout does not see it
LEGEND_IN = 0.3  # the legend's strip under the plot
NOTE_IN = 0.2    # under it, the line saying how many bars were left out


@dataclass(frozen=True)
class ChartRow:
    agency: str
    acked_at: datetime | None  # None: not yet confirmed


@dataclass(frozen=True)
class ChartData:
    number: str
    summary: str
    drill: bool
    sent_at: datetime
    deadline: datetime
    now: datetime
    rows: list[ChartRow]


def _ensure_config_dir() -> None:
    """Point matplotlib at a writable cache folder when its default one cannot be written
    (it would warn in the log on every start otherwise). Tried by writing, not by
    permission bits: root on a read-only file system passes those."""
    if "MPLCONFIGDIR" in os.environ:
        return
    config = Path.home() / ".config" / "matplotlib"
    try:
        config.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=config):
            pass
    except OSError:
        os.environ["MPLCONFIGDIR"] = _fallback_dir()


def _fallback_dir() -> str:
    """One folder per user in the temporary directory, reused by every start (a new one each
    time piled up and rebuilt the font cache); a fresh private one if that name is taken by
    anything but our own private folder (another user's, a link)."""
    path = Path(tempfile.gettempdir()) / f"hoatoc-mpl-{os.getuid()}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        st = path.lstat()
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077:
            return str(path)
    except OSError:
        pass
    return tempfile.mkdtemp(prefix="hoatoc-mpl-")


def _figure(width: float, height: float) -> Figure:
    _ensure_config_dir()
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=DPI)


def _minutes(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 60)


def render(data: ChartData) -> bytes:
    """Horizontal bars, slowest at the top: minutes to confirm, unconfirmed hatched up to now,
    the deadline as a line. Always a PNG Telegram takes as a photo (w + h < 10,000 px)."""
    bars = [(row.agency, _minutes(data.sent_at, row.acked_at or data.now), row.acked_at is None)
            for row in data.rows]
    # Unconfirmed first, then the longest: the ones to call are at the top.
    bars.sort(key=lambda b: (not b[2], -b[1], b[0]))
    hidden = max(0, len(bars) - MAX_BARS)
    bars = bars[:MAX_BARS]
    bars.reverse()  # barh draws the first bar at the bottom
    note_in = NOTE_IN  # kept when empty: the picture's size depends on the bars shown only
    height = FRAME_IN + LEGEND_IN + note_in + BAR_IN * max(len(bars), 3)
    fig = _figure(WIDTH_IN, height)
    ax = fig.add_subplot()
    names = [textwrap.shorten(name, 40, placeholder="…") for name, _, _ in bars]
    ys = list(range(len(bars)))
    done = [(y, m) for y, (_, m, pending) in zip(ys, bars, strict=True) if not pending]
    waiting = [(y, m) for y, (_, m, pending) in zip(ys, bars, strict=True) if pending]
    if done:
        ax.barh([y for y, _ in done], [m for _, m in done], color="#2e7d32",
                label=label("chart_legend_acked"))
    if waiting:
        ax.barh([y for y, _ in waiting], [m for _, m in waiting], color="#ffffff",
                edgecolor="#c62828", hatch="//", label=label("chart_legend_pending"))
        for y, m in waiting:
            ax.text(m, y, " " + label("chart_pending_tag"), va="center", fontsize=8,
                    color="#c62828")
    # parse_math=False: "$" in a typed name or summary is a dollar sign, not mathtext (which
    # draws it as a formula, or fails the whole chart when it does not parse).
    ax.set_yticks(ys, names, fontsize=9, parse_math=False)
    ax.set_ylim(-0.6, max(len(bars), 1) - 0.4)
    deadline = _minutes(data.sent_at, data.deadline)
    ax.axvline(deadline, color="#ef6c00", linestyle="--", linewidth=1.5,
               label=label("chart_legend_deadline", minutes=round(deadline)))
    ax.set_xlabel(label("chart_axis"))
    ax.set_xlim(0, max([m for _, m, _ in bars] + [deadline]) * 1.15 or 1)
    ax.grid(axis="x", alpha=0.3)
    # In a strip of its own under the plot, never over a bar (the longest, most telling bars
    # end at the right, where a legend inside would sit).
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, note_in / height), ncol=3, fontsize=8,
               frameon=False)
    title = label("chart_title", number=data.number,
                  summary=textwrap.shorten(data.summary, 70, placeholder="…"))
    if data.drill:
        title = label("chart_drill") + " · " + title
    # Placed in inches from the edges, the plot laid out between them: at a fixed fraction
    # of a tall chart's height the title fell across the top bar.
    fig.suptitle(title, fontsize=11, fontweight="bold", y=1 - 0.15 / height, va="top",
                 parse_math=False)
    if hidden:
        fig.text(0.01, 0.05 / height, label("chart_hidden", count=hidden), fontsize=8)
    # Title, legend and note each have their room in inches; the plot is laid out between.
    fig.tight_layout(rect=(0, (LEGEND_IN + note_in) / height, 1, 1 - TITLE_IN / height))
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
