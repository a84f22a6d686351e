"""The day grid's table body as HTML, written in Python: a busy day is a few hundred cells, and
a template loop over them was most of the page's time. ``html_format`` escapes every value."""

from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from booking import schedule_cache
from itband.html import html_format

from . import grid
from .selectors import BOTH, HELD, day_book, selected_locations

ROW = '<tr class="{}">\n  <th scope="row" class="grid-time">{}{}</th>{}\n</tr>'
NOW_TAG = ' <span class="now-tag">now</span>'
QUARTER = '<span class="grid-quarter">{}</span>'
VISIT = (
    '\n  <td rowspan="{rowspan}" class="grid-visit appt-{status}{conflict}">'
    '<a class="appt-link" href="{url}"><span class="appt-time">{time_range}</span> '
    '<span class="appt-name">{name}</span> <span class="appt-who">{who}</span> '
    '<span class="appt-type">{type_name}{location}</span></a>'
    '<span class="appt-badges"><span class="badge text-bg-{status_badge}">{status_label}</span> '
    '<span class="badge {intake_class}">{intake_words}</span>{red_flag}{off}</span></td>'
)
HOLD = (
    '\n  <td rowspan="{rowspan}" class="grid-visit appt-held">'
    '<a class="appt-link" href="{url}"><span class="appt-time">{time_range}</span> '
    '<span class="appt-name">Waitlist: {name}</span> '
    '<span class="appt-type">{type_name}{location}</span></a>'
    '<span class="appt-badges"><span class="badge text-bg-warning">{status_label}</span> '
    '<span class="badge text-bg-light border">Release it on the waitlist page</span></span></td>'
)
RED_FLAG = ' <span class="badge text-bg-danger">Red flag ({}): not cleared</span>'
OFF = ' <span class="badge text-bg-danger">Clinician off: {}. Move this visit</span>'
FREE = (
    '\n  <td class="grid-free"><a class="free-link" href="{}"><span class="free-label" aria-hidden="true">{}</span>'
    '<span class="visually-hidden"> {}</span></a></td>'
)
SHADED = '\n  <td rowspan="{}" class="grid-{}">{}</td>'
HIDDEN = '<span class="visually-hidden">{}</span>'


def day_grid(*, slug: str, day: date) -> SafeString:
    """The day's page under the staff menu at the clinics shown, kept per process while no
    schedule row, patient or submitted intake changes and no step, hold or red flag runs out
    (booking.schedule_cache.staff_copy reads the shared generations on every request: what
    the desk just did shows on its next page). The desk reloads the day all day long, and
    building it was nine tenths of the page's time."""
    selected = selected_locations(slug)[2]  # an unknown clinic keys no copy of its own

    def load():
        book = day_book(slug=selected, day=day, now=timezone.now())
        context = {
            "book": book,
            "grid_rows": grid_rows(book.rows, show_location=book.selected == BOTH),
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
        }
        content = render_to_string("desk/includes/day_content.html", context)
        return str(content), book.changes_at

    return mark_safe(schedule_cache.staff_copy(("desk-day", selected, day), load))


def grid_rows(rows: list[grid.Row], *, show_location: bool) -> SafeString:
    html = []
    for index, row in enumerate(rows):
        classes = ("grid-hour" if row.on_the_hour else "") + (" grid-now" if row.is_now else "")
        label = row.label if row.on_the_hour or index == 0 else html_format(QUARTER, row.label)
        cells = "".join(_cell(cell, row, show_location) for cell in row.cells if cell is not None)
        html.append(
            html_format(
                ROW, classes, label, mark_safe(NOW_TAG) if row.is_now else "", mark_safe(cells)
            )
        )
    return mark_safe("\n".join(html))


def _cell(cell: grid.Cell, row: grid.Row, show_location: bool) -> str:
    if cell.kind == grid.VISIT and cell.visit.status == HELD:
        visit = cell.visit
        return html_format(
            HOLD,
            rowspan=cell.rowspan,
            url=visit.url,
            time_range=visit.time_range,
            name=visit.patient_name,
            type_name=visit.type_name,
            location=f" · {visit.location_name}" if show_location else "",
            status_label=visit.status_label,
        )
    if cell.kind == grid.VISIT:
        visit = cell.visit
        intake_class, intake_words = visit.intake_badge
        return html_format(
            VISIT,
            rowspan=cell.rowspan,
            status=visit.status,
            conflict=" grid-conflict" if visit.clinician_off else "",
            url=visit.url,
            time_range=visit.time_range,
            name=visit.patient_name,
            who=visit.namesake,
            type_name=visit.type_name,
            location=f" · {visit.location_name}" if show_location else "",
            status_badge=visit.status_badge,
            status_label=visit.status_label,
            intake_class=intake_class,
            intake_words=intake_words,
            red_flag=html_format(RED_FLAG, visit.red_flag) if visit.red_flag else "",
            off=html_format(OFF, visit.clinician_off) if visit.clinician_off else "",
        )
    if cell.kind == grid.FREE:
        return html_format(FREE, cell.book_url, row.label, cell.label)
    text = html_format(HIDDEN, cell.reason) if cell.kind == grid.AWAY else cell.reason
    return html_format(SHADED, cell.rowspan, cell.kind, text)
