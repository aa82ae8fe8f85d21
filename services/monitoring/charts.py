"""The monitoring's charts, sent as photos and embedded in the note: an indicator school by
school (or district by district) against the median, drawn to be read on a phone.

The figure, the font (DejaVu Sans from matplotlib's data) and the sizes are those of the
completion report's chart (services/reports/charts.py). Bars are sorted from the highest; a
long list shows its first and its last :data:`HALF` bars with one line between them that says
how many are left out and their range. Green above the median, red below, grey on it; the
median is a dashed line. Figures are written the Russian way (services/monitoring/numfmt.py).
"""

from __future__ import annotations

import io
import statistics
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from services.monitoring.numfmt import ru_number
from services.monitoring.summary import DistrictSummary, MonitoringSummary, Standing, standing
from services.reports.charts import (
    BAR_IN,
    DPI,
    LABEL_LINES,
    LABEL_WIDTH,
    MAX_BARS,
    TOP_IN,
    WIDTH_IN,
    chart_font,
)

HALF = MAX_BARS // 2
COLORS = {Standing.ABOVE: "#5cb85c", Standing.EQUAL: "#9e9e9e", Standing.BELOW: "#d9534f"}
MEDIAN_COLOR = "#1f4e79"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float


@dataclass(frozen=True)
class ChartWords:
    """Templates: ``median`` {value}; ``more`` {count}, {low}, {high}; ``no_data`` {count}."""

    median: str
    more: str
    no_data: str


def _label(text: str) -> str:
    return textwrap.fill(
        " ".join(text.split()), width=LABEL_WIDTH, max_lines=LABEL_LINES, placeholder="…"
    )


def _figure(value: float, places: int, percent: bool) -> str:
    return ru_number(value, places) + ("\u00a0%" if percent else "")


def indicator_chart(
    bars: Sequence[Bar],
    median: float | None,
    title: str,
    words: ChartWords,
    *,
    no_data: int = 0,
    places: int = 1,
    percent: bool = False,
) -> bytes:
    """A PNG of horizontal bars, the highest on top, and the median as a dashed line.

    ``no_data``: how many schools have no value (said under the title). ValueError when there
    is no bar to draw.
    """
    if not bars:
        raise ValueError("nothing to draw")
    ordered = sorted(bars, key=lambda b: (-b.value, b.label))
    rows: list[Bar | None] = list(ordered)
    note_lines = []
    if len(ordered) > MAX_BARS:
        middle = ordered[HALF:-HALF]
        rows = [*ordered[:HALF], None, *ordered[-HALF:]]
        gap = words.more.format(
            count=len(middle),
            low=_figure(middle[-1].value, places, percent),
            high=_figure(middle[0].value, places, percent),
        )
    else:
        gap = ""
    if median is not None:
        note_lines.append(words.median.format(value=_figure(median, places, percent)))
    if no_data:
        note_lines.append(words.no_data.format(count=no_data))
    heading = "\n".join([title, "; ".join(note_lines)] if note_lines else [title])
    height = TOP_IN + BAR_IN * len(rows) + 0.3 * heading.count("\n")
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    regular, bold = chart_font(), chart_font(bold=True)
    drawn = [(i, bar) for i, bar in enumerate(rows) if bar is not None]
    positions = [i for i, _ in drawn]
    values = [bar.value for _, bar in drawn]
    colors = [COLORS[standing(v, median) or Standing.EQUAL] for v in values]
    axes.barh(positions, values, color=colors, height=0.7)
    labels = [_label(bar.label) if bar is not None else _label(gap) for bar in rows]
    axes.set_yticks(range(len(rows)), labels)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    top = max([*values, median or 0.0, 0.0])
    axes.set_xlim(0, top * 1.22 if top > 0 else 1)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: ru_number(x, places)))
    axes.xaxis.tick_top()
    for label in (*axes.get_yticklabels(), *axes.get_xticklabels()):
        label.set_fontproperties(regular)
        label.set_fontsize(10)
    for position, value in zip(positions, values, strict=True):
        axes.text(
            value + top * 0.01,
            position,
            _figure(value, places, percent),
            va="center",
            ha="left",
            fontproperties=bold,
            fontsize=10,
        )
    if median is not None:
        axes.axvline(median, color=MEDIAN_COLOR, linestyle="--", linewidth=1.5)
    for side in ("right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="x", alpha=0.3)
    axes.set_axisbelow(True)
    figure.suptitle(heading, fontproperties=bold, fontsize=12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


@dataclass(frozen=True)
class ChartSpec:
    code: str
    title: str  # {where}, {year}
    places: int = 1
    percent: bool = False


def district_chart(
    district: DistrictSummary, spec: ChartSpec, title: str, words: ChartWords
) -> bytes | None:
    """One indicator of a district's schools against their median; None with no value."""
    bars = [
        Bar(row.name, value)
        for row in district.rows
        if (value := row.indicators.get(spec.code)) is not None
    ]
    if not bars:
        return None
    return indicator_chart(
        bars,
        district.group.medians.get(spec.code),
        title,
        words,
        no_data=len(district.rows) - len(bars),
        places=spec.places,
        percent=spec.percent,
    )


def republic_chart(
    summary: MonitoringSummary, spec: ChartSpec, title: str, words: ChartWords
) -> bytes | None:
    """One indicator of each district (its own value) against the median of the districts."""
    bars = [
        Bar(d.name, value)
        for d in summary.districts
        if (value := d.group.totals.get(spec.code)) is not None
    ]
    if not bars:
        return None
    median = float(statistics.median(bar.value for bar in bars))
    return indicator_chart(
        bars,
        median,
        title,
        words,
        no_data=len(summary.districts) - len(bars),
        places=spec.places,
        percent=spec.percent,
    )
