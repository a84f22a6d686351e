"""The clinic page's tables and charts, built from the selectors' figures: every count and
percentage goes through ``suppression`` here, so the page, the charts and the CSV show the
same cells. Building the tables loops over groups (a handful of rows), never over intakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from assessments.scoring import DRIVER_LABELS

from . import selectors
from .charts import BarChart, BarInput, bar_chart
from .suppression import (
    breakdown_shares,
    drop_off,
    is_suppressed,
    share,
    shown_breakdown,
    shown_count,
    shown_drop_off,
    shown_median,
    shown_share,
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Table:
    key: str  # the CSV's name: /clinic/export/<key>.csv
    section: str
    title: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the first cell of each row is its header
    chart: BarChart | None = None


def _count_bar(label: str, count: int) -> BarInput:
    return BarInput(label, None if is_suppressed(count) else count, shown_count(count))


def _share_bar(label: str, numerator: int, denominator: int) -> BarInput:
    return BarInput(label, share(numerator, denominator), shown_share(numerator, denominator))


def _steps_table(key, section, title, caption, unit, steps) -> Table:
    """steps: (label, count) in funnel order; each step's share and drop-off are of the step
    before it."""
    rows, bars = [], []
    previous = None
    for label, count in steps:
        rows.append(
            (
                label,
                shown_count(count),
                "—" if previous is None else shown_share(count, previous),
                "—" if previous is None else shown_drop_off(previous, count),
            )
        )
        bars.append(_count_bar(label, count))
        previous = count
    chart = bar_chart(key, title, bars)
    columns = ("Step", unit, "Of the step before", "Dropped off")
    return Table(key, section, title, caption, columns, tuple(rows), chart)


def _breakdown(key, title, pairs):
    """Rows (label, count, share) and the chart of a breakdown (suppression.shown_breakdown)."""
    counts = [count for _, count in pairs]
    cells = shown_breakdown(counts)
    shares = breakdown_shares(counts)
    rows = tuple(
        (label, cell, share_cell)
        for (label, _), cell, share_cell in zip(pairs, cells, shares, strict=True)
    )
    bars = [
        BarInput(label, count if cell == str(count) else None, cell)
        for (label, count), cell in zip(pairs, cells, strict=True)
    ]
    return rows, bar_chart(key, title, bars)


def _mix_table(key, section, title, caption, heading, pairs) -> Table:
    rows, chart = _breakdown(key, title, pairs)
    return Table(key, section, title, caption, (heading, "Results", "Share"), rows, chart)


def _rates_table(key, title, caption, heading, groups: list[dict], name=lambda g: g["name"]):
    rows, bars = [], []
    for group in groups:
        label = name(group)
        due, no_show, late = group["due"], group["no_show"], group["late_cancel"]
        rows.append(
            (
                label,
                shown_count(due),
                shown_count(no_show),
                shown_share(no_show, due),
                shown_count(late),
                shown_share(late, due),
            )
        )
        bars.append(_share_bar(label, no_show, due))
    columns = (
        heading,
        "Visits due",
        "No-shows",
        "No-show rate",
        "Late cancels",
        "Late-cancel rate",
    )
    chart = bar_chart(key, f"{title}: no-show rate", bars)
    return Table(key, "operations", title, caption, columns, tuple(rows), chart)


def funnel_table(period) -> Table:
    f = selectors.funnel(period)
    steps = (
        ("Started the core", f["started"]),
        ("Reached a result", f["result"]),
        ("Booked a visit", f["booked"]),
        ("Attended", f["attended"]),
        ("Completed the 6-week check-in", f["six_weeks"]),
    )
    caption = (
        "Self-assessments started in the period and how far each got since. Started and "
        "reached a result count both clinics (a runner chooses a clinic when booking)."
    )
    return _steps_table("funnel", "funnel", "Online funnel", caption, "Intakes", steps)


def desk_funnel_table(period) -> Table:
    f = selectors.desk_funnel(period)
    steps = (
        ("Booked by the front desk", f["booked"]),
        ("Attended", f["attended"]),
        ("Completed the 6-week check-in", f["six_weeks"]),
    )
    table = _steps_table(
        "desk-funnel",
        "funnel",
        "Desk-booked funnel",
        "Initial evaluations the front desk booked in the period, and how far each got since.",
        "Visits",
        steps,
    )
    linked = (
        "…with a self-assessment linked",
        shown_count(f["with_intake"]),
        shown_share(f["with_intake"], f["booked"]),
        "—",
    )
    return Table(**{**table.__dict__, "rows": (table.rows[0], linked, *table.rows[1:])})


def draft_pages_table(period) -> Table:
    pairs = selectors.draft_pages(period)
    title = "Where unfinished drafts stopped"
    rows, chart = _breakdown("draft-pages", title, pairs)
    caption = (
        "Drafts of the current questionnaire started in the period and not submitted, by the "
        "page they stopped on (from the pages each moved past; drafts are deleted after 30 days)."
    )
    columns = ("Page", "Drafts that stopped here", "Share of unfinished drafts")
    return Table("draft-pages", "funnel", title, caption, columns, rows, chart)


def profile_tables(period) -> list[Table]:
    mix = selectors.profile_mix(period)
    note = "Results reached in the period, both clinics."
    return [
        _mix_table("drivers", "profile", "Primary driver", note, "Primary driver", mix["drivers"]),
        _mix_table(
            "likelihood",
            "profile",
            "ITB-pattern likelihood",
            note,
            "Likelihood",
            mix["likelihoods"],
        ),
        _mix_table("flags", "profile", "Safety flags", note, "Highest flag", mix["flags"]),
    ]


def _driver_label(key: str | None) -> str:
    if key is None:  # a visit booked without a self-assessment
        return "No self-assessment"
    return DRIVER_LABELS.get(key, "No clear driver")


def meaningful_change_table(period) -> Table:
    rows, bars = [], []
    for group in selectors.meaningful_change(period):
        label = f"{_driver_label(group['driver'])}, {group['week']} weeks"
        rows.append(
            (
                label,
                shown_count(group["nprs_n"]),
                shown_count(group["nprs_reached"]),
                shown_share(group["nprs_reached"], group["nprs_n"]),
                shown_count(group["lefs_n"]),
                shown_count(group["lefs_reached"]),
                shown_share(group["lefs_reached"], group["lefs_n"]),
            )
        )
        bars.append(_share_bar(label, group["nprs_reached"], group["nprs_n"]))
    columns = (
        "Primary driver, check-in",
        "NPRS compared",
        "NPRS improved ≥ 2",
        "NPRS share",
        "LEFS compared",
        "LEFS improved ≥ 9",
        "LEFS share",
    )
    title = "Meaningful change by primary driver"
    caption = (
        "6- and 12-week check-ins submitted in the period, compared with the baseline at the "
        "evaluation: meaningful change is NPRS down 2 points or more, LEFS up 9 or more."
    )
    chart = bar_chart(
        "meaningful-change", f"{title}: share with NPRS improved 2 points", bars, scale_max=100
    )
    return Table("meaningful-change", "profile", title, caption, columns, tuple(rows), chart)


def operations_tables(period) -> list[Table]:
    caption = (
        "Visits due in the period (attended, no-show or late cancel; cancellations in good time "
        "and visits still to come are left out)."
    )
    return [
        _rates_table(
            "by-clinic", "By clinic", caption, "Clinic", selectors.rates_by_clinic(period)
        ),
        _rates_table(
            "by-clinician",
            "By clinician",
            caption,
            "Clinician",
            selectors.rates_by_clinician(period),
        ),
        _rates_table(
            "by-weekday",
            "By weekday",
            caption,
            "Weekday",
            selectors.rates_by_weekday(period),
            name=lambda g: WEEKDAYS[g["weekday"] - 1],
        ),
    ]


def days(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def summary_table(period) -> Table:
    lead = selectors.lead_time(period)
    offers = selectors.waitlist_offers(period)
    rows = (
        (
            "Median days from result to evaluation",
            shown_median(days(lead["median"]), lead["count"], unit=" days"),
        ),
        ("Evaluations counted for the lead time", shown_count(lead["count"])),
        ("Waitlist offers sent", shown_count(offers["sent"])),
        ("Waitlist offers booked", shown_count(offers["filled"])),
        ("Share of offers booked", shown_share(offers["filled"], offers["sent"])),
    )
    caption = (
        "Lead time: attended initial evaluations in the period linked to a self-assessment. "
        "Waitlist: offers made in the period."
    )
    return Table(
        "lead-time-waitlist",
        "operations",
        "Lead time and waitlist",
        caption,
        ("Measure", "Value"),
        rows,
    )


BUILDERS: dict[str, Callable] = {
    "funnel": lambda p: [funnel_table(p), desk_funnel_table(p), draft_pages_table(p)],
    "profile": lambda p: [*profile_tables(p), meaningful_change_table(p)],
    "operations": lambda p: [*operations_tables(p), summary_table(p)],
}
TABLE_KEYS = {
    "funnel": "funnel",
    "desk-funnel": "funnel",
    "draft-pages": "funnel",
    "drivers": "profile",
    "likelihood": "profile",
    "flags": "profile",
    "meaningful-change": "profile",
    "by-clinic": "operations",
    "by-clinician": "operations",
    "by-weekday": "operations",
    "lead-time-waitlist": "operations",
}


def all_tables(period) -> list[Table]:
    return [table for build in BUILDERS.values() for table in build(period)]


def table(period, key: str) -> Table | None:
    """One table (for its CSV): only its section's queries run."""
    section = TABLE_KEYS.get(key)
    if section is None:
        return None
    return next(t for t in BUILDERS[section](period) if t.key == key)


__all__ = ["Table", "all_tables", "days", "drop_off", "table"]
