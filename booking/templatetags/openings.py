"""The next free times at each clinic, for the runner's result page (assessments never
imports booking: its template asks for them here)."""

from urllib.parse import quote_plus, urlencode

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from booking import schedule_cache
from booking.selectors import openings_for_intake, openings_minute

register = template.Library()

# The times are the same for every runner until the schedule changes or the minute turns;
# only the intake's token in each link differs. The markup is kept with the schedule copies
# with this in the token's place (letters and dashes: URL-encoding and HTML-escaping leave it
# as it is), then each runner's token is put in.
TOKEN_PLACEHOLDER = "intake-token-placeholder"  # noqa: S105 (not a secret: a marker)


@register.simple_tag
def next_openings(intake_token: str, type_slug: str | None = None, count: int = 3) -> SafeString:
    def render() -> str:
        return str(
            render_to_string(
                "booking/includes/openings.html",
                openings_context(TOKEN_PLACEHOLDER, type_slug, count),
            )
        )

    key = ("openings-html", type_slug, count, openings_minute())  # as next_openings keys its own
    html = schedule_cache.cached(key, render)
    return mark_safe(html.replace(TOKEN_PLACEHOLDER, escape(quote_plus(intake_token))))


def openings_context(intake_token: str, type_slug: str | None, count: int) -> dict:
    appointment_type, clinics = openings_for_intake(
        intake_token=intake_token, type_slug=type_slug, count=count
    )
    # Without a bookable type or a clinic, the picker still lets the runner book (or call).
    picker_url = f"{reverse('booking:start')}?{urlencode({'intake': intake_token})}"
    return {"appointment_type": appointment_type, "clinics": clinics, "picker_url": picker_url}
