"""The course of a runner's check-ins as chart geometry for a server-rendered SVG: plain
Python, no Django. The template (templates/outcomes/includes/course_chart.html) draws it; the
same values are printed beside each point and in a data table under the chart."""

from __future__ import annotations

from dataclasses import dataclass

from . import instruments
from .instruments import Instrument

WIDTH, HEIGHT = 340, 210
LEFT, RIGHT, TOP, BOTTOM = 40, 24, 18, 40
PLOT_W = WIDTH - LEFT - RIGHT
PLOT_H = HEIGHT - TOP - BOTTOM
LAST_WEEK = 12
WEEK_LABELS = {0: "Eval", 2: "2 wk", 6: "6 wk", 12: "12 wk"}


@dataclass(frozen=True)
class CoursePoint:
    week: int  # 0 = the baseline at the evaluation
    nprs: int | None
    lefs: int | None
    running: str
    groc: int | None = None


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    value: int
    label: str  # "2 wk: 3"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    heading: str
    desc: str
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    polyline: str
    marks: tuple[Mark, ...]
    mcid: Line | None
    full_training: Line | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM


def x_of(week: int) -> float:
    return round(LEFT + PLOT_W * week / LAST_WEEK, 1)


def y_of(value: float, instrument: Instrument) -> float:
    span = instrument.max_total - instrument.min_total
    return round(TOP + PLOT_H * (instrument.max_total - value) / span, 1)


def first_full_training(points: list[CoursePoint]) -> CoursePoint | None:
    """The first check-in at full training after one that was not ("back to" full training:
    a runner who never stopped has nothing to mark)."""
    stopped = False
    for point in points:
        if point.running != instruments.RUNNING_FULL:
            stopped = True
        elif stopped:
            return point
    return None


def _panel(
    key: str,
    instrument: Instrument,
    points: list[CoursePoint],
    values: list[int | None],
    ticks: range,
    mcid_words: str,
    heading: str,
) -> Panel:
    measured = [(p, v) for p, v in zip(points, values, strict=True) if v is not None]
    marks = tuple(
        Mark(x_of(p.week), y_of(v, instrument), v, f"{WEEK_LABELS.get(p.week, p.week)}: {v}")
        for p, v in measured
    )
    baseline = next((v for p, v in measured if p.week == 0), None)
    mcid = None
    if baseline is not None:
        target = instruments.mcid_threshold(instrument, baseline)
        if instrument.min_total <= target <= instrument.max_total:
            y = y_of(target, instrument)
            mcid = Line(LEFT, y, WIDTH - RIGHT, y, f"{mcid_words} ({target})", LEFT + 4, y - 4)
    full = first_full_training(points)
    full_line = None
    if full is not None:
        x = x_of(full.week)
        full_line = Line(
            x,
            TOP,
            x,
            HEIGHT - BOTTOM,
            "Back to full training",
            min(x + 4, WIDTH - RIGHT - 4),
            TOP + 10,
        )
    parts = [f"{WEEK_LABELS.get(p.week, p.week)} {v}" for p, v in measured]
    desc = f"{instrument.name} over 12 weeks: " + (", ".join(parts) if parts else "no values yet")
    if mcid is not None:
        desc += f". Meaningful change line at {mcid.label.split('(')[-1].rstrip(')')}"
    if full is not None:
        desc += f". Back to full training at {WEEK_LABELS.get(full.week, full.week)}"
    return Panel(
        key=key,
        title=instrument.name,
        heading=heading,
        desc=desc + ".",
        y_ticks=tuple((y_of(t, instrument), str(t)) for t in ticks),
        x_ticks=tuple((x_of(w), label) for w, label in WEEK_LABELS.items()),
        polyline=" ".join(f"{m.x},{m.y}" for m in marks),
        marks=marks,
        mcid=mcid,
        full_training=full_line,
    )


def course_panels(points: list[CoursePoint]) -> tuple[Panel, Panel]:
    """Two panels: worst pain (NPRS 0-10, lower is better; the line 2 points under the
    baseline) and function (LEFS 0-80, higher is better; the line 9 points above it)."""
    points = sorted(points, key=lambda p: p.week)
    nprs = _panel(
        "nprs",
        instruments.NPRS,
        points,
        [p.nprs for p in points],
        range(0, 11, 2),
        "Meaningful change: 2 points less pain",
        "Worst pain (0-10, lower is better)",
    )
    lefs = _panel(
        "lefs",
        instruments.LEFS,
        points,
        [p.lefs for p in points],
        range(0, 81, 20),
        "Meaningful change: 9 points more function",
        "Function: LEFS (0-80, higher is better)",
    )
    return nprs, lefs
