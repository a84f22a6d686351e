"""Horizontal bar charts as geometry for a server-rendered SVG: plain Python, no Django.

The template (templates/clinic/includes/bar_chart.html) draws it with a <title> and <desc>;
each bar's value is printed beside it, and the same figures are in the table under the chart.
A suppressed cell (``suppression``) gets no bar, only its "<5": a bar's length would tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 560
LABEL_W = 250  # the row labels, left of the bars (36 characters at 12 px)
VALUE_W = 60  # the printed value, right of the longest bar
BAR_H = 20
GAP = 8
TOP = 6


@dataclass(frozen=True)
class BarInput:
    label: str
    value: float | None  # None: not drawn (suppressed or not applicable)
    text: str  # what is printed: "42", "<5", "18%", "—"


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: float  # top of the bar
    text_y: float  # the baseline of the label and value text
    width: float  # 0 for a value not drawn
    value_x: float


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    desc: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_x: int = LABEL_W
    bar_height: int = BAR_H


def bar_chart(key: str, title: str, rows: Sequence[BarInput], *, scale_max=None) -> BarChart:
    """Bars scaled to the largest drawn value (or ``scale_max``, e.g. 100 for percentages)."""
    drawn = [row.value for row in rows if row.value is not None]
    top = scale_max or max(drawn, default=0) or 1
    plot_w = WIDTH - LABEL_W - VALUE_W
    bars = []
    for index, row in enumerate(rows):
        y = TOP + index * (BAR_H + GAP)
        width = 0.0 if row.value is None else round(plot_w * min(row.value, top) / top, 1)
        bars.append(
            Bar(
                label=row.label,
                text=row.text,
                y=y,
                text_y=y + BAR_H * 0.7,
                width=width,
                value_x=LABEL_W + width + 6,
            )
        )
    described = "; ".join(f"{row.label}: {row.text}" for row in rows) or "No data in this period"
    return BarChart(
        key=key,
        title=title,
        desc=described + ".",
        bars=tuple(bars),
        width=WIDTH,
        height=max(TOP * 2 + len(rows) * (BAR_H + GAP), 30),
    )
