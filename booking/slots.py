"""Free appointment slots from weekly hours, busy time and closures.

Pure core: no Django, ``now`` is passed in. Working hours are local wall times in the
location's zone; everything else is compared as instants in UTC. Candidate starts step in
wall time (so 08:00 stays 08:00 across a DST change), and a slot's end is its start plus the
duration in real elapsed time (so a slot crossing a change still lasts exactly ``duration``).

Two Python pitfalls this module avoids: aware datetimes that share a tzinfo compare and
subtract by wall time, ignoring ``fold`` and the UTC offset; and a wall time in a
spring-forward gap silently converts to a real instant an hour away. Hence all comparisons
and arithmetic on instants happen in UTC, and every local time is round-tripped through UTC
before it is offered.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

__all__ = [
    "Interval",
    "Slot",
    "SlotRules",
    "WeeklyHours",
    "first_available",
    "free_days",
    "free_slots",
    "slots_by_day",
]

_ONE_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)


def _require_aware(value: datetime, what: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")


def _require_date(value: date, what: str) -> None:
    # A datetime is a date too, but which local day it means depends on a zone we'd have to guess.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{what} must be a date, not {type(value).__name__}")


def _utc(value: datetime) -> datetime:
    # Already in UTC (as the database gives them): nothing to convert.
    return value if value.tzinfo is UTC else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """One working block of one clinician at one location, in local wall time."""

    weekday: int  # 0 = Monday to 6 = Sunday, as datetime.weekday()
    start: time
    end: time  # later than start, same day

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("working hours are local wall times and must be naive")
        if self.end <= self.start:
            raise ValueError(f"working block ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span of real time [start, end) between two aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "Interval.start")
        _require_aware(self.end, "Interval.end")
        if _utc(self.end) < _utc(self.start):
            raise ValueError(f"interval ends ({self.end}) before it starts ({self.start})")

    def overlaps(self, other: Interval) -> bool:
        """True when the two intervals share at least one instant; empty ones share none."""
        a0, a1, b0, b1 = _utc(self.start), _utc(self.end), _utc(other.start), _utc(other.end)
        return a0 < a1 and b0 < b1 and a0 < b1 and b0 < a1


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable appointment time, aware datetimes in the location's zone."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        # Real elapsed time: `end - start` within one zone would ignore a DST change between.
        return _utc(self.end) - _utc(self.start)


@dataclass(frozen=True, slots=True)
class SlotRules:
    """How one appointment type is offered: its length, buffers, grid and booking window."""

    duration: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    step: timedelta = timedelta(minutes=15)  # candidate starts every `step` from a block's start
    min_notice: timedelta = timedelta(hours=12)
    horizon: timedelta = timedelta(days=60)

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError("duration must be positive")
        if self.step <= timedelta(0):
            raise ValueError("step must be positive")
        for name in ("buffer_before", "buffer_after", "min_notice", "horizon"):
            if getattr(self, name) < timedelta(0):
                raise ValueError(f"{name} must not be negative")


@dataclass(frozen=True, slots=True)
class _Span:
    """Working time of one weekday without a break, as offsets from local midnight."""

    end: timedelta
    starts: tuple[timedelta, ...]  # candidate starts, sorted, each on its own block's grid


def _since_midnight(value: time) -> timedelta:
    return timedelta(
        hours=value.hour,
        minutes=value.minute,
        seconds=value.second,
        microseconds=value.microsecond,
    )


def _blocks_by_weekday(hours: Iterable[WeeklyHours]) -> list[list[tuple[timedelta, timedelta]]]:
    """Working blocks per weekday (0 = Monday), as offsets from local midnight."""
    blocks: list[list[tuple[timedelta, timedelta]]] = [[] for _ in range(7)]
    for block in hours:
        blocks[block.weekday].append((_since_midnight(block.start), _since_midnight(block.end)))
    return blocks


def _working_spans(blocks: list[tuple[timedelta, timedelta]], step: timedelta) -> list[_Span]:
    """One weekday's blocks that touch or overlap joined into spans, with their candidate starts.

    Joining means hours entered as 08-12 and 12-17 don't forbid a visit across noon. Each
    block keeps its own grid of starts (every `step` from the block's start, inside the block).
    """
    spans: list[_Span] = []
    starts: set[timedelta] = set()
    end = timedelta(0)
    for block_start, block_end in sorted(blocks):
        if starts and block_start > end:
            spans.append(_Span(end=end, starts=tuple(sorted(starts))))
            starts = set()
        end = max(end, block_end) if starts else block_end
        offset = block_start
        while offset < block_end:
            starts.add(offset)
            offset += step
    if starts:
        spans.append(_Span(end=end, starts=tuple(sorted(starts))))
    return spans


def _clock_reaches(wall: datetime, tz: tzinfo) -> datetime:
    """The first instant (in UTC) at which the local clock reads `wall` or later.

    For an ambiguous wall time that is its first occurrence; for one inside a spring-forward
    gap it is the moment of the change itself. A block that ends at 04:00 ends when the clock
    first shows 04:00, however long the night was.
    """
    after = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if after.astimezone(tz).replace(tzinfo=None) == wall:
        return after
    # In a gap the two readings of `wall` straddle the change; bisect for it (rare path).
    before = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    offset_after = after.astimezone(tz).utcoffset()
    while after - before > _MICROSECOND:
        middle = before + (after - before) // 2
        if middle.astimezone(tz).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return after


def _taken_time(intervals: Iterable[Interval]) -> tuple[list[datetime], list[datetime]]:
    """Busy and blocked time as sorted, disjoint UTC intervals: (starts, ends)."""
    spans: list[tuple[datetime, datetime]] = []
    for interval in intervals:
        # An Interval is frozen and checked aware when made: no second check per search.
        start, end = _utc(interval.start), _utc(interval.end)
        if start < end:
            spans.append((start, end))
    spans.sort()
    starts: list[datetime] = []
    ends: list[datetime] = []
    for start, end in spans:
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


@dataclass(frozen=True, slots=True)
class TakenTime:
    """Busy and blocked time merged once into sorted, disjoint UTC intervals, for callers that
    search the same clinician's time more than once (the picker: days, then one day's times)."""

    starts: tuple[datetime, ...]
    ends: tuple[datetime, ...]

    @classmethod
    def of(cls, intervals: Iterable[Interval]) -> TakenTime:
        starts, ends = _taken_time(intervals)
        return cls(tuple(starts), tuple(ends))


def free_slots(
    *,
    hours: Iterable[WeeklyHours],
    tz: ZoneInfo,
    rules: SlotRules,
    now: datetime,
    start_date: date,
    end_date: date,
    busy: Iterable[Interval] = (),
    blocked: Iterable[Interval] = (),
    closed_dates: Iterable[date] = (),
    taken: TakenTime | None = None,
) -> list[Slot]:
    """Bookable slots of one clinician at one location, sorted by start, each instant once.

    `busy` holds existing appointments already widened by their own buffers; `blocked` holds
    time off and partial closures; `closed_dates` are whole local days. A slot's own buffers
    must stay clear of both, and may reach outside the working hours. Dates are local and
    inclusive; a slot starts at least `min_notice` and at most `horizon` after `now`.
    `taken`, instead of `busy` and `blocked`: the two already merged (``TakenTime.of``).
    """
    return _scan(
        hours=hours,
        tz=tz,
        rules=rules,
        now=now,
        start_date=start_date,
        end_date=end_date,
        busy=busy,
        blocked=blocked,
        closed_dates=closed_dates,
        skip_dates=(),
        first_only=False,
        taken=taken,
    )


def free_days(
    *,
    hours: Iterable[WeeklyHours],
    tz: ZoneInfo,
    rules: SlotRules,
    now: datetime,
    start_date: date,
    end_date: date,
    busy: Iterable[Interval] = (),
    blocked: Iterable[Interval] = (),
    closed_dates: Iterable[date] = (),
    skip_dates: Iterable[date] = (),
    taken: TakenTime | None = None,
) -> list[date]:
    """The local dates in [start_date, end_date] on which `free_slots` would offer a time.

    The same days as ``slots_by_day(free_slots(...))`` with the same arguments, in order, but
    each day's search ends at its first free time, so a day with free time costs a few
    candidates instead of all of them. `skip_dates` are not searched and not returned: for
    "first available", the days an earlier clinician already has free need no second look.
    """
    skip = frozenset(skip_dates)
    for day in skip:
        _require_date(day, "skipped date")
    found = _scan(
        hours=hours,
        tz=tz,
        rules=rules,
        now=now,
        start_date=start_date,
        end_date=end_date,
        busy=busy,
        blocked=blocked,
        closed_dates=closed_dates,
        skip_dates=skip,
        first_only=True,
        taken=taken,
    )
    return [slot.start.date() for slot in found]


def _scan(
    *,
    hours: Iterable[WeeklyHours],
    tz: ZoneInfo,
    rules: SlotRules,
    now: datetime,
    start_date: date,
    end_date: date,
    busy: Iterable[Interval],
    blocked: Iterable[Interval],
    closed_dates: Iterable[date],
    skip_dates: Iterable[date],
    first_only: bool,
    taken: TakenTime | None,
) -> list[Slot]:
    """free_slots' search; with `first_only`, only each day's first free slot."""
    _require_aware(now, "now")
    _require_date(start_date, "start_date")
    _require_date(end_date, "end_date")
    closed = frozenset(closed_dates)
    for day in closed:
        _require_date(day, "closed date")
    passed_over = closed.union(skip_dates)
    if taken is None:
        taken_starts, taken_ends = _taken_time([*busy, *blocked])
    elif busy or blocked:
        raise ValueError("pass taken time merged (taken) or as busy and blocked, not both")
    else:
        taken_starts, taken_ends = taken.starts, taken.ends

    earliest = _utc(now) + rules.min_notice
    latest = _utc(now) + rules.horizon
    first_day = max(start_date, earliest.astimezone(tz).date())
    last_day = min(end_date, latest.astimezone(tz).date())
    if first_day > last_day:
        return []

    blocks = _blocks_by_weekday(hours)
    spans_of_weekday: dict[int, list[_Span]] = {}  # built on first use: one day needs one
    duration, before, after = rules.duration, rules.buffer_before, rules.buffer_after
    n_taken = len(taken_ends)
    # Candidates come in increasing order, so the bisect never needs to look back.
    low = 0
    slots: list[Slot] = []
    day = first_day
    while day <= last_day:
        weekday = day.weekday()
        if day in passed_over or not blocks[weekday]:
            day += _ONE_DAY
            continue
        spans = spans_of_weekday.get(weekday)
        if spans is None:
            spans = spans_of_weekday[weekday] = _working_spans(blocks[weekday], rules.step)
        midnight = datetime.combine(day, time())
        found = False
        for span in spans:
            span_end = _clock_reaches(midnight + span.end, tz)
            # Fast path: one UTC offset from the span's first start to its end means no clock
            # change inside (no zone changes its offset twice within two days), so a start is
            # midnight-in-UTC plus its offset: the same instants as the general path, and the
            # local datetimes are built only for the times that turn out free.
            fixed = (midnight + span.starts[0]).replace(tzinfo=tz).utcoffset()
            if span_end.astimezone(tz).utcoffset() != fixed:
                fixed = None
            else:
                midnight_utc = (midnight - fixed).replace(tzinfo=UTC)
            for offset in span.starts:
                if fixed is not None:
                    start_utc = midnight_utc + offset
                else:
                    wall = midnight + offset
                    start_utc = wall.replace(tzinfo=tz).astimezone(UTC)
                    start = start_utc.astimezone(tz)
                    if start.replace(tzinfo=None) != wall:
                        continue  # the clock skips this time (spring forward)
                if start_utc > latest:
                    return slots
                end_utc = start_utc + duration
                if end_utc > span_end:
                    break  # later starts end later still
                if start_utc < earliest:
                    continue
                low = bisect_right(taken_ends, start_utc - before, low)
                if low < n_taken and taken_starts[low] < end_utc + after:
                    continue
                if fixed is not None:
                    start = (midnight + offset).replace(tzinfo=tz)
                    end = (end_utc + fixed).replace(tzinfo=tz)
                else:
                    end = end_utc.astimezone(tz)
                slots.append(Slot(start=start, end=end))
                if first_only:
                    found = True
                    break  # this day has a free time: on to the next
            if found:
                break
        day += _ONE_DAY
    # Sorted and unique by construction: days ascend, spans are disjoint and ascend, starts
    # ascend within a span, and existing wall times map to instants in the same order.
    return slots


def first_available[K](
    per_clinician: Mapping[K, Sequence[Slot]],
) -> list[tuple[Slot, tuple[K, ...]]]:
    """Merge clinicians' slots into distinct times, each with the clinicians free then.

    Sorted by start (then end); clinicians are listed in the mapping's order, so element [0]
    is the one "first available" books. The slot object returned is the first clinician's.
    """
    by_time: dict[tuple[datetime, datetime], tuple[Slot, list[K]]] = {}
    for clinician, slots in per_clinician.items():
        for slot in slots:
            key = (_utc(slot.start), _utc(slot.end))
            entry = by_time.get(key)
            if entry is None:
                by_time[key] = (slot, [clinician])
            elif entry[1][-1] is not clinician:  # a clinician listing one time twice counts once
                entry[1].append(clinician)
    return [(slot, tuple(who)) for _, (slot, who) in sorted(by_time.items(), key=lambda i: i[0])]


def slots_by_day(slots: Iterable[Slot]) -> dict[date, list[Slot]]:
    """Group slots by the local date they start on: days in order, slots sorted in each."""
    days: dict[date, list[Slot]] = {}
    for slot in sorted(slots, key=lambda s: (_utc(s.start), _utc(s.end))):
        days.setdefault(slot.start.date(), []).append(slot)
    return dict(sorted(days.items()))
