"""Small filters for the desk's templates (times in the clinic's own zone)."""

from django import template

from booking.desk_book import intake_state as _intake_state

register = template.Library()


@register.filter
def local_start(appointment):
    return appointment.local_start


@register.filter
def local_end(appointment):
    return appointment.local_end


@register.filter
def intake_state(appointment) -> str:
    return _intake_state(appointment)
