"""Per-IP rate limits for public forms, counted in the database cache (shared by processes)."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from .http import client_ip


def limit_exceeded(scope: str, request, *, per_hour: int | None = None) -> bool:
    """Count one request for (scope, IP) in the current hour; True once past the limit."""
    if not settings.RATE_LIMITS_ENABLED:
        return False
    limit = per_hour or settings.RATE_LIMIT_PER_HOUR
    hour = timezone.now().strftime("%Y%m%d%H")
    key = f"rl:{scope}:{client_ip(request)}:{hour}"
    if cache.add(key, 1, timeout=3600):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)
        return False
    return count > limit


def rate_limited(scope: str, *, per_hour: int | None = None, methods=("POST",)) -> Callable:
    """Decorator: beyond the limit a POST gets a 429 page and changes nothing."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and limit_exceeded(scope, request, per_hour=per_hour):
                response = render(request, "429.html", status=429)
                response["Retry-After"] = "3600"
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
