"""The clinic page and its CSV exports: login and the "Clinic lead" role (two-factor as for
every staff page, by middleware); every view and export is audited. The figures come from
``selectors`` through ``report`` (which applies the small-count suppression)."""

import csv
from datetime import datetime, timedelta
from urllib.parse import urlencode

from crispy_forms.utils import render_crispy_form
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from booking import schedule_cache
from itband.audit import audit_record
from itband.http import mark_no_store
from itband.models import AuditEvent
from itband.roles import CLINIC_LEAD, role_required

from . import report, selectors
from .forms import PeriodForm, default_period


def _period(request: HttpRequest):
    """(form, period or None): the period from the query string, or the last 90 days."""
    data = {**default_period(timezone.localdate()), **request.GET.dict()}
    form = PeriodForm(data)
    if not form.is_valid():
        return form, None
    cleaned = form.cleaned_data
    period = selectors.period_for(
        start=cleaned["start"], end=cleaned["end"], choice=cleaned["clinic"]
    )
    return form, period


def period_form_html(form: PeriodForm) -> str:
    """The period form (crispy-forms). A valid one shows the period as understood and is kept
    with the schedule copies, keyed by it (booking.schedule_cache: the clinics are the only
    rows it shows, and any change to them drops it): rendering it was half the page's time
    once the figures are kept. A form with errors shows what was typed, rendered each time."""
    if form.errors:
        return render_crispy_form(form, form.helper)
    period = {name: form.cleaned_data[name] for name in ("start", "end", "clinic")}

    def render_period() -> str:
        shown = PeriodForm(initial=period)
        return render_crispy_form(shown, shown.helper)

    return schedule_cache.cached(("clinic-period-form", *period.values()), render_period)


def _describe(period) -> str:
    return f"{period.choice} {period.start:%Y-%m-%d}..{period.end:%Y-%m-%d}"


SECTIONS = (
    ("funnel", "The funnel"),
    ("profile", "The profile mix and outcomes"),
    ("operations", "Operations"),
)
REPORT_CACHE_SECONDS = 300


def report_html(period) -> tuple[str, datetime]:
    """The page's charts and tables for a period and clinic, and when they were computed:
    kept five minutes in the shared cache, for every clinic lead (figures only, small counts
    already suppressed; no runner's data). Computing them is a dozen aggregate queries over
    every intake of the period and about a tenth of a second; a lead reloading the page or a
    second lead looking at the same period gets them at once.

    Each process also keeps what it read (booking.schedule_cache, at most a minute): reading
    the shared copy was a tenth of the page's time. Past its five minutes, it is read again."""
    key = f"clinic-report:v1:{period.choice}:{period.start.isoformat()}:{period.end.isoformat()}"
    kept = schedule_cache.cached(key, lambda: _shared_report(key, period))
    if timezone.now() - kept[1] >= timedelta(seconds=REPORT_CACHE_SECONDS):
        kept = _shared_report(key, period)
    return mark_safe(kept[0]), kept[1]


def _shared_report(key: str, period) -> tuple[str, datetime]:
    kept = cache.get(key)
    if kept is not None:
        return kept
    tables = report.all_tables(period)
    query = urlencode(
        {"start": period.start.isoformat(), "end": period.end.isoformat(), "clinic": period.choice}
    )
    html = render_to_string(
        "clinic/includes/report.html",
        {
            "query": query,
            "sections": [
                (key, title, [t for t in tables if t.section == key]) for key, title in SECTIONS
            ],
        },
    )
    computed_at = timezone.now()
    cache.set(key, (str(html), computed_at), REPORT_CACHE_SECONDS)
    return str(html), computed_at


@role_required(CLINIC_LEAD)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    if period is None:
        context = {"form": form, "form_html": period_form_html(form)}
        response = render(request, "clinic/overview.html", context, status=400)
        return mark_no_store(response)
    html, computed_at = report_html(period)
    context = {
        "form": form,
        "form_html": period_form_html(form),
        "period": period,
        "report_html": html,
        "computed_at": computed_at,
        "cache_minutes": REPORT_CACHE_SECONDS // 60,
    }
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW_CLINIC,
        object_type="clinic.report",
        detail=_describe(period),
    )
    return mark_no_store(render(request, "clinic/overview.html", context))


@role_required(CLINIC_LEAD)
@require_GET
def export_csv(request: HttpRequest, key: str) -> HttpResponse:
    _form, period = _period(request)
    if period is None:
        return mark_no_store(HttpResponse("Invalid period.", status=400, content_type="text/plain"))
    table = report.table(period, key)
    if table is None:
        raise Http404("no such table")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="clinic-{key}-{period.choice}-'
        f'{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(table.columns)
    writer.writerows(table.rows)  # the same suppressed cells as the page
    audit_record(
        request=request,
        action=AuditEvent.Action.EXPORT,
        object_type="clinic.report",
        object_id=key,
        detail=_describe(period),
    )
    return mark_no_store(response)
