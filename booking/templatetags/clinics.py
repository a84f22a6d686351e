"""The clinics' addresses and phones, for the landing page and the public footer."""

from django import template

from booking.models import Location

register = template.Library()


@register.inclusion_tag("booking/includes/clinic_list.html")
def clinic_list(heading_level: int = 3) -> dict:
    return {"locations": Location.objects.filter(is_active=True), "heading_level": heading_level}


@register.simple_tag
def active_locations():
    return Location.objects.filter(is_active=True)
