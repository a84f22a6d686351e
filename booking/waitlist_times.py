"""The times a waitlist entry accepts: weekday × part of the day, at the clinic's clock.

Pure (no database): ``part_of_day`` names a start's part, ``accepts`` says whether an entry's
choices take a start. The choices are stored as strings, "mon-morning", in
``WaitlistEntry.times``.
"""

from datetime import datetime, time

WEEKDAYS = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)
# (key, name, hours, first start that belongs to it): a visit belongs to the part it starts in.
PARTS = (
    ("morning", "Morning", "before 12 PM", time(0)),
    ("afternoon", "Afternoon", "12–5 PM", time(12)),
    ("evening", "Evening", "from 5 PM", time(17)),
)
ALL = tuple(f"{day}-{part}" for day, _ in WEEKDAYS for part, *_ in PARTS)


def part_of_day(local_start: datetime) -> str:
    wall = local_start.time()
    found = PARTS[0][0]
    for key, _, _, begins in PARTS:
        if wall >= begins:
            found = key
    return found


def time_key(local_start: datetime) -> str:
    """ "tue-evening" for a Tuesday 6 PM start (``local_start`` at the clinic's clock)."""
    return f"{WEEKDAYS[local_start.weekday()][0]}-{part_of_day(local_start)}"


def accepts(times, local_start: datetime) -> bool:
    return time_key(local_start) in set(times)


def describe(times) -> str:
    """ "Mon morning, Mon evening, Sat afternoon" in week order, for the desk and the emails."""
    chosen = set(times)
    if chosen >= set(ALL):
        return "Any time"
    words = []
    for day, day_label in WEEKDAYS:
        for part, *_ in PARTS:
            if f"{day}-{part}" in chosen:
                words.append(f"{day_label[:3]} {part}")
    return ", ".join(words)
