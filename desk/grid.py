"""The day grid of the front desk, as data: rows in 15-minute steps, a column per clinician.

Pure: it is given the day's hours, visits, time off and closures (desk.selectors reads them in a
fixed number of queries) and returns rows of cells that the template writes as a table. A visit
is one cell whose ``rowspan`` is its length; runs of time off, closure or "not working" are one
cell each; every free step is its own cell, a link to book there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from itband.datefmt import clock

STEP = timedelta(minutes=15)
# A day with no hours and no visits still shows a working day's frame.
DEFAULT_OPEN, DEFAULT_CLOSE = time(8, 0), time(18, 0)

FREE, VISIT, OFF, CLOSED, AWAY = "free", "visit", "off", "closed", "away"


@dataclass(frozen=True)
class Block:
    """Hours a clinician works at a clinic on the day (wall clock)."""

    clinician_id: int
    location_slug: str
    location_name: str
    start: time
    end: time


@dataclass(frozen=True)
class Span:
    """Time off of a clinician, or a closed clinic (aware datetimes)."""

    start: datetime
    end: datetime
    reason: str


@dataclass
class Cell:
    kind: str
    rowspan: int = 1
    visit: object | None = None  # desk.selectors.Visit
    reason: str = ""
    book_url: str = ""
    label: str = ""  # what a screen reader hears for a free or shaded cell


@dataclass
class Row:
    start: datetime
    label: str
    on_the_hour: bool
    is_now: bool
    cells: list[Cell | None] = field(default_factory=list)  # None: under a cell above


def frame(day: date, zone: ZoneInfo, blocks: Sequence[Block], visits: Sequence) -> list[datetime]:
    """The steps shown: from the earliest hour anyone works (or a visit starts) to the latest
    end, on whole quarter hours."""
    starts = [b.start for b in blocks] + [v.start.astimezone(zone).time() for v in visits]
    ends = [b.end for b in blocks] + [v.end.astimezone(zone).time() for v in visits]
    first = min(starts, default=DEFAULT_OPEN)
    last = max(ends, default=DEFAULT_CLOSE)
    begin = datetime.combine(day, time(first.hour, first.minute - first.minute % 15), tzinfo=zone)
    finish = datetime.combine(day, last, tzinfo=zone)
    if last <= first:  # a visit past midnight: the grid ends at the day's last step
        finish = datetime.combine(day, time(23, 45), tzinfo=zone)
    steps = []
    moment = begin
    while moment < finish:
        steps.append(moment)
        moment = (moment.astimezone(UTC) + STEP).astimezone(zone)  # real minutes, across DST
    return steps


def build(
    *,
    day: date,
    zone: ZoneInfo,
    clinicians: Sequence[tuple[int, str]],
    blocks: Sequence[Block],
    visits: Sequence,
    time_off: dict[int, list[Span]],
    closures: dict[str, str],
    now: datetime,
    book_url,
) -> list[Row]:
    """``clinicians``: (pk, name) of the columns in order; ``visits``: holding visits only (cancelled ones take no room); ``closures``: location
    slug → reason for clinics closed that day; ``book_url(clinician_id, location_slug, start)``
    links a free step to booking there."""
    steps = frame(day, zone, blocks, visits)
    rows = [
        Row(
            start=step,
            label=clock(step),
            on_the_hour=step.minute == 0,
            is_now=step <= now < step + STEP,
        )
        for step in steps
    ]
    if not rows:
        return rows
    index = {step: i for i, step in enumerate(steps)}
    for clinician_id, name in clinicians:
        column: list[Cell | None] = [None] * len(rows)
        own_visits = [v for v in visits if v.clinician_id == clinician_id]
        own_blocks = [b for b in blocks if b.clinician_id == clinician_id]
        taken = [False] * len(rows)
        for visit in own_visits:
            first = _step_index(visit.start, steps, index)
            length = max(1, -(-(visit.end - max(visit.start, steps[0])) // STEP))
            length = min(length, len(rows) - first)
            if any(taken[first : first + length]):
                continue  # overlapping holding visits cannot happen (exclusion constraint)
            column[first] = Cell(VISIT, rowspan=length, visit=visit)
            for i in range(first, first + length):
                taken[i] = True
        shaded: list[Cell | None] = [None] * len(rows)
        for i, step in enumerate(steps):
            if taken[i]:
                continue
            cell = _free_or_shaded(step, own_blocks, time_off.get(clinician_id, ()), closures, now)
            if cell.kind == FREE:
                cell.book_url = book_url(clinician_id, cell.reason, step)
                cell.label = f"Book {clock(step)} with {name}"
            shaded[i] = cell
        _merge_runs(column, shaded)
        for row, cell in zip(rows, column, strict=True):
            row.cells.append(cell)
    return rows


def _step_index(moment: datetime, steps: list[datetime], index: dict) -> int:
    if moment in index:
        return index[moment]
    earlier = [i for i, step in enumerate(steps) if step <= moment]
    return earlier[-1] if earlier else 0


def _free_or_shaded(step, blocks, time_off, closures, now) -> Cell:
    """A step nobody is booked in: closed, off, not working or past, else free (its reason
    is then the clinic's slug, for the booking link)."""
    end = step + STEP
    wall = step.time()
    block = next((b for b in blocks if b.start <= wall < b.end), None)
    if block is not None and block.location_slug in closures:
        reason = closures[block.location_slug] or "Clinic closed"
        return Cell(CLOSED, reason=f"{block.location_name} closed: {reason}")
    off = next((span for span in time_off if span.start < end and step < span.end), None)
    if off is not None:
        return Cell(OFF, reason=f"Time off{': ' + off.reason if off.reason else ''}")
    if block is None:
        return Cell(AWAY, reason="Not working")
    if step < now:
        return Cell(AWAY, reason="Past")
    return Cell(FREE, reason=block.location_slug)


def _merge_runs(column: list[Cell | None], shaded: list[Cell | None]) -> None:
    """Consecutive shaded cells with the same reason become one (a screen reader hears "Time
    off: flu" once, not twelve times); free steps stay one link each."""
    i = 0
    while i < len(shaded):
        cell = shaded[i]
        if cell is None:
            i += 1
            continue
        if cell.kind == FREE:
            column[i] = cell
            i += 1
            continue
        j = i + 1
        while (
            j < len(shaded)
            and shaded[j] is not None
            and shaded[j].kind == cell.kind
            and shaded[j].reason == cell.reason
        ):
            j += 1
        cell.rowspan = j - i
        column[i] = cell
        i = j


def changes_at(rows: Sequence[Row], now: datetime) -> datetime | None:
    """The next moment the grid would read differently with no row changed: a step turning
    "now" or past (past free steps are not offered). None once the day is over."""
    boundaries = [moment for row in rows for moment in (row.start, row.start + STEP)]
    return min((moment for moment in boundaries if moment > now), default=None)
