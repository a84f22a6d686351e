"""The desk's day grid as data (desk/grid.py): pure, no database."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from desk import grid

NY = ZoneInfo("America/New_York")
DAY = date(2026, 6, 10)


@dataclass(frozen=True)
class FakeVisit:
    clinician_id: int
    start: datetime
    end: datetime


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def build(*, visits=(), time_off=None, closures=None, now=None, day=DAY, blocks=None):
    blocks = blocks or [
        grid.Block(1, "bethesda", "Bethesda", time(8), time(12)),
        grid.Block(2, "bethesda", "Bethesda", time(9), time(11)),
    ]
    return grid.build(
        day=day,
        zone=NY,
        clinicians=[(1, "Dr A"), (2, "Dr B")],
        blocks=blocks,
        visits=list(visits),
        time_off=time_off or {},
        closures=closures or {},
        now=now or at(6),
        book_url=lambda clinician, slug, start: f"/book/{clinician}/{slug}/{start:%H%M}",
    )


def column(rows, index: int) -> list:
    return [row.cells[index] for row in rows]


def test_rows_cover_the_working_hours_in_quarter_hours():
    rows = build()
    assert [row.label for row in rows][:3] == ["8:00 AM", "8:15 AM", "8:30 AM"]
    assert len(rows) == 16  # 8:00 to 12:00
    assert all(len(row.cells) == 2 for row in rows)


def test_a_visit_spans_its_length_and_the_rest_is_free_to_book():
    rows = build(visits=[FakeVisit(1, at(9), at(10, 30))])
    cells = column(rows, 0)
    visit = cells[4]
    assert visit.kind == grid.VISIT and visit.rowspan == 6
    assert cells[5:10] == [None] * 5  # under the visit
    assert cells[10].kind == grid.FREE and cells[10].book_url == "/book/1/bethesda/1030"
    assert cells[10].label == "Book 10:30 AM with Dr A"


def test_hours_outside_a_clinicians_block_are_one_not_working_cell():
    cells = column(build(), 1)  # Dr B works 9 to 11
    assert cells[0].kind == grid.AWAY and cells[0].rowspan == 4
    assert [c.kind for c in cells[4:12]] == [grid.FREE] * 8
    assert cells[12].kind == grid.AWAY and cells[12].rowspan == 4


def test_time_off_is_shaded_with_its_reason_and_has_no_free_links():
    off = {1: [grid.Span(at(10), at(12), "Sick")]}
    cells = column(build(time_off=off), 0)
    assert cells[8].kind == grid.OFF and cells[8].reason == "Time off: Sick"
    assert cells[8].rowspan == 8


def test_a_closed_clinic_shades_the_day():
    cells = column(build(closures={"bethesda": "Thanksgiving"}), 0)
    assert cells[0].kind == grid.CLOSED and cells[0].rowspan == 16
    assert cells[0].reason == "Bethesda closed: Thanksgiving"


def test_past_steps_cannot_be_booked_and_now_is_marked():
    rows = build(now=at(10, 20))
    assert [row.is_now for row in rows].index(True) == 9  # the 10:15 row
    cells = column(rows, 0)
    assert cells[0].kind == grid.AWAY and cells[0].reason == "Past"
    assert cells[10].kind == grid.FREE


def test_a_visit_off_the_quarter_hour_still_gets_its_block():
    rows = build(visits=[FakeVisit(2, at(9, 5), at(9, 50))])
    cells = column(rows, 1)
    assert cells[4].kind == grid.VISIT and cells[4].rowspan == 3


def test_the_grid_keeps_wall_clock_steps_on_the_days_the_clocks_change():
    for day in (date(2026, 3, 8), date(2026, 11, 1)):
        blocks = [grid.Block(1, "bethesda", "Bethesda", time(8), time(10))]
        rows = build(day=day, blocks=blocks, now=at(6, day=day))
        assert [row.label for row in rows] == [
            f"{h}:{m:02d} AM" for h in (8, 9) for m in (0, 15, 30, 45)
        ]
        assert rows[1].start - rows[0].start == timedelta(minutes=15)


def test_a_clinician_without_hours_that_day_shows_as_not_working():
    rows = build(blocks=[grid.Block(9, "x", "X", time(8), time(8, 30))])
    assert len(rows) == 2
    assert all(cell.kind == grid.AWAY for cell in column(rows, 0) if cell)
