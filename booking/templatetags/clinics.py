"""The clinics' addresses and phones, for the landing page and the public footer."""

from django import template

from booking import directory

register = template.Library()


@register.inclusion_tag("booking/includes/clinic_list.html")
def clinic_list(heading_level: int = 3) -> dict:
    return {"locations": directory.active_locations(), "heading_level": heading_level}


@register.simple_tag
def active_locations():
    return directory.active_locations()
