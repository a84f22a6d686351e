"""The next free times at each clinic, for the runner's result page (assessments never
imports booking: its template asks for them here)."""

from django import template

from booking.selectors import openings_for_intake

register = template.Library()


@register.inclusion_tag("booking/includes/openings.html")
def next_openings(intake_token: str, type_slug: str | None = None, count: int = 3) -> dict:
    appointment_type, clinics = openings_for_intake(
        intake_token=intake_token, type_slug=type_slug, count=count
    )
    return {"appointment_type": appointment_type, "clinics": clinics}
