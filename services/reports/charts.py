"""Charts sent as photos in the chat, drawn to be read on a phone.

matplotlib draws without pyplot (a Figure with the Agg canvas: no global state, safe in a worker
thread), every text in DejaVu Sans from matplotlib's own data (services/fonts.py), so Cyrillic
is drawn with its glyphs, never as boxes. The words come from the caller.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from functools import cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import PercentFormatter

from services.fonts import BOLD, REGULAR, font_files
from services.reports.completion import EventShare
from services.timeutil import fmt_date

WIDTH_IN = 6.4  # at DPI: about 1090 px, a phone's width
DPI = 170
BAR_IN = 0.5  # height of one line: a label of two lines in 10 pt
TOP_IN = 1.0  # the title, the axis
MAX_BARS = 40
LABEL_WIDTH = 30  # characters per line of a label
LABEL_LINES = 2
GOOD, FAIR = 0.8, 0.5
COLORS = ("#d9534f", "#f0ad4e", "#5cb85c")  # below half, below 80 %, at least 80 %


@cache
def chart_font(bold: bool = False) -> FontProperties:
    """DejaVu Sans (or its bold face) from its file: no lookup, no fallback."""
    return FontProperties(fname=str(font_files()[BOLD if bold else REGULAR]))


def bar_label(item: EventShare) -> str:
    """«дд.мм.гггг Title», wrapped to two lines and shortened with «…»."""
    text = f"{fmt_date(item.starts_on)} {' '.join(item.title.split())}"
    return textwrap.fill(text, width=LABEL_WIDTH, max_lines=LABEL_LINES, placeholder="…")


def percent_label(item: EventShare) -> str:
    return f"{round(item.share * 100)} % ({item.answered}/{item.asked})"


def _color(value: float) -> str:
    if value >= GOOD:
        return COLORS[2]
    return COLORS[1] if value >= FAIR else COLORS[0]


def share_chart(items: Sequence[EventShare], title: str, more: str = "") -> bytes:
    """A PNG of horizontal bars: each event's share of the schools asked that answered it.

    At most :data:`MAX_BARS` bars (the first ones of the period); ``more`` (a template with
    ``{count}``) then says how many are left out, under the title.
    """
    if not items:
        raise ValueError("nothing to draw")
    shown = list(items[:MAX_BARS])
    left_out = len(items) - len(shown)
    heading = title if not (left_out and more) else f"{title}\n{more.format(count=left_out)}"
    height = TOP_IN + BAR_IN * len(shown) + (0.3 if "\n" in heading else 0.0)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    regular, bold = chart_font(), chart_font(bold=True)
    positions = list(range(len(shown)))
    values = [item.share for item in shown]
    axes.barh(positions, values, color=[_color(v) for v in values], height=0.7)
    axes.set_yticks(positions, [bar_label(item) for item in shown])
    axes.set_ylim(len(shown) - 0.5, -0.5)  # the first event on top, no empty margins
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.xaxis.tick_top()
    for label in (*axes.get_yticklabels(), *axes.get_xticklabels()):
        label.set_fontproperties(regular)
        label.set_fontsize(10)
    for position, item in zip(positions, shown, strict=True):
        inside = item.share >= 0.6
        axes.text(
            item.share - 0.01 if inside else item.share + 0.01,
            position,
            percent_label(item),
            va="center",
            ha="right" if inside else "left",
            fontproperties=bold,
            fontsize=10,
            color="white" if inside else "black",
        )
    for side in ("right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="x", alpha=0.3)
    axes.set_axisbelow(True)
    figure.suptitle(heading, fontproperties=bold, fontsize=12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
