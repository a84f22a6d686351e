"""booking.slots: table tests, DST weeks, and properties checked against a brute-force oracle."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
import time as wallclock
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.slots import (
    Interval,
    Slot,
    SlotRules,
    TakenTime,
    WeeklyHours,
    first_available,
    free_days,
    free_slots,
    slots_by_day,
)

NY = ZoneInfo("America/New_York")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEDNESDAY = date(2026, 6, 3)  # an ordinary summer Wednesday, far from any DST change
EARLY_NOW = datetime(2025, 12, 1, 9, 0, tzinfo=NY)  # before every date the tests use
SLOTS_PY = Path(__file__).resolve().parents[2] / "booking" / "slots.py"


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def at(day: date, hhmm: str, *, tz: ZoneInfo = NY, fold: int = 0) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=tz).replace(fold=fold)


def block(weekday: int, start: str, end: str) -> WeeklyHours:
    return WeeklyHours(weekday, time.fromisoformat(start), time.fromisoformat(end))


def rules(duration: int, **kwargs: timedelta) -> SlotRules:
    kwargs.setdefault("step", minutes(15))
    kwargs.setdefault("min_notice", timedelta(0))
    kwargs.setdefault("horizon", timedelta(days=1000))
    return SlotRules(duration=minutes(duration), **kwargs)


def find(
    hours: list[WeeklyHours],
    slot_rules: SlotRules,
    *,
    start_date: date = WEDNESDAY,
    end_date: date | None = None,
    now: datetime = EARLY_NOW,
    **kwargs: object,
) -> list[Slot]:
    return free_slots(
        hours=hours,
        tz=NY,
        rules=slot_rules,
        now=now,
        start_date=start_date,
        end_date=end_date or start_date,
        **kwargs,  # type: ignore[arg-type]
    )


def local_starts(slots: list[Slot]) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in slots]


def utc_key(slot: Slot) -> tuple[datetime, datetime]:
    return slot.start.astimezone(UTC), slot.end.astimezone(UTC)


def exists(value: datetime) -> bool:
    """A local time exists when it survives a round trip through UTC."""
    back = value.astimezone(UTC).astimezone(value.tzinfo)
    return back.replace(tzinfo=None) == value.replace(tzinfo=None)


# --- table tests -----------------------------------------------------------------------------


def busy_at(day: date, start: str, end: str) -> Interval:
    return Interval(at(day, start), at(day, end))


TABLE = {
    "simple day": {
        "hours": [block(WED, "09:00", "11:00")],
        "rules": rules(60, step=minutes(30)),
        "expected": ["09:00", "09:30", "10:00"],
    },
    "buffers keep clear of a busy visit": {
        "hours": [block(WED, "09:00", "12:00")],
        "rules": rules(60, step=minutes(30), buffer_before=minutes(15), buffer_after=minutes(15)),
        "busy": [busy_at(WEDNESDAY, "11:00", "11:30")],
        "expected": ["09:00", "09:30"],
    },
    "buffer reaches before the working hours": {
        "hours": [block(WED, "09:00", "11:00")],
        "rules": rules(60, step=minutes(30), buffer_before=minutes(15)),
        "busy": [busy_at(WEDNESDAY, "08:00", "08:50")],
        "expected": ["09:30", "10:00"],
    },
    "buffer touching a busy visit is fine (half-open)": {
        "hours": [block(WED, "09:00", "11:00")],
        "rules": rules(60, step=minutes(30), buffer_before=minutes(15)),
        "busy": [busy_at(WEDNESDAY, "08:00", "08:45")],
        "expected": ["09:00", "09:30", "10:00"],
    },
    "buffer reaches after the working hours": {
        "hours": [block(WED, "09:00", "11:00")],
        "rules": rules(60, step=minutes(30), buffer_after=minutes(15)),
        "busy": [busy_at(WEDNESDAY, "11:10", "12:00")],
        "expected": ["09:00", "09:30"],
    },
    "busy in the middle": {
        "hours": [block(WED, "09:00", "13:00")],
        "rules": rules(60, step=minutes(30)),
        "busy": [busy_at(WEDNESDAY, "10:30", "11:00")],
        "expected": ["09:00", "09:30", "11:00", "11:30", "12:00"],
    },
    "busy given in UTC": {
        "hours": [block(WED, "09:00", "13:00")],
        "rules": rules(60, step=minutes(60)),
        "busy": [
            Interval(
                datetime(2026, 6, 3, 14, 0, tzinfo=UTC), datetime(2026, 6, 3, 15, 0, tzinfo=UTC)
            )
        ],
        "expected": ["09:00", "11:00", "12:00"],
    },
    "time off": {
        "hours": [block(WED, "09:00", "17:00")],
        "rules": rules(60, step=minutes(60)),
        "blocked": [busy_at(WEDNESDAY, "12:00", "14:00")],
        "expected": ["09:00", "10:00", "11:00", "14:00", "15:00", "16:00"],
    },
    "whole-day time off": {
        "hours": [block(WED, "09:00", "17:00")],
        "rules": rules(60),
        "blocked": [Interval(at(WEDNESDAY, "00:00"), at(WEDNESDAY + timedelta(days=1), "00:00"))],
        "expected": [],
    },
    "closure date": {
        "hours": [block(WED, "09:00", "10:00")],
        "rules": rules(60),
        "closed_dates": [WEDNESDAY],
        "expected": [],
    },
    "closure of another date": {
        "hours": [block(WED, "09:00", "10:00")],
        "rules": rules(60),
        "closed_dates": [WEDNESDAY + timedelta(days=7)],
        "expected": ["09:00"],
    },
    "min notice, boundary included": {
        "hours": [block(WED, "09:00", "13:00")],
        "rules": rules(60, step=minutes(30), min_notice=timedelta(hours=2)),
        "now": at(WEDNESDAY, "08:00"),
        "expected": ["10:00", "10:30", "11:00", "11:30", "12:00"],
    },
    "min notice from yesterday evening": {
        "hours": [block(WED, "09:00", "12:00")],
        "rules": rules(60, step=minutes(60), min_notice=timedelta(hours=12)),
        "now": at(WEDNESDAY - timedelta(days=1), "22:00"),
        "expected": ["10:00", "11:00"],
    },
    "horizon, boundary included": {
        "hours": [block(WED, "09:00", "12:00")],
        "rules": rules(30, step=minutes(30), horizon=timedelta(days=1)),
        "now": at(WEDNESDAY - timedelta(days=1), "10:00"),
        "expected": ["09:00", "09:30", "10:00"],
    },
    "step alignment from the block's start": {
        "hours": [block(WED, "09:10", "10:30")],
        "rules": rules(30, step=minutes(20)),
        "expected": ["09:10", "09:30", "09:50"],
    },
    "min notice does not shift the grid": {
        "hours": [block(WED, "09:10", "11:00")],
        "rules": rules(30, step=minutes(20), min_notice=timedelta(minutes=35)),
        "now": at(WEDNESDAY, "09:00"),
        "expected": ["09:50", "10:10", "10:30"],
    },
    "two blocks with a lunch break": {
        "hours": [block(WED, "13:00", "15:00"), block(WED, "09:00", "11:00")],
        "rules": rules(60, step=minutes(30)),
        "expected": ["09:00", "09:30", "10:00", "13:00", "13:30", "14:00"],
    },
    "duration that does not fit at the block's end": {
        "hours": [block(WED, "09:00", "10:45")],
        "rules": rules(60),
        "expected": ["09:00", "09:15", "09:30", "09:45"],
    },
    "duration longer than the block": {
        "hours": [block(WED, "09:00", "09:45")],
        "rules": rules(60),
        "expected": [],
    },
    "touching blocks join into one working span": {
        "hours": [block(WED, "09:00", "12:00"), block(WED, "12:00", "14:00")],
        "rules": rules(90, step=minutes(30)),
        "expected": ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30"],
    },
    "overlapping blocks keep each grid, without duplicates": {
        "hours": [
            block(WED, "09:00", "11:00"),
            block(WED, "09:10", "10:00"),
            block(WED, "09:00", "11:00"),
        ],
        "rules": rules(30, step=minutes(30)),
        "expected": ["09:00", "09:10", "09:30", "09:40", "10:00", "10:30"],
    },
    "hours on other weekdays only": {
        "hours": [block(TUE, "09:00", "17:00"), block(THU, "09:00", "17:00")],
        "rules": rules(60),
        "expected": [],
    },
    "no hours": {"hours": [], "rules": rules(60), "expected": []},
}


@pytest.mark.parametrize("case", TABLE.values(), ids=TABLE.keys())
def test_table(case: dict) -> None:
    case = dict(case)
    hours, slot_rules, expected = case.pop("hours"), case.pop("rules"), case.pop("expected")
    slots = find(hours, slot_rules, **case)
    assert local_starts(slots) == expected
    for slot in slots:
        assert slot.start.date() == WEDNESDAY
        assert slot.start.tzinfo is NY and slot.end.tzinfo is NY
        assert slot.duration == slot_rules.duration


def test_weekday_mapping() -> None:
    monday = date(2026, 6, 1)
    assert monday.weekday() == MON
    hours = [
        block(MON, "09:00", "10:00"),
        block(SUN, "14:00", "15:00"),
        block(FRI, "07:00", "08:00"),
    ]
    slots = find(hours, rules(60), start_date=monday, end_date=monday + timedelta(days=6))
    assert [(s.start.date(), s.start.strftime("%a %H:%M")) for s in slots] == [
        (date(2026, 6, 1), "Mon 09:00"),
        (date(2026, 6, 5), "Fri 07:00"),
        (date(2026, 6, 7), "Sun 14:00"),
    ]


def test_dates_are_inclusive_and_empty_when_reversed() -> None:
    hours = [block(wd, "09:00", "10:00") for wd in range(7)]
    slots = find(hours, rules(60), start_date=WEDNESDAY, end_date=WEDNESDAY + timedelta(days=2))
    assert [s.start.date() for s in slots] == [WEDNESDAY + timedelta(days=i) for i in range(3)]
    assert find(hours, rules(60), start_date=WEDNESDAY, end_date=WEDNESDAY - timedelta(1)) == []


def test_dates_in_the_past_give_nothing() -> None:
    hours = [block(wd, "09:00", "10:00") for wd in range(7)]
    now = at(WEDNESDAY, "12:00")
    assert find(hours, rules(60), start_date=WEDNESDAY - timedelta(days=5), now=now) == []


def test_now_in_another_zone() -> None:
    # 13:00 UTC is 09:00 in New York in June.
    now = datetime(2026, 6, 3, 13, 0, tzinfo=UTC)
    slots = find([block(WED, "08:00", "11:00")], rules(60, step=minutes(60)), now=now)
    assert local_starts(slots) == ["09:00", "10:00"]


def test_default_rules_apply_twelve_hours_notice_and_sixty_days_horizon() -> None:
    default = SlotRules(duration=minutes(60))
    hours = [block(wd, "09:00", "10:00") for wd in range(7)]
    now = at(WEDNESDAY, "09:00")
    slots = find(
        hours, default, start_date=WEDNESDAY, end_date=WEDNESDAY + timedelta(days=90), now=now
    )
    assert slots[0].start == at(WEDNESDAY + timedelta(days=1), "09:00")
    assert slots[-1].start == at(WEDNESDAY + timedelta(days=60), "09:00")
    assert len(slots) == 60


def test_busy_intervals_may_come_in_any_order_and_overlap() -> None:
    busy = [
        busy_at(WEDNESDAY, "14:00", "15:00"),
        busy_at(WEDNESDAY, "09:30", "10:30"),
        busy_at(WEDNESDAY, "10:00", "10:15"),
        busy_at(WEDNESDAY, "10:15", "11:00"),
        busy_at(WEDNESDAY, "12:00", "12:00"),  # empty: takes no time
    ]
    slots = find([block(WED, "09:00", "16:00")], rules(60, step=minutes(60)), busy=busy)
    assert local_starts(slots) == ["11:00", "12:00", "13:00", "15:00"]


def test_busy_interval_inside_a_longer_one_does_not_shorten_it() -> None:
    busy = [busy_at(WEDNESDAY, "09:00", "13:00"), busy_at(WEDNESDAY, "09:30", "10:00")]
    slots = find([block(WED, "09:00", "16:00")], rules(60, step=minutes(60)), busy=busy)
    assert local_starts(slots) == ["13:00", "14:00", "15:00"]


# --- DST -------------------------------------------------------------------------------------

# (change day, UTC offset in hours on the day before, on the day after)
DST_CHANGES = [
    (date(2026, 3, 8), -5, -4),
    (date(2026, 11, 1), -4, -5),
    (date(2027, 3, 14), -5, -4),
    (date(2027, 11, 7), -4, -5),
]


@pytest.mark.parametrize(("change", "before", "after"), DST_CHANGES, ids=lambda v: str(v))
def test_dst_week_keeps_local_opening_time(change: date, before: int, after: int) -> None:
    hours = [block(wd, "08:00", "12:00") for wd in range(7)]
    slot_rules = rules(60, step=minutes(60))
    now = at(change - timedelta(days=10), "12:00")
    first, last = change - timedelta(days=3), change + timedelta(days=3)
    by_day = slots_by_day(find(hours, slot_rules, start_date=first, end_date=last, now=now))
    assert list(by_day) == [first + timedelta(days=i) for i in range(7)]
    for day, slots in by_day.items():
        assert local_starts(slots) == ["08:00", "09:00", "10:00", "11:00"]
        offset = before if day < change else after
        for slot in slots:
            assert slot.start.utcoffset() == slot.end.utcoffset() == timedelta(hours=offset)
            assert slot.duration == minutes(60)
        # 08:00 local moves by one hour in UTC across the change.
        assert slots[0].start.astimezone(UTC).hour == 8 - offset


def offsets(slots: list[Slot]) -> list[tuple[str, str]]:
    return [(s.start.strftime("%H:%M%z"), s.end.strftime("%H:%M%z")) for s in slots]


def test_spring_forward_skips_the_missing_hour() -> None:
    day = date(2026, 3, 8)
    slots = find([block(SUN, "00:00", "04:00")], rules(30, step=minutes(30)), start_date=day)
    assert offsets(slots) == [
        ("00:00-0500", "00:30-0500"),
        ("00:30-0500", "01:00-0500"),
        ("01:00-0500", "01:30-0500"),
        ("01:30-0500", "03:00-0400"),  # 30 real minutes, across the change
        ("03:00-0400", "03:30-0400"),
        ("03:30-0400", "04:00-0400"),
    ]


def test_spring_forward_hour_long_slots_measure_real_time() -> None:
    # The span 00:00-04:00 lasts three real hours; the missing 02:30 must not end the search.
    day = date(2027, 3, 14)
    slots = find([block(SUN, "00:00", "04:00")], rules(60, step=minutes(30)), start_date=day)
    assert offsets(slots) == [
        ("00:00-0500", "01:00-0500"),
        ("00:30-0500", "01:30-0500"),
        ("01:00-0500", "03:00-0400"),
        ("01:30-0500", "03:30-0400"),
        ("03:00-0400", "04:00-0400"),
    ]


def test_fall_back_offers_the_repeated_hour_once() -> None:
    day = date(2026, 11, 1)
    slots = find([block(SUN, "00:00", "04:00")], rules(30, step=minutes(30)), start_date=day)
    assert offsets(slots) == [
        ("00:00-0400", "00:30-0400"),
        ("00:30-0400", "01:00-0400"),
        ("01:00-0400", "01:30-0400"),
        ("01:30-0400", "01:00-0500"),  # 30 real minutes: the clock falls back meanwhile
        ("02:00-0500", "02:30-0500"),
        ("02:30-0500", "03:00-0500"),
        ("03:00-0500", "03:30-0500"),
        ("03:30-0500", "04:00-0500"),
    ]
    assert all(slot.start.fold == 0 for slot in slots)
    assert slots[3].end.fold == 1


def test_fall_back_busy_in_the_repeated_hour_is_told_apart() -> None:
    # Busy 01:00-02:00 EST (second pass of the clock) must not be confused with 01:00-02:00 EDT.
    day = date(2027, 11, 7)
    busy = [Interval(at(day, "01:00", fold=1), at(day, "02:00"))]
    slots = find(
        [block(SUN, "00:00", "03:00")], rules(60, step=minutes(30)), start_date=day, busy=busy
    )
    assert offsets(slots) == [
        ("00:00-0400", "01:00-0400"),
        ("00:30-0400", "01:30-0400"),
        ("01:00-0400", "01:00-0500"),  # ends exactly when the busy hour starts
        ("02:00-0500", "03:00-0500"),
    ]


@pytest.mark.parametrize(("change", "before", "after"), DST_CHANGES, ids=lambda v: str(v))
@pytest.mark.parametrize("duration", [15, 30, 45, 60, 90])
def test_change_night_has_no_missing_or_repeated_times(
    change: date, before: int, after: int, duration: int
) -> None:
    hours = [block(wd, "00:00", "04:00") for wd in range(7)]
    slots = find(
        hours,
        rules(duration, step=minutes(15)),
        start_date=change - timedelta(days=1),
        end_date=change + timedelta(days=1),
        now=at(change - timedelta(days=3), "00:00"),
    )
    instants = [slot.start.astimezone(UTC) for slot in slots]
    assert instants == sorted(set(instants))
    for slot in slots:
        assert exists(slot.start) and exists(slot.end)
        assert slot.start.fold == 0
        assert slot.start.tzinfo is NY
        assert slot.duration == minutes(duration)
    on_change = [s for s in slots if s.start.date() == change]
    real_hours = 3 if before < after else 5
    # Every start on the 15-minute grid whose visit ends by 04:00 local, missing times skipped.
    grid = [at(change, f"{m // 60:02d}:{m % 60:02d}") for m in range(0, 240, 15)]
    end_of_span = at(change, "04:00").astimezone(UTC)
    expected = [
        g for g in grid if exists(g) and g.astimezone(UTC) + minutes(duration) <= end_of_span
    ]
    assert [s.start for s in on_change] == expected
    assert (end_of_span - at(change, "00:00").astimezone(UTC)) == timedelta(hours=real_hours)


def test_block_ending_inside_the_spring_gap_ends_at_the_change() -> None:
    # The clock first reads "02:30 or later" at 03:00 EDT, so a block to 02:30 ends then.
    day = date(2026, 3, 8)
    slots = find([block(SUN, "00:00", "02:30")], rules(60, step=minutes(30)), start_date=day)
    assert offsets(slots) == [
        ("00:00-0500", "01:00-0500"),
        ("00:30-0500", "01:30-0500"),
        ("01:00-0500", "03:00-0400"),
    ]


def test_block_starting_inside_the_spring_gap_starts_at_the_change() -> None:
    day = date(2026, 3, 8)
    slots = find([block(SUN, "02:30", "05:00")], rules(60, step=minutes(30)), start_date=day)
    assert offsets(slots) == [
        ("03:00-0400", "04:00-0400"),
        ("03:30-0400", "04:30-0400"),
        ("04:00-0400", "05:00-0400"),
    ]


def test_slot_duration_property_uses_real_time() -> None:
    start = at(date(2026, 11, 1), "01:30")
    end = (start.astimezone(UTC) + minutes(60)).astimezone(NY)
    slot = Slot(start, end)
    assert end - start == timedelta(0)  # why the property exists: same-zone maths uses wall time
    assert slot.duration == minutes(60)


# --- errors and value objects ----------------------------------------------------------------


def test_naive_now_raises() -> None:
    with pytest.raises(ValueError, match="now"):
        find([block(WED, "09:00", "10:00")], rules(60), now=datetime(2026, 6, 1, 9, 0))


def test_naive_interval_raises() -> None:
    with pytest.raises(ValueError, match="aware"):
        Interval(datetime(2026, 6, 3, 9, 0), at(WEDNESDAY, "10:00"))
    with pytest.raises(ValueError, match="aware"):
        Interval(at(WEDNESDAY, "09:00"), datetime(2026, 6, 3, 10, 0))


def test_interval_ending_before_it_starts_raises() -> None:
    with pytest.raises(ValueError, match="before"):
        Interval(at(WEDNESDAY, "10:00"), at(WEDNESDAY, "09:00"))


@pytest.mark.parametrize(
    "make",
    [
        lambda: WeeklyHours(7, time(9), time(10)),
        lambda: WeeklyHours(-1, time(9), time(10)),
        lambda: WeeklyHours(MON, time(10), time(9)),
        lambda: WeeklyHours(MON, time(9), time(9)),
        lambda: WeeklyHours(MON, time(9, tzinfo=UTC), time(10)),
        lambda: SlotRules(duration=timedelta(0)),
        lambda: SlotRules(duration=minutes(30), step=timedelta(0)),
        lambda: SlotRules(duration=minutes(30), buffer_before=minutes(-5)),
        lambda: SlotRules(duration=minutes(30), buffer_after=minutes(-5)),
        lambda: SlotRules(duration=minutes(30), min_notice=minutes(-5)),
        lambda: SlotRules(duration=minutes(30), horizon=minutes(-5)),
    ],
)
def test_invalid_values_raise(make) -> None:
    with pytest.raises(ValueError):
        make()


def test_datetimes_given_as_dates_raise() -> None:
    hours = [block(WED, "09:00", "10:00")]
    with pytest.raises(TypeError):
        find(hours, rules(60), start_date=at(WEDNESDAY, "00:00"))
    with pytest.raises(TypeError):
        find(hours, rules(60), closed_dates=[at(WEDNESDAY, "00:00")])


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (("09:00", "10:00"), ("10:00", "11:00"), False),  # touching
        (("09:00", "10:00"), ("09:59", "11:00"), True),
        (("09:00", "12:00"), ("10:00", "11:00"), True),  # nested
        (("09:00", "10:00"), ("09:30", "09:30"), False),  # empty
        (("09:30", "09:30"), ("09:30", "09:30"), False),
    ],
)
def test_interval_overlaps(a: tuple[str, str], b: tuple[str, str], expected: bool) -> None:
    first = Interval(at(WEDNESDAY, a[0]), at(WEDNESDAY, a[1]))
    second = Interval(at(WEDNESDAY, b[0]), at(WEDNESDAY, b[1]))
    assert first.overlaps(second) is expected
    assert second.overlaps(first) is expected


def test_interval_overlaps_across_zones_and_folds() -> None:
    day = date(2026, 11, 1)
    edt = Interval(at(day, "01:00"), at(day, "01:30"))
    est = Interval(at(day, "01:00", fold=1), at(day, "01:30", fold=1))
    assert not edt.overlaps(est)
    in_utc = Interval(
        datetime(2026, 11, 1, 6, 10, tzinfo=UTC), datetime(2026, 11, 1, 6, 20, tzinfo=UTC)
    )
    assert est.overlaps(in_utc) and not edt.overlaps(in_utc)


def test_value_objects_are_frozen() -> None:
    hours = block(MON, "09:00", "10:00")
    with pytest.raises(AttributeError):
        hours.weekday = 2  # type: ignore[misc]


# --- first_available and slots_by_day ---------------------------------------------------------


def make_slot(hhmm: str, length: int = 60, day: date = WEDNESDAY) -> Slot:
    start = at(day, hhmm)
    return Slot(start, (start.astimezone(UTC) + minutes(length)).astimezone(NY))


def test_first_available_merges_in_mapping_order() -> None:
    per_clinician = {
        "lee": [make_slot("10:00"), make_slot("09:00")],
        "ana": [make_slot("09:00"), make_slot("11:00"), make_slot("09:00")],
        "bo": [],
        "cy": [make_slot("10:00"), make_slot("09:00")],
    }
    merged = first_available(per_clinician)
    assert [(local_starts([slot])[0], who) for slot, who in merged] == [
        ("09:00", ("lee", "ana", "cy")),
        ("10:00", ("lee", "cy")),
        ("11:00", ("ana",)),
    ]


def test_first_available_keeps_different_lengths_apart() -> None:
    merged = first_available({1: [make_slot("09:00", 45)], 2: [make_slot("09:00", 60)]})
    assert [(slot.duration, who) for slot, who in merged] == [
        (minutes(45), (1,)),
        (minutes(60), (2,)),
    ]


def test_first_available_empty() -> None:
    assert first_available({}) == []
    assert first_available({"lee": []}) == []


def test_slots_by_day_groups_by_local_date() -> None:
    thursday = WEDNESDAY + timedelta(days=1)
    # 23:30 New York time is already Thursday in UTC; it still belongs to Wednesday.
    late = make_slot("23:30", 30)
    slots = [make_slot("10:00", day=thursday), late, make_slot("09:00")]
    grouped = slots_by_day(slots)
    assert list(grouped) == [WEDNESDAY, thursday]
    assert [local_starts(v) for v in grouped.values()] == [["09:00", "23:30"], ["10:00"]]
    assert slots_by_day([]) == {}


# --- free_days: which days have a free time ------------------------------------------------------


@pytest.mark.parametrize("case", TABLE.values(), ids=TABLE.keys())
def test_free_days_agrees_with_the_slot_table(case: dict) -> None:
    case = dict(case)
    hours, slot_rules, expected = case.pop("hours"), case.pop("rules"), case.pop("expected")
    case.setdefault("now", EARLY_NOW)
    found = free_days(
        hours=hours, tz=NY, rules=slot_rules, start_date=WEDNESDAY, end_date=WEDNESDAY, **case
    )
    assert found == ([WEDNESDAY] if expected else [])


def days_after(n: int) -> date:
    return WEDNESDAY + timedelta(days=n)


WEEK = [block(wd, "09:00", "12:00") for wd in (MON, TUE, WED, THU, FRI)]
FREE_DAYS_TABLE = {
    "working days only": {
        "hours": WEEK,
        "end_date": days_after(6),
        "expected": [0, 1, 2, 5, 6],  # Wed, Thu, Fri, then Mon, Tue
    },
    "a fully booked day is left out": {
        "hours": WEEK,
        "end_date": days_after(2),
        "busy": [busy_at(days_after(1), "08:00", "12:00")],
        "expected": [0, 2],
    },
    "one free time, the day's last candidate, is enough": {
        "hours": WEEK,
        "end_date": days_after(1),
        "busy": [busy_at(WEDNESDAY, "09:00", "11:00"), busy_at(days_after(1), "09:00", "11:15")],
        "expected": [0],
    },
    "a free time only in the day's second block counts": {
        "hours": [block(WED, "09:00", "10:00"), block(WED, "13:00", "14:00")],
        "busy": [busy_at(WEDNESDAY, "09:00", "10:00")],
        "expected": [0],
    },
    "closed dates are left out": {
        "hours": WEEK,
        "end_date": days_after(2),
        "closed_dates": [days_after(1)],
        "expected": [0, 2],
    },
    "skipped dates are neither searched nor returned": {
        "hours": WEEK,
        "end_date": days_after(2),
        "skip_dates": [WEDNESDAY, days_after(2)],
        "expected": [1],
    },
    "notice runs past the rest of today": {
        "hours": WEEK,
        "end_date": days_after(1),
        "now": at(WEDNESDAY, "10:30"),
        "rules": rules(60, step=minutes(30), min_notice=minutes(60)),
        "expected": [1],
    },
    "notice leaves one time today": {
        "hours": WEEK,
        "end_date": days_after(1),
        "now": at(WEDNESDAY, "09:45"),
        "rules": rules(60, step=minutes(30), min_notice=minutes(60)),
        "expected": [0, 1],
    },
    "the horizon ends the search": {
        "hours": WEEK,
        "end_date": days_after(6),
        "now": at(WEDNESDAY, "08:00"),
        "rules": rules(60, step=minutes(30), horizon=timedelta(days=1, hours=1, minutes=30)),
        "expected": [0, 1],
    },
    "reversed dates give nothing": {
        "hours": WEEK,
        "start_date": days_after(1),
        "end_date": WEDNESDAY,
        "expected": [],
    },
}


@pytest.mark.parametrize("case", FREE_DAYS_TABLE.values(), ids=FREE_DAYS_TABLE.keys())
def test_free_days_table(case: dict) -> None:
    case = dict(case)
    expected = [days_after(n) for n in case.pop("expected")]
    args = {
        "tz": NY,
        "rules": rules(60, step=minutes(15)),
        "now": EARLY_NOW,
        "start_date": WEDNESDAY,
        "end_date": WEDNESDAY,
        **case,
    }
    assert free_days(**args) == expected
    skip = set(args.pop("skip_dates", ()))
    every_slot = slots_by_day(free_slots(**args))
    assert expected == [day for day in every_slot if day not in skip]


def test_free_days_on_dst_change_days() -> None:
    spring, fall = date(2026, 3, 8), date(2026, 11, 1)

    def days(hours: list[WeeklyHours], day: date, **kwargs: object) -> list[date]:
        args = {"hours": hours, "tz": NY, "rules": rules(15), "now": EARLY_NOW}
        found = free_days(**args, start_date=day, end_date=day, **kwargs)
        assert found == list(
            slots_by_day(free_slots(**args, start_date=day, end_date=day, **kwargs))
        )
        return found

    # Working only in the hour the clock skips: no such time exists that day.
    assert days([block(SUN, "02:00", "03:00")], spring) == []
    assert days([block(SUN, "02:00", "03:00")], fall) == [fall]
    # The repeated hour: 01:00-01:45 are offered once, on the first pass; busy then, none left.
    night = [block(SUN, "01:00", "02:00")]
    first_pass = Interval(at(fall, "01:00"), at(fall, "01:00", fold=1))
    second_pass = Interval(at(fall, "01:00", fold=1), at(fall, "02:00"))
    assert days(night, fall, busy=[first_pass]) == []
    assert days(night, fall, busy=[second_pass]) == [fall]


def test_free_days_checks_its_dates() -> None:
    common = {"hours": WEEK, "tz": NY, "rules": rules(60), "now": EARLY_NOW}
    with pytest.raises(TypeError, match="skipped date"):
        free_days(
            **common,
            start_date=WEDNESDAY,
            end_date=WEDNESDAY,
            skip_dates=[at(WEDNESDAY, "09:00")],
        )
    with pytest.raises(ValueError, match="aware"):
        free_days(
            **{**common, "now": datetime(2026, 6, 1, 9)},
            start_date=WEDNESDAY,
            end_date=WEDNESDAY,
        )


# --- purity and speed ---------------------------------------------------------------------------


def test_slots_module_imports_no_django() -> None:
    tree = ast.parse(SLOTS_PY.read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    }
    assert "django" not in imported
    script = (
        "import sys, booking.slots; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=SLOTS_PY.parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_many_busy_intervals_stay_fast() -> None:
    # Bisecting sorted busy time: 10,000 intervals over 60 days must not be scanned per candidate.
    first = WEDNESDAY
    busy = [
        Interval(
            at(first, "07:00") + timedelta(minutes=7 * i),
            at(first, "07:00") + timedelta(minutes=7 * i + 1),
        )
        for i in range(10_000)
    ]
    hours = [block(wd, "08:00", "18:00") for wd in range(7)]
    started = wallclock.perf_counter()
    find(
        hours,
        rules(5, step=minutes(5)),
        start_date=first,
        end_date=first + timedelta(days=60),
        busy=busy,
    )
    assert wallclock.perf_counter() - started < 1.0


# --- properties ----------------------------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # changes by 30 minutes, at 02:00
SANTIAGO = ZoneInfo("America/Santiago")  # changes at midnight
# (zone, local date of a change); the property tests centre half their scenarios on these.
CHANGES = [(NY, change) for change, _, _ in DST_CHANGES] + [
    (LONDON, date(2026, 3, 29)),
    (LONDON, date(2026, 10, 25)),
    (LORD_HOWE, date(2026, 4, 5)),
    (LORD_HOWE, date(2026, 10, 4)),
    (SANTIAGO, date(2026, 4, 5)),
    (SANTIAGO, date(2026, 9, 6)),
]
# Zones the caller's datetimes may come in: results must not depend on them.
OTHER_ZONES = [UTC, NY, ZoneInfo("Asia/Kolkata"), timezone(timedelta(hours=-3, minutes=-30))]


def clock(minute_of_day: int) -> time:
    return time(minute_of_day // 60, minute_of_day % 60)


@st.composite
def weekly_hours(draw, unit: int = 5, weekday: int | None = None) -> list[WeeklyHours]:
    """One block on a grid of `unit` minutes, sometimes split into touching or overlapping
    pieces; night blocks are common so that DST changes fall inside working time."""
    per_day = 24 * 60 // unit
    latest_start = draw(st.sampled_from([3 * 60 // unit, per_day - 2]))
    start = draw(st.integers(0, latest_start))
    end = draw(st.integers(start + 1, per_day - 1))
    if weekday is None:
        weekday = draw(st.integers(0, 6))
    pieces = [(start, end)]
    if end - start >= 2 and draw(st.booleans()):
        cut = draw(st.integers(start + 1, end - 1))
        overlap = draw(st.sampled_from([0, 0, 1]))  # touching, or one unit of overlap
        pieces = [(start, cut), (max(start, cut - overlap), end)]
    return [WeeklyHours(weekday, clock(a * unit), clock(b * unit)) for a, b in pieces]


@st.composite
def working_week(draw, unit: int = 5, night_of: date | None = None) -> list[WeeklyHours]:
    blocks = [b for piece in draw(st.lists(weekly_hours(unit), max_size=6)) for b in piece]
    if night_of is not None:
        night = draw(st.integers(0, 3 * 60 // unit)) * unit
        end = draw(st.integers(night // unit + 1, 6 * 60 // unit)) * unit
        blocks.append(WeeklyHours(night_of.weekday(), clock(night), clock(end)))
    return blocks or draw(weekly_hours(unit))


@st.composite
def slot_rules(draw) -> SlotRules:
    return SlotRules(
        duration=minutes(draw(st.integers(1, 36)) * 5),
        buffer_before=minutes(draw(st.integers(0, 6)) * 5),
        buffer_after=minutes(draw(st.integers(0, 6)) * 5),
        step=minutes(draw(st.sampled_from([5, 10, 15, 20, 25, 30, 45, 60, 90]))),
        min_notice=minutes(draw(st.integers(0, 48 * 4)) * 15),
        horizon=draw(
            st.one_of(
                st.just(timedelta(days=30)),
                st.integers(0, 12 * 24).map(lambda h: timedelta(hours=h)),
            )
        ),
    )


@st.composite
def scenarios(draw) -> dict:
    # A coarse grid makes touching blocks, exact boundaries and nested intervals likely.
    unit = draw(st.sampled_from([5, 15, 30, 60]))
    if draw(st.booleans()):
        tz, change = draw(st.sampled_from(CHANGES))
        start_date = change - timedelta(days=draw(st.integers(0, 2)))
        end_date = change + timedelta(days=draw(st.integers(0, 2)))
        hours = draw(working_week(unit, night_of=change))
    else:
        tz = draw(st.sampled_from([NY, NY, LONDON, LORD_HOWE, SANTIAGO]))
        start_date = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)))
        end_date = start_date + timedelta(days=draw(st.integers(-1, 5)))
        hours = draw(working_week(unit))
    origin = datetime.combine(start_date, time(), tzinfo=UTC)

    def instant(units: int) -> datetime:
        return (origin + minutes(units * unit)).astimezone(draw(st.sampled_from(OTHER_ZONES)))

    def intervals() -> list[Interval]:
        found = []
        for _ in range(draw(st.integers(0, 20))):
            begin = draw(st.integers(-24 * 60 // unit, 7 * 24 * 60 // unit))
            length = draw(st.integers(0, 240 // unit))
            found.append(Interval(instant(begin), instant(begin + length)))
            if length >= 2 and draw(st.integers(0, 3)) == 0:  # one inside another
                inner = draw(st.integers(begin, begin + length - 1))
                found.append(Interval(instant(inner), instant(inner + 1)))
        return draw(st.permutations(found))

    return {
        "hours": hours,
        "tz": tz,
        "rules": draw(slot_rules()),
        "now": instant(draw(st.integers(-4 * 24 * 60 // unit, 24 * 60 // unit))),
        "start_date": start_date,
        "end_date": end_date,
        "busy": intervals(),
        "blocked": intervals(),
        "closed_dates": draw(
            st.lists(st.integers(0, 6).map(lambda n: start_date + timedelta(days=n)), max_size=2)
        ),
    }


@functools.lru_cache(maxsize=64)
def clock_readings(day: date, tz: ZoneInfo) -> tuple[list[tuple[datetime, datetime]], dict]:
    """Every minute from the day before to the day after, as (UTC instant, naive local reading),
    and the first instant showing each reading."""
    first = datetime.combine(day - timedelta(days=1), time(), tzinfo=UTC)
    instants = (first + minutes(n) for n in range(3 * 24 * 60))
    readings = [(t, t.astimezone(tz).replace(tzinfo=None)) for t in instants]
    first_showing: dict[datetime, datetime] = {}
    for instant, reading in readings:
        first_showing.setdefault(reading, instant)
    return readings, first_showing


def first_reading(day: date, tz: ZoneInfo, wall: datetime, *, exact: bool) -> datetime | None:
    """The first instant whose local clock reads `wall` (or, unless exact, anything later)."""
    readings, first_showing = clock_readings(day, tz)
    if exact:
        return first_showing.get(wall)
    return next(instant for instant, reading in readings if reading >= wall)


def working_spans(hours: list[WeeklyHours], weekday: int) -> list[tuple[int, int]]:
    """Maximal runs of working minutes, in minutes since local midnight."""
    covered = set()
    for h in hours:
        if h.weekday == weekday:
            covered.update(
                range(h.start.hour * 60 + h.start.minute, h.end.hour * 60 + h.end.minute)
            )
    spans: list[tuple[int, int]] = []
    for minute in sorted(covered):
        if spans and spans[-1][1] == minute:
            spans[-1] = (spans[-1][0], minute + 1)
        else:
            spans.append((minute, minute + 1))
    return spans


def reference_slots(scenario: dict) -> set[tuple[datetime, datetime]]:
    """A slow, literal reading of the rules: every grid time checked against every interval."""
    tz, r = scenario["tz"], scenario["rules"]
    step = int(r.step.total_seconds() // 60)
    # In UTC: `now + timedelta` within one zone would add wall time, not real time.
    earliest = scenario["now"].astimezone(UTC) + r.min_notice
    latest = scenario["now"].astimezone(UTC) + r.horizon
    taken = [*scenario["busy"], *scenario["blocked"]]
    found = set()
    day = scenario["start_date"]
    while day <= scenario["end_date"]:
        if day not in scenario["closed_dates"]:
            midnight = datetime.combine(day, time())
            for span_start, span_end in working_spans(scenario["hours"], day.weekday()):
                span_finish = first_reading(day, tz, midnight + minutes(span_end), exact=False)
                for h in scenario["hours"]:
                    block_start = h.start.hour * 60 + h.start.minute
                    block_end = h.end.hour * 60 + h.end.minute
                    if h.weekday != day.weekday() or not span_start <= block_start < span_end:
                        continue
                    for offset in range(block_start, block_end, step):
                        start = first_reading(day, tz, midnight + minutes(offset), exact=True)
                        if start is None:
                            continue  # the clock never shows this time today
                        end = start + r.duration
                        candidate = Interval(start - r.buffer_before, end + r.buffer_after)
                        if (
                            end <= span_finish
                            and earliest <= start <= latest
                            and not any(candidate.overlaps(t) for t in taken)
                        ):
                            found.add((start, end))
        day += timedelta(days=1)
    return found


PROPERTY_SETTINGS = settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(scenarios())
def test_free_slots_properties(scenario: dict) -> None:
    slots = free_slots(**scenario)
    tz, r = scenario["tz"], scenario["rules"]

    keys = [utc_key(s) for s in slots]
    assert keys == sorted(set(keys)), "sorted by start, each instant once"
    assert set(keys) == reference_slots(scenario)

    taken = [*scenario["busy"], *scenario["blocked"]]
    for slot in slots:
        assert slot.start.tzinfo is tz and slot.end.tzinfo is tz
        assert slot.start.utcoffset() is not None and slot.end.utcoffset() is not None
        assert exists(slot.start) and slot.start.fold == 0
        assert slot.duration == r.duration
        start, end, now = (v.astimezone(UTC) for v in (slot.start, slot.end, scenario["now"]))
        assert now + r.min_notice <= start <= now + r.horizon
        day = slot.start.date()
        assert scenario["start_date"] <= day <= scenario["end_date"]
        assert day not in scenario["closed_dates"]
        with_buffers = Interval(start - r.buffer_before, end + r.buffer_after)
        assert not any(with_buffers.overlaps(t) for t in taken)
        # Inside working time: starts on a block's grid, ends before its span's end is reached.
        start_minute = slot.start.hour * 60 + slot.start.minute
        assert any(
            h.weekday == day.weekday()
            and h.start <= slot.start.time() < h.end
            and (start_minute - h.start.hour * 60 - h.start.minute) % (r.step // minutes(1)) == 0
            for h in scenario["hours"]
        )
        span_end = next(
            end
            for begin, end in working_spans(scenario["hours"], day.weekday())
            if begin <= start_minute < end
        )
        midnight = datetime.combine(day, time())
        assert end <= first_reading(day, tz, midnight + minutes(span_end), exact=False)

    grouped = slots_by_day(slots)
    assert list(grouped) == sorted(grouped)
    assert [s for day_slots in grouped.values() for s in day_slots] == slots


@PROPERTY_SETTINGS
@given(scenarios(), st.lists(working_week(), min_size=1, max_size=4))
def test_first_available_properties(
    scenario: dict, clinicians_hours: list[list[WeeklyHours]]
) -> None:
    per_clinician = {
        f"clinician-{i}": free_slots(**{**scenario, "hours": hours})
        for i, hours in enumerate(clinicians_hours)
    }
    merged = first_available(per_clinician)

    keys = [utc_key(slot) for slot, _ in merged]
    assert keys == sorted(set(keys))
    order = list(per_clinician)
    offered = {name: {utc_key(s) for s in slots} for name, slots in per_clinician.items()}
    for slot, who in merged:
        assert who, "every time has someone free"
        assert list(who) == sorted(set(who), key=order.index), "mapping order, no repeats"
        for name in who:
            assert utc_key(slot) in offered[name]
        for name in set(order) - set(who):
            assert utc_key(slot) not in offered[name]
    assert set(keys) == set().union(*offered.values())
    assert merged == first_available(per_clinician), "deterministic"


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_free_days_are_the_days_of_free_slots(scenario: dict, data: st.DataObject) -> None:
    every_day = list(slots_by_day(free_slots(**scenario)))
    assert free_days(**scenario) == every_day
    # Skipped days drop out, and only they: for "first available" across clinicians.
    span = (scenario["end_date"] - scenario["start_date"]).days
    skip = data.draw(
        st.sets(
            st.integers(-1, max(span, 0) + 1).map(
                lambda n: scenario["start_date"] + timedelta(days=n)
            )
        )
    )
    assert free_days(**scenario, skip_dates=skip) == [d for d in every_day if d not in skip]


@PROPERTY_SETTINGS
@given(scenarios())
def test_taken_time_merged_once_finds_the_same_slots_and_days(scenario: dict) -> None:
    """The picker merges a clinician's busy and blocked time once (TakenTime) and searches it
    twice: the same slots and days as passing the intervals themselves."""
    merged = {
        **scenario,
        "busy": (),
        "blocked": (),
        "taken": TakenTime.of([*scenario["busy"], *scenario["blocked"]]),
    }
    assert free_slots(**merged) == free_slots(**scenario)
    assert free_days(**merged) == free_days(**scenario)


def test_taken_time_and_intervals_together_are_refused() -> None:
    taken = TakenTime.of([])
    busy = [Interval(EARLY_NOW, EARLY_NOW + timedelta(hours=1))]
    with pytest.raises(ValueError, match="not both"):
        free_slots(
            hours=[WeeklyHours(weekday=WED, start=time(9), end=time(12))],
            tz=NY,
            rules=SlotRules(duration=timedelta(minutes=60)),
            now=EARLY_NOW,
            start_date=WEDNESDAY,
            end_date=WEDNESDAY,
            busy=busy,
            taken=taken,
        )
