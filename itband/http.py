"""Small HTTP helpers shared by the apps' views."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

RETRY_AFTER_SECONDS = 30


def database_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without a request context so that it needs no database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Often answered from above XFrameOptionsMiddleware (a session read failed): deny framing here.
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    add_never_cache_headers(response)
    return response


def mark_no_store(response: HttpResponse) -> HttpResponse:
    """Staff pages with health data: never cached by the browser or a proxy."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    return response


def mark_private(response: HttpResponse) -> HttpResponse:
    """Headers for a page reached by a secret token or showing health data."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    response["Referrer-Policy"] = "no-referrer"
    return response


def private_page(view: Callable) -> Callable:
    """Decorator: no caching and no referrer, so a token never leaks to another site."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return mark_private(view(request, *args, **kwargs))

    # Read by itband.csrf: this page's own forms arrive with Origin: null.
    wrapped.no_referrer_page = True
    return wrapped


def client_ip(request) -> str:
    """The client's address; X-Forwarded-For only when our own proxy sets it (a setting)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.TRUST_X_FORWARDED_FOR:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")
