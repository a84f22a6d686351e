"""itband's URLs plus the floor: a view that does nothing, behind the same middleware."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from itband.urls import handler403, handler404, handler500
from itband.urls import urlpatterns as site_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *site_urlpatterns]
