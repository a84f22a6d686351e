from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

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
    return {
        "clinic_name": settings.CLINIC_NAME,
        "is_demo": not settings.PRODUCTION,
        "layout_urls": _layout_urls(get_script_prefix()),
    }
