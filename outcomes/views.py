"""The runner's check-in page (reached only by its unguessable token) and the clinician's page
of a visit's outcomes (login + the Clinician role; every view audited)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from booking.models import Appointment
from itband.audit import audit_record
from itband.http import mark_no_store, private_page
from itband.ratelimit import rate_limited
from itband.roles import CLINICIAN, has_role, role_required

from . import selectors, services
from .forms import CheckInForm
from .models import CheckIn


def _done(request, checkin: CheckIn, *, refused: str = "", status: int = 200) -> HttpResponse:
    context = {"checkin": checkin, "refused": refused}
    context["clinician"] = checkin.enrolment.appointment.clinician.display_name
    if not checkin.is_baseline:  # a tablet at the clinic never shows the course
        context.update(selectors.course_context(selectors.course(checkin.enrolment)))
    return render(request, "outcomes/done.html", context, status=status)


@private_page
@rate_limited("outcome-checkin")  # a public form: per IP, like the booking and manage forms
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    checkin = selectors.checkin_by_token(token)
    if checkin is None:
        raise Http404("unknown check-in link")
    if checkin.submitted_at is not None:
        if request.method == "POST":  # one submission each: a second is refused politely
            return _done(request, checkin, refused=services.AlreadySubmitted.message, status=409)
        return _done(request, checkin)
    if services.tablet_link_expired(checkin):
        return render(request, "outcomes/tablet_expired.html", status=410)
    with_groc = not checkin.is_baseline
    saved = False
    status = 200
    if request.method == "POST":
        form = CheckInForm(request.POST, with_groc=with_groc)
        form.is_valid()  # every field optional: keeps the valid answers
        try:
            if request.POST.get("action") == "save":
                services.checkin_save(checkin=checkin, answers=form.answers())
                saved = True
            else:
                services.checkin_submit(checkin=checkin, answers=form.answers())
                return redirect(checkin)
        except services.AlreadySubmitted:
            checkin.refresh_from_db()
            return _done(request, checkin, refused=services.AlreadySubmitted.message, status=409)
        except services.InvalidCheckIn as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
            status = 400
    else:
        form = CheckInForm(initial=checkin.draft, with_groc=with_groc)
    context = {"checkin": checkin, "form": form, "saved": saved}
    if with_groc:
        context.update(selectors.course_context(selectors.course(checkin.enrolment)))
    return render(request, "outcomes/checkin.html", context, status=status)


def get_appointment_for_clinician(user, pk: int) -> Appointment:
    """The one gate to a visit's outcomes for staff: clinicians (and the clinic admin)."""
    if not has_role(user, CLINICIAN):
        raise PermissionDenied
    return get_object_or_404(
        Appointment.objects.select_related("patient", "clinician", "location", "appointment_type"),
        pk=pk,
    )


@role_required(CLINICIAN)
@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_clinician(request.user, pk)
    enrolment = selectors.enrolment_for_appointment(appointment)
    form = CheckInForm(with_groc=False)
    status = 200
    if request.method == "POST" and enrolment is not None:
        action = request.POST.get("action")
        try:
            if action == "tablet":
                services.baseline_tablet_link(enrolment=enrolment)
                messages.success(request, "One-time link ready: open it on the clinic tablet.")
                audit_record(
                    request=request,
                    action="notes_change",
                    obj=appointment,
                    detail="outcomes tablet link",
                )
                return redirect("outcomes:visit", pk)
            if action == "baseline":
                form = CheckInForm(request.POST, with_groc=False)
                form.is_valid()
                services.baseline_record(
                    enrolment=enrolment, user=request.user, answers=form.answers()
                )
                audit_record(
                    request=request,
                    action="notes_change",
                    obj=appointment,
                    detail="outcomes baseline",
                )
                messages.success(request, "Baseline recorded.")
                return redirect("outcomes:visit", pk)
        except services.AlreadySubmitted:
            messages.info(request, "The baseline is already in.")
            return redirect("outcomes:visit", pk)
        except services.InvalidCheckIn as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
            status = 400
    audit_record(request=request, action="view_patient", obj=appointment.patient, detail="outcomes")
    checkins = selectors.course(enrolment) if enrolment is not None else []
    context = {
        "appointment": appointment,
        "enrolment": enrolment,
        "form": form,
        "tablet_checkin": selectors.open_tablet_baseline(enrolment) if enrolment else None,
        "course_heading": "Course",
        **selectors.course_context(checkins),
    }
    return mark_no_store(render(request, "outcomes/visit.html", context, status=status))
