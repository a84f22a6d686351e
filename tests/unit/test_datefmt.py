"""itband.datefmt writes what Django's date filters write, for every month, weekday and hour."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.dateformat import format as django_format

from itband import datefmt

NEW_YORK = ZoneInfo("America/New_York")
DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 400, 3)]
MOMENTS = [
    datetime(2026, 3, 7, 0, 0, tzinfo=NEW_YORK) + timedelta(minutes=37 * n) for n in range(200)
]


@pytest.mark.parametrize(
    ("ours", "django_spec"),
    [
        (datefmt.day_short, "D, M j"),
        (datefmt.day_long, "l, F j"),
        (datefmt.month_day, "M j"),
        (datefmt.month_day_long, "F j"),
    ],
)
def test_day_labels_match_djangos(ours, django_spec):
    for day in DAYS:
        assert ours(day) == django_format(day, django_spec), day


def test_clock_matches_djangos_across_every_hour_and_a_clock_change():
    for moment in MOMENTS:  # 2026-03-08: clocks go forward in New York
        assert datefmt.clock(moment) == django_format(moment, "g:i A"), moment


def test_short_datetime_is_in_the_clinics_zone():
    moment = datetime(2026, 11, 25, 19, 35, tzinfo=UTC)  # 2:35 PM in New York
    with timezone.override(NEW_YORK):
        assert datefmt.short_datetime(moment) == "Wed Nov 25, 2:35 PM"
        assert datefmt.short_datetime(moment, weekday=False) == "Nov 25, 2:35 PM"
        midnight = datetime(2026, 11, 26, 5, 5, tzinfo=UTC)
        assert datefmt.short_datetime(midnight) == "Thu Nov 26, 12:05 AM"
