"""English date and time labels for list pages, formatted directly.

The list pages (slot picker, review queue) label dozens of dates; the ``date`` template filter
and ``strftime`` cost a translation or locale lookup per call, which was a large part of those
pages' time. The output matches Django's formats named in each docstring (English site).
"""

from datetime import date, datetime, time

from django.utils import timezone

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day_short(day: date) -> str:
    """'Thu, Nov 26' (``D, M j``)."""
    return f"{WEEKDAYS[day.weekday()][:3]}, {MONTHS[day.month - 1][:3]} {day.day}"


def day_long(day: date) -> str:
    """'Thursday, November 26' (``l, F j``)."""
    return f"{WEEKDAYS[day.weekday()]}, {MONTHS[day.month - 1]} {day.day}"


def month_day(day: date) -> str:
    """'Nov 26' (``M j``)."""
    return f"{MONTHS[day.month - 1][:3]} {day.day}"


def month_day_long(day: date) -> str:
    """'November 26' (``F j``)."""
    return f"{MONTHS[day.month - 1]} {day.day}"


def clock(moment: datetime | time) -> str:
    """'9:05 AM' (``g:i A``), in the datetime's own zone: the one way the site writes a time
    (visits, opening hours, time off)."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def short_datetime(value: datetime, *, weekday: bool = True) -> str:
    """'Wed Nov 25, 2:35 PM' in the current time zone (the clinic's)."""
    local = timezone.localtime(value)
    prefix = f"{WEEKDAYS[local.weekday()][:3]} " if weekday else ""
    return f"{prefix}{month_day(local)}, {clock(local)}"
