"""Project-level pages: landing, health probes, editable policy pages, staff home, errors."""

import sys

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .audit import audit_record
from .http import database_unavailable_response
from .middleware import DATABASE_DOWN_ERRORS
from .models import AuditEvent, SitePage
from .readiness import readiness
from .roles import CLINIC_LEAD, CLINICIAN, FRONT_DESK, has_role

DRIVERS = (
    (
        "Hip mobility",
        "Stiff hips make the muscles around them work in a short range and hand extra "
        "tension to the IT band.",
    ),
    (
        "Strength balance",
        "When the TFL at the front of the hip out-works the glutes at the back, it pulls the "
        "band forward with every stride.",
    ),
    (
        "Pelvic position",
        "A pelvis tipped forward, with the rib cage not stacked over it, changes how the glutes "
        "and TFL share the load.",
    ),
    (
        "Movement and running technique",
        "Collapsing through the hip, crossing the feet over the midline or overstriding puts "
        "repeated strain on the band.",
    ),
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "itband/home.html", {"drivers": DRIVERS})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up. Touches neither the database nor the broker."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, with the broker, the relay's last run and the oldest
    pending email ("degraded" when any is wrong: see itband.readiness); else 503."""
    try:
        state = readiness()
    except DATABASE_DOWN_ERRORS:
        response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
        response["Retry-After"] = "30"
        return response
    return JsonResponse(state.as_dict())


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    site_page = get_object_or_404(SitePage, slug=slug)
    paragraphs = [p.strip() for p in site_page.body.split("\n\n") if p.strip()]
    return render(request, "itband/page.html", {"page": site_page, "paragraphs": paragraphs})


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """Where a staff login lands: the workspace of the user's role."""
    if has_role(request.user, FRONT_DESK):
        return redirect("/desk/")
    if has_role(request.user, CLINICIAN):
        return redirect("/clinician/")
    if has_role(request.user, CLINIC_LEAD):
        return redirect("/clinic/")
    return render(request, "itband/no_role.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A database outage anywhere in the stack answers 503, not 500."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN_ERRORS):
        return database_unavailable_response()
    return HttpResponse(render_to_string("500.html"), status=500)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """handler403. A signed-in user refused a page (the front desk opening a clinician's
    intake, say) is audited: a refused look at health data is a security event too."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW_DENIED,
            detail=f"{request.method} {request.path}",
        )
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from an old page (expired token, back button): explain, never a raw 403."""
    return render(request, "403_csrf.html", status=403)
