"""The next free times at each clinic, for the runner's result page (assessments never
imports booking: its template asks for them here)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from booking.selectors import openings_for_intake

register = template.Library()


@register.inclusion_tag("booking/includes/openings.html")
def next_openings(intake_token: str, type_slug: str | None = None, count: int = 3) -> dict:
    appointment_type, clinics = openings_for_intake(
        intake_token=intake_token, type_slug=type_slug, count=count
    )
    # Without a bookable type or a clinic, the picker still lets the runner book (or call).
    picker_url = f"{reverse('booking:start')}?{urlencode({'intake': intake_token})}"
    return {"appointment_type": appointment_type, "clinics": clinics, "picker_url": picker_url}
