"""Booking facts for the clinician's view of a red-flagged intake (the clinician pages read
appointments through booking, never the other way round)."""

from django import template

from booking import rules

register = template.Library()


@register.simple_tag
def visits_of_same_runner(intake):
    return rules.visits_of_same_runner(intake)
