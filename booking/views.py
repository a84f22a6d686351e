"""Public booking: the slot picker, the runner's details, and the manage link."""

import secrets
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from itband.fragments import render_fragment
from itband.http import private_page
from itband.ratelimit import rate_limited

from . import services
from .calendar import appointment_ics, calendar_filename
from .forms import BookingDetailsForm, CancelForm
from .models import Appointment
from .picker import Selection, intake_from, parse_start, select, slot_view

CLINICIAN_UNAVAILABLE = (
    "The clinician you chose is not taking bookings at this clinic now. "
    "Here are the free times with our other clinicians."
)

# A manage link stops working this long after the visit.
MANAGE_LINK_LIFETIME_AFTER_VISIT = timedelta(days=90)


def _blocked(request, intake, flag: str) -> HttpResponse:
    flags = [f for f in (intake.result or {}).get("flags", ()) if f.get("level") == flag]
    return render(request, "booking/blocked.html", {"flag": flag, "flags": flags})


@private_page
@require_http_methods(["GET", "HEAD"])
def start(request):
    """Step 1: clinic, type, clinician, day and time, all as GET parameters."""
    intake = intake_from(request.GET.get("intake"))
    unknown_intake = bool(request.GET.get("intake")) and intake is None
    flag = services.booking_blocked_by(intake)
    if flag:
        return _blocked(request, intake, flag)
    selection = select(request.GET, intake=intake)
    slots = None
    if selection.complete:
        slots = slot_view(
            selection,
            picker_base=reverse("booking:start"),
            pick_base=reverse("booking:details"),
        )
    slot_results = _slot_results(selection, slots)
    if request.GET.get("fragment"):
        return HttpResponse(slot_results)
    context = {
        "selection": selection,
        "slot_results": slot_results,
        "intake": intake,
        "unknown_intake": unknown_intake,
        "form_action": reverse("booking:start"),
    }
    return render(request, "booking/start.html", context)


def _slot_results(selection: Selection, slots, appointment: Appointment | None = None):
    """The picker's clinician, days and times (the page's part the script swaps in)."""
    context = {"selection": selection, "slots": slots, "appointment": appointment}
    return render_fragment("booking/slot_results.jinja", context)


def _details_context(selection: Selection, form, **extra) -> dict:
    return {
        "selection": selection,
        "form": form,
        "intake": selection.intake,
        "change_url": selection.url(
            reverse("booking:start"),
            date=selection.start.date().isoformat() if selection.start else None,
        ),
        **extra,
    }


def _taken(request, selection: Selection, form, *, around, message: str, **extra) -> HttpResponse:
    """The chosen time has gone: fresh nearby times, the runner's details kept."""
    nearby = services.nearby_slots(
        location=selection.location,
        appointment_type=selection.appointment_type,
        clinician=selection.clinician,
        around=around,
    )
    # The booking key travels on, so a double submit of the suggested time books once.
    context = _details_context(selection, form, nearby=nearby, taken_message=message, **extra)
    context["around"] = around
    return render(request, "booking/details.html", context)


@private_page
@rate_limited("booking")
@require_http_methods(["GET", "HEAD", "POST"])
def details(request):
    """Step 2: who is coming. The server re-validates the time when the form is sent."""
    data = request.POST if request.method == "POST" else request.GET
    intake = intake_from(data.get("intake"))
    flag = services.booking_blocked_by(intake)
    if flag:
        return _blocked(request, intake, flag)
    selection = select(data, intake=intake, fresh=request.method == "POST")
    if not selection.complete:
        messages.info(request, "Please choose a clinic, an appointment type and a time.")
        return redirect(selection.url(reverse("booking:start")))
    around = parse_start(data.get("around")) or selection.start
    visit_day = (selection.start or around or timezone.now()).astimezone(selection.location.zone)

    if request.method != "POST":
        if selection.start is None or selection.clinician_unavailable:
            if selection.clinician_unavailable:
                messages.info(request, CLINICIAN_UNAVAILABLE)
            return redirect(selection.url(reverse("booking:start")))
        initial = {"booking_key": secrets.token_urlsafe(16)}
        if intake:
            initial.update(
                first_name=intake.first_name,
                last_name=intake.last_name,
                email=intake.email,
                phone=intake.phone,
                date_of_birth=intake.date_of_birth,
            )
        form = BookingDetailsForm(initial=initial, visit_day=visit_day.date())
        return render(
            request,
            "booking/details.html",
            _details_context(selection, form, booking_key=initial["booking_key"]),
        )

    # NUL bytes removed: PostgreSQL's driver raises on them (a 500, not a bad key).
    booking_key = (data.get("booking_key") or "").replace("\x00", "")[:64] or None
    if booking_key:
        already = Appointment.objects.filter(booking_key=booking_key).first()
        if already is not None:  # a double submit: the first one booked
            return redirect(already)
    form = BookingDetailsForm(data, visit_day=visit_day.date())
    extra = {"booking_key": booking_key}
    if selection.start is None or selection.clinician_unavailable:
        # Never book anyone but the clinician the runner chose: offer other times instead.
        form.is_valid()
        return _taken(
            request,
            selection,
            form,
            around=around or timezone.now(),
            message=CLINICIAN_UNAVAILABLE
            if selection.clinician_unavailable
            else "Please choose a time.",
        )
    if not form.is_valid():
        return render(request, "booking/details.html", _details_context(selection, form, **extra))
    try:
        appointment = services.appointment_book(
            start=selection.start,
            appointment_type=selection.appointment_type,
            location=selection.location,
            clinician=selection.clinician,
            patient=form.patient_details(),
            submission=intake,
            source=Appointment.Source.PUBLIC,
            booking_key=booking_key,
        )
    except services.SlotUnavailable as error:
        if booking_key:
            already = Appointment.objects.filter(booking_key=booking_key).first()
            if already is not None:
                return redirect(already)
        return _taken(
            request, selection, form, around=selection.start, message=error.message, **extra
        )
    except services.AlreadyBooked as error:
        # Never the existing visit itself: the form may have been filled by anyone who knows
        # the runner's details. Its link goes to the address on file instead.
        services.appointment_send_existing_link(appointment=error.appointment)
        context = _details_context(selection, form, location=selection.location)
        return render(request, "booking/existing_visit.html", context)
    except services.GuardianRequired as error:
        form.add_error("guardian_name", error.message)
        return render(request, "booking/details.html", _details_context(selection, form, **extra))
    except services.BookingBlocked:
        return _blocked(request, intake, services.booking_blocked_by(intake) or "urgent")
    return redirect(appointment)


def _appointment_or_404(token: str) -> Appointment:
    appointment = (
        Appointment.objects.select_related("patient", "clinician", "location", "appointment_type")
        .filter(manage_token=token)
        .first()
    )
    if appointment is None or appointment.end < timezone.now() - MANAGE_LINK_LIFETIME_AFTER_VISIT:
        raise Http404("No such appointment")
    return appointment


@private_page
@require_http_methods(["GET", "HEAD"])
def manage(request, token: str):
    appointment = _appointment_or_404(token)
    now = timezone.now()
    context = {
        "appointment": appointment,
        "location": appointment.location,
        "is_past": appointment.end <= now,
        "can_cancel": appointment.can_cancel_online(now),
        "can_reschedule": appointment.can_reschedule_online(now),
        "cancel_form": CancelForm(),
    }
    return render(request, "booking/manage.html", context)


@private_page
@rate_limited("booking-manage")
@require_POST
def cancel(request, token: str):
    appointment = _appointment_or_404(token)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.appointment_cancel(appointment=appointment, by="patient", reason=reason)
    except services.CutoffPassed:
        messages.error(
            request,
            f"It is too close to your visit to cancel online. Please call the clinic at "
            f"{appointment.location.phone}.",
        )
    except services.AppointmentNotActive:
        messages.error(request, "This appointment can no longer be cancelled online.")
    else:
        messages.success(
            request, "Your appointment is cancelled. We have emailed you a confirmation."
        )
    return redirect(appointment)


@private_page
@rate_limited("booking-manage")
@require_http_methods(["GET", "HEAD", "POST"])
def reschedule(request, token: str):
    """Pick a new time at the same clinic for the same type; keeps the intake link and UID."""
    appointment = _appointment_or_404(token)
    now = timezone.now()
    if not appointment.can_reschedule_online(now):
        if appointment.is_active:
            messages.error(
                request,
                f"It is too close to your visit to reschedule online. Please call the clinic at "
                f"{appointment.location.phone}.",
            )
        return redirect(appointment)
    data = request.POST if request.method == "POST" else request.GET
    selection = select(
        data,
        location=appointment.location,
        appointment_type=appointment.appointment_type,
        fresh=request.method == "POST",
    )
    base = reverse("booking:reschedule", args=[token])
    taken_message = ""
    if request.method == "POST":
        if selection.start is None:
            taken_message = "Please choose a time."
        else:
            try:
                services.appointment_reschedule(
                    appointment=appointment,
                    new_start=selection.start,
                    clinician=selection.clinician,
                    by="patient",
                )
            except services.CutoffPassed:
                messages.error(
                    request,
                    f"It is too close to your visit to reschedule online. Please call the clinic "
                    f"at {appointment.location.phone}.",
                )
                return redirect(appointment)
            except services.AppointmentNotActive:
                messages.error(request, "This appointment can no longer be changed online.")
                return redirect(appointment)
            except services.SlotUnavailable as error:
                taken_message = error.message
                selection.day = selection.start.astimezone(appointment.location.zone).date()
                selection.start = None
            else:
                messages.success(
                    request, "Your appointment has been moved. We have emailed you the new time."
                )
                return redirect(appointment)
    slots = slot_view(selection, picker_base=base, pick_base=base, exclude_appointment=appointment)
    slot_results = _slot_results(selection, slots, appointment)
    if request.GET.get("fragment"):
        return HttpResponse(slot_results)
    context = {
        "appointment": appointment,
        "selection": selection,
        "slot_results": slot_results,
        "form_action": base,
        "taken_message": taken_message,
        "confirm_start": selection.start if request.method != "POST" else None,
    }
    return render(request, "booking/reschedule.html", context)


@private_page
@require_http_methods(["GET", "HEAD"])
def calendar_file(request, token: str):
    appointment = _appointment_or_404(token)
    response = HttpResponse(
        appointment_ics(appointment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar_filename(appointment)}"'
    return response
