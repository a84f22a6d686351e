"""Date arithmetic for test data that holds on every day of the year (29 February included)."""

from __future__ import annotations

from datetime import date, timedelta


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def next_weekday(day: date, weekday: int) -> date:
    """The first ``weekday`` (Monday = 0) on or after ``day``."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)
