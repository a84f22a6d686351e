from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

# The public layout's links (header and footer), reversed once per process: every public page
# shows all seven, and reverse() was a visible share of a page's time.
LAYOUT_URL_NAMES = (
    "home",
    "assessments:start",
    "booking:start",
    "privacy",
    "cancellation-policy",
    "login",
)


@cache
def _layout_urls(script_prefix: str) -> dict[str, str]:
    return {name.replace(":", "_").replace("-", "_"): reverse(name) for name in LAYOUT_URL_NAMES}


def site(request) -> dict:
    from .roles import is_clinic_lead

    return {
        "clinic_name": settings.CLINIC_NAME,
        # Lazy: costs nothing on the pages (all public ones) that never ask.
        "is_clinic_lead": SimpleLazyObject(lambda: is_clinic_lead(getattr(request, "user", None))),
        "is_demo": not settings.PRODUCTION,
        "layout_urls": _layout_urls(get_script_prefix()),
    }
