"""The clinician pages' small pieces: the flag badge (from the one mapping of levels to
badges) and tap-to-call phone links."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from assessments.clinical import FLAG_LEVEL_BADGES

register = template.Library()


@register.simple_tag
def flag_badge(level: str) -> SafeString:
    if level not in FLAG_LEVEL_BADGES:
        return format_html('<span class="text-body-secondary">{}</span>', "None")
    css, label = FLAG_LEVEL_BADGES[level]
    return format_html('<span class="{}">{}</span>', css, label)


@register.filter
def tel_href(phone: str) -> str:
    """A phone number as a ``tel:`` link target: digits, and a leading + if given."""
    phone = (phone or "").strip()
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"tel:{'+' if phone.startswith('+') else ''}{digits}"
