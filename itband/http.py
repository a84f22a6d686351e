"""Small HTTP helpers shared by the apps' views."""

import ipaddress
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
    """The client's address, for lockouts, rate limits and the audit log.

    Without proxies of our own (TRUSTED_PROXY_COUNT=0) it is REMOTE_ADDR and X-Forwarded-For is
    ignored. Behind N of them, each appends the address it received the request from, so the
    client is the N-th entry from the right; everything left of it was written by the client
    and is never used. A header with fewer entries, or a malformed entry, falls back to
    REMOTE_ADDR: our nearest proxy, shared by many but never chosen by the client.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXY_NETWORKS:
        return _client_behind_networks(request, remote, settings.TRUSTED_PROXY_NETWORKS)
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-hops]))
    except ValueError:
        return remote


def _client_behind_networks(request, remote: str, networks) -> str:
    """TRUSTED_PROXY_NETWORKS: read X-Forwarded-For only from a peer inside our networks, and
    walk it from the right past the addresses of our own proxies; the first one outside is the
    client. Anything malformed on the way, or only proxies, falls back to REMOTE_ADDR."""
    if not _inside(remote, networks):
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(header.split(",") if header.strip() else []):
        try:
            address = ipaddress.ip_address(entry.strip())
        except ValueError:
            return remote
        if not _inside(address, networks):
            return str(address)
    return remote


def _inside(address, networks) -> bool:
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None):  # ::ffff:10.0.0.1 is 10.0.0.1
        address = address.ipv4_mapped
    return any(address in network for network in networks)
