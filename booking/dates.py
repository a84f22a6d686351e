"""How far back and ahead a date from a URL or a form may reach.

Dates like 9999-12-31 or 0001-01-01 are valid ISO dates but overflow the day arithmetic of a
calendar (a 500). The book never needs more than a year back or two years ahead.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

REACH_BACK = timedelta(days=400)
REACH_AHEAD = timedelta(days=800)


def within_reach(day: date, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return today - REACH_BACK <= day <= today + REACH_AHEAD


def validate_within_reach(day: date) -> None:
    """Form validator: a date within a year back and two years ahead."""
    if isinstance(day, datetime):
        day = day.date()
    if day is not None and not within_reach(day):
        raise forms.ValidationError("Please enter a date within a year back or two years ahead.")


def local_bounds(zone: ZoneInfo, first: date, days: int) -> tuple[datetime, datetime]:
    """The aware start of ``first`` and of the day ``days`` later, in ``zone``."""
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(first + timedelta(days=days), time(0), tzinfo=zone)
    return start, end
