"""The chart renderer: a PNG Telegram takes as a photo, whatever the number of agencies."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

from bot.exports.chart import MAX_BARS, ChartData, ChartRow, render

if TYPE_CHECKING:  # imported where a test draws: test_a_home_… must import it first itself
    from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parents[2]
SENT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def data(agencies: int, *, drill: bool = False) -> ChartData:
    rows = [ChartRow(f"Sở {i} — Ủy ban nhân dân tỉnh",
                     SENT + timedelta(minutes=3 * i) if i % 4 else None)
            for i in range(agencies)]
    return ChartData("1556/UBND-KGVX", "Khẩn trương rà soát lỗ hổng trên cổng thông tin điện tử",
                     drill, SENT, SENT + timedelta(minutes=30), SENT + timedelta(hours=2), rows)


def decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    return image


def test_a_few_agencies_make_a_photo_sized_png() -> None:
    image = decoded(render(data(5, drill=True)))
    width, height = image.size
    assert width == 1000 and 250 < height < 1000


def test_many_agencies_show_the_slowest_and_stay_within_telegram_photo_limits() -> None:
    few, many = decoded(render(data(MAX_BARS))), decoded(render(data(128)))
    width, height = many.size
    assert width + height <= 10_000 and height / width <= 20  # Telegram's photo limits
    assert many.size == few.size  # 128 agencies: the slowest MAX_BARS, and a note


def test_nobody_confirmed_yet_still_renders() -> None:
    d = data(3)
    d.rows[:] = [ChartRow("CAT", None)]
    assert decoded(render(d)).size[0] == 1000


def test_dollar_signs_people_typed_are_text_not_math() -> None:
    # matplotlib reads "$...$" as mathtext: a name with "$\\frac$" made /chart fail, and
    # "$5 ... $" was drawn as a formula.
    rows = [ChartRow("Sở $\\frac$ tài chính", SENT + timedelta(minutes=3)),
            ChartRow("UBND $5 và $6", None)]
    chart = ChartData("1/$x^$", "Thu hồi $\\frac{1}{ khoản", True, SENT,
                      SENT + timedelta(minutes=30), SENT + timedelta(hours=1), rows)
    assert decoded(render(chart)).format == "PNG"


def test_a_home_matplotlib_cannot_write_to_gives_no_warning() -> None:
    """A read-only container home: the chart still renders, and matplotlib's warning about
    its cache folder stays out of the log (a private temporary folder is used)."""
    env = {k: v for k, v in os.environ.items() if k != "MPLCONFIGDIR"}
    env["HOME"] = "/proc"  # exists, looks writable to root, yet nothing can be created in it
    code = ("from tests.exports.test_chart import data; from bot.exports.chart import render;"
            "import logging; logging.basicConfig(level=logging.WARNING);"
            "assert render(data(2))[:4] == b'\\x89PNG'")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Matplotlib created a temporary cache" not in done.stderr
    assert "WARNING" not in done.stderr, done.stderr


def test_the_fallback_cache_folder_is_one_per_user_reused_not_one_per_start(
        tmp_path: Path) -> None:
    """With an unwritable home every start made a new /tmp/hoatoc-mpl-* that nothing removed
    (44 of them after a few days of tests) and rebuilt the font cache each time."""
    env = {k: v for k, v in os.environ.items() if k != "MPLCONFIGDIR"}
    env["HOME"], env["TMPDIR"] = "/proc", str(tmp_path)
    code = ("from tests.exports.test_chart import data; from bot.exports.chart import render;"
            "assert render(data(2))[:4] == b'\\x89PNG'")
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == [f"hoatoc-mpl-{os.getuid()}"]


def drawn(d: ChartData, monkeypatch: pytest.MonkeyPatch) -> Figure:
    """The figure `render` saved, laid out as in the PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    saved: list[Figure] = []
    save = Figure.savefig

    def keep(fig: Figure, *args: Any, **kwargs: Any) -> None:
        saved.append(fig)
        save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    render(d)
    [fig] = saved
    FigureCanvasAgg(fig).draw()
    return fig


@pytest.mark.parametrize("agencies", [1, 5, 20, MAX_BARS, 128])
def test_the_title_and_the_note_never_cover_the_bars(
    agencies: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tall chart (a province's 60 slowest agencies) had its title drawn across the top
    bar and the frame: the title sat at a fixed fraction of the height that tight_layout did
    not keep clear. The title stays above the plot, the note of hidden agencies below the
    axis label, both inside the picture."""
    fig = drawn(data(agencies, drill=True), monkeypatch)
    [ax] = fig.axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    title = fig.get_suptitle()
    assert title.startswith("DIỄN TẬP")
    title_box = next(t for t in fig.texts if t.get_text() == title).get_window_extent(renderer)
    plot = ax.get_window_extent(renderer)
    assert title_box.y0 > plot.y1 and title_box.y1 < fig.bbox.height
    notes = [t for t in fig.texts if t.get_text() != title]
    assert len(notes) == (agencies > MAX_BARS)
    axis = ax.get_tightbbox(renderer)
    assert axis is not None
    for note in notes:
        box = note.get_window_extent(renderer)
        assert box.y1 < axis.y0 and box.y0 >= 0


def test_the_legend_never_covers_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """It sat inside the plot, lower right: over the longest bars (the slowest agencies, the
    ones the chart is for) and, with few agencies, over every bar."""
    from matplotlib.figure import Figure

    drawn: list[Figure] = []
    save = Figure.savefig

    def keep(fig: Figure, *args: object, **kw: object) -> None:
        drawn.append(fig)
        save(fig, *args, **kw)

    monkeypatch.setattr(Figure, "savefig", keep)
    for agencies in (2, 5, MAX_BARS, 128):
        render(data(agencies))
        fig = drawn.pop()
        [ax] = fig.axes
        legends = [*fig.legends, *([ax.get_legend()] if ax.get_legend() else [])]
        assert len(legends) == 1
        legend, plot = legends[0].get_window_extent(), ax.get_window_extent()
        assert not legend.overlaps(plot), (agencies, legend, plot)
