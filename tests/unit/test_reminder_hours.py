"""The reminders' sending hours (itband.reminders.next_sending_time): 08:00 to 20:00 in New
York, a DST change in the night keeping 08:00 at 08:00."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from itband.reminders import in_sending_hours, next_sending_time

NY = ZoneInfo("America/New_York")


def ny(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=NY, fold=fold).astimezone(UTC)


@pytest.mark.parametrize(
    ("due", "sent"),
    [
        (ny(2026, 6, 10, 8, 0), ny(2026, 6, 10, 8, 0)),  # opening time: at once
        (ny(2026, 6, 10, 19, 59), ny(2026, 6, 10, 19, 59)),
        (ny(2026, 6, 10, 20, 0), ny(2026, 6, 11, 8, 0)),  # closing time: tomorrow
        (ny(2026, 6, 10, 2, 0), ny(2026, 6, 10, 8, 0)),
        (ny(2026, 6, 10, 7, 59), ny(2026, 6, 10, 8, 0)),
        (ny(2027, 3, 14, 1, 30), ny(2027, 3, 14, 8, 0)),  # spring forward in between
        (ny(2027, 3, 13, 23, 0), ny(2027, 3, 14, 8, 0)),
        (ny(2027, 11, 7, 1, 30, fold=1), ny(2027, 11, 7, 8, 0)),  # the repeated hour
        (ny(2027, 11, 6, 21, 0), ny(2027, 11, 7, 8, 0)),
        (ny(2028, 2, 28, 22, 0), ny(2028, 2, 29, 8, 0)),  # to the leap day
        (ny(2028, 2, 29, 23, 0), ny(2028, 3, 1, 8, 0)),
        (ny(2026, 12, 31, 23, 45), ny(2027, 1, 1, 8, 0)),  # year end
    ],
)
def test_due_in_the_quiet_hours_waits_until_eight_local(due, sent):
    assert next_sending_time(due) == sent
    assert sent.astimezone(NY).hour == 8 or sent == due
    assert in_sending_hours(sent)
    assert in_sending_hours(due) == (sent == due)
