"""Public booking: the slot picker, the runner's details, and the manage link."""

import secrets
from datetime import timedelta

from crispy_forms.utils import render_crispy_form
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from assessments import scoring
from assessments.presenters import intake_safety_context, safety_context
from assessments.safety_hold import held_signs, hold_browser_for_signs
from itband.audit import audit_record
from itband.http import private_page
from itband.models import AuditEvent
from itband.ratelimit import rate_limited

from . import rules, schedule_cache, selectors, services
from .calendar import appointment_ics, calendar_filename
from .forms import BookingDetailsForm, CancelForm, SafetyScreenForm, SlotPickerForm
from .models import Appointment
from .picker import Selection, intake_from, parse_start, select, slot_view
from .signals import appointment_booked, offers_outcome_checkins

CLINICIAN_UNAVAILABLE = (
    "The clinician you chose is not taking bookings at this clinic now. "
    "Here are the free times with our other clinicians."
)

# A manage link stops working this long after the visit.
MANAGE_LINK_LIFETIME_AFTER_VISIT = timedelta(days=90)


def _refused(request, block: rules.BookingBlock, *, appointment=None) -> HttpResponse:
    """A red flag stops this booking (booking.rules). The holder of the flagged intake's own
    token gets its safety page; the manage link's holder (the visit's runner) "please call
    us"; anyone else, found by the details they gave, the neutral "check your email"."""
    if block.own and block.intake is not None:
        return render(request, "booking/safety.html", intake_safety_context(block.intake))
    if appointment is not None:
        return render(request, "booking/call_us.html", {"appointment": appointment})
    return _identity_refused(request, block=block)


def _block(request, intake) -> rules.BookingBlock | None:
    """The block on this page: the presented token's own flag, else the flag this browser
    stopped at (booking_hold), else one found by the token's details."""
    block = rules.booking_block_for(intake=intake)
    if block is not None and block.own:
        return block
    return rules.hold_block(request) or block


def intake_details(intake) -> dict:
    """The runner's details from their intake, to start a form with (booking, waitlist)."""
    if intake is None:
        return {}
    return {
        "first_name": intake.first_name,
        "last_name": intake.last_name,
        "email": intake.email,
        "phone": intake.phone,
        "date_of_birth": intake.date_of_birth,
    }


def red_flag_gate(request, intake) -> HttpResponse | None:
    """The page to show instead, on every page that books or puts a runner on the waitlist:
    the refusal of a red flag (the token's own, this browser's, or one found by the token's
    details), else, without an intake, the safety page this browser's own answer held."""
    block = _block(request, intake)
    if block is not None:
        return _refused(request, block)
    return _cold_hold(request) if intake is None else None


def _cold_hold(request) -> HttpResponse | None:
    """The safety page again for a browser that ticked an emergency or urgent sign on the
    booking page's own safety question in the last 14 days (booking without an intake only:
    an intake's own answers and a clinician's clearance govern a booking with its token)."""
    flags = scoring.flags_for(held_signs(request))
    if not scoring.blocking_level(flags):
        return None
    return render(request, "booking/safety.html", safety_context(flags))


def _identity_refused(request, *, block=None, existing: Appointment | None = None) -> HttpResponse:
    """Refused by the details typed, which anyone may know: a red flag of that runner, or a
    visit they hold at that time. One page for both, naming neither; what to do next goes to
    the address on file (never the typed one), and the refusal is audited without answers or
    contact details."""
    record_identity_refusal(request, block=block, existing=existing)
    return render(request, "booking/check_email.html")


def record_identity_refusal(request, *, block=None, existing: Appointment | None = None) -> None:
    """What a refusal by the details typed does besides its neutral page: tell the address on
    file, and audit it."""
    if block is not None:
        services.booking_refusal_notify(block=block)
        audit_record(
            request=request,
            action=AuditEvent.Action.BOOKING_REFUSED,
            object_type="assessments.submission",
            object_id=str(block.intake_id),
            detail="red flag of the same runner, found by the details given",
        )
    if existing is not None:
        services.appointment_send_existing_link(appointment=existing)
        audit_record(
            request=request,
            action=AuditEvent.Action.BOOKING_REFUSED,
            obj=existing,
            detail="a visit of the same runner at that time",
        )


def _screen(
    request, selection: Selection, form: SafetyScreenForm, *, unknown_intake=False, status=200
) -> HttpResponse:
    """The one safety question before times for an initial visit booked without an intake."""
    follow_up = next((t for t in selection.types if not rules.screen_required(t, None)), None)
    context = {
        "form": form,
        "intake": None,
        "unknown_intake": unknown_intake,
        "picker_params": sorted(selection.params().items()),
        "follow_up_url": selection.url(reverse("booking:start"), type=follow_up.slug)
        if follow_up
        else "",
    }
    return render(request, "booking/screen.html", context, status=status)


@private_page
@rate_limited("booking-screen")
@require_http_methods(["GET", "HEAD", "POST"])
def start(request):
    """Step 1: clinic, type, clinician, day and time, all as GET parameters. Without an
    intake, an initial visit first asks the safety question (posted here)."""
    data = request.POST if request.method == "POST" else request.GET
    intake = intake_from(data.get("intake"))
    unknown_intake = bool(data.get("intake")) and intake is None
    if (stopped := red_flag_gate(request, intake)) is not None:
        return stopped
    selection = select(data, intake=intake)
    needs_screen = selection.complete and rules.screen_required(selection.appointment_type, intake)
    if request.method == "POST":
        form = SafetyScreenForm(request.POST)
        if not form.is_valid():
            return _screen(request, selection, form, unknown_intake=unknown_intake, status=400)
        flags = form.flags()
        if scoring.blocking_level(flags):
            # Answered in a POST, so the signs never appear in a URL or a log. This browser
            # keeps the answer: going back to tick "None of these" leads here again.
            response = render(request, "booking/safety.html", safety_context(flags))
            return hold_browser_for_signs(response, [flag.code for flag in flags])
        selection.screened = True
        return redirect(selection.url(reverse("booking:start")))
    if needs_screen and not selection.screened:
        if request.GET.get("fragment"):  # the picker's script: a link to the question
            url = selection.url(reverse("booking:start"))
            return render(request, "booking/includes/screen_first.html", {"screen_url": url})
        return _screen(request, selection, SafetyScreenForm(), unknown_intake=unknown_intake)
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
        "places_fields": picker_fields(selection, rescheduling=False)[0],
        "slot_results": slot_results,
        "intake": intake,
        "unknown_intake": unknown_intake,
        "form_action": reverse("booking:start"),
    }
    return render(request, "booking/start.html", context)


# The day and time buttons, built here: a template loop over them was a third of the slot
# list's rendering. format_html escapes every value.
DAY_ITEM = (
    '<li><a class="btn {}" href="{}" data-slot-nav{}>{}<span class="visually-hidden">, {}</span>'
    "</a></li>"
)
TIME_ITEM = (
    '<li><a class="btn btn-outline-secondary" href="{}">{}'
    '<span class="visually-hidden"> on {}</span></a></li>'
)
ITEM_BREAK = "\n      "


def _slot_items(slots) -> dict:
    if slots is None:
        return {}
    days = format_html_join(
        ITEM_BREAK,
        DAY_ITEM,
        (
            (
                "btn-brand" if day.selected else "btn-outline-secondary",
                day.url,
                mark_safe(' aria-current="date"') if day.selected else "",
                day.label,
                "free times"
                if day.count is None
                else f"{day.count} free time{'' if day.count == 1 else 's'}",
            )
            for day in slots.days
        ),
    )
    times = format_html_join(
        ITEM_BREAK, TIME_ITEM, ((t.url, t.label, slots.day_label) for t in slots.times)
    )
    return {"day_items": days, "time_items": times}


def picker_fields(selection: Selection, *, rescheduling: bool) -> tuple[str, str]:
    """The picker's clinic and type radios, and its clinician select (booking.forms.
    SlotPickerForm through crispy-forms), kept with the schedule copies (booking.schedule_cache:
    dropped at any change to the clinics, types or clinicians, and within a minute anyway).
    The markup is the same for everyone who picked the same things, and rendering it took
    longer than the rest of the page (6.5 of 11 ms in process)."""
    recommended = selection.intake.recommended_appointment if selection.intake else None
    key = (
        "picker-fields",
        getattr(selection.location, "pk", None),
        getattr(selection.appointment_type, "pk", None),
        selection.clinician_value,
        recommended,
        rescheduling,
    )

    def render() -> tuple[str, str]:
        form = SlotPickerForm(selection, rescheduling=rescheduling)
        return (
            render_crispy_form(form, form.places_helper),
            render_crispy_form(form, form.clinician_helper),
        )

    return schedule_cache.cached(key, render)


def _slot_results(selection: Selection, slots, appointment: Appointment | None = None):
    """The picker's clinician, days and times (the page's part the script swaps in)."""
    context = {
        "selection": selection,
        "slots": slots,
        "appointment": appointment,
        "clinician_field": picker_fields(selection, rescheduling=appointment is not None)[1],
        "waitlist_url": "" if appointment else selection.url(reverse("booking:waitlist-join")),
        **_slot_items(slots),
    }
    return render_to_string("booking/includes/slot_results.html", context)


def _details_context(selection: Selection, form, **extra) -> dict:
    return {
        "selection": selection,
        "waitlist_url": selection.url(reverse("booking:waitlist-join")),
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
    nearby = selectors.nearby_slots(
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
    if (stopped := red_flag_gate(request, intake)) is not None:
        return stopped
    selection = select(data, intake=intake, fresh=request.method == "POST")
    if not selection.complete:
        messages.info(request, "Please choose a clinic, an appointment type and a time.")
        return redirect(selection.url(reverse("booking:start")))
    if rules.screen_required(selection.appointment_type, intake) and not selection.screened:
        return redirect(selection.url(reverse("booking:start")))  # the safety question first
    around = parse_start(data.get("around")) or selection.start
    visit_day = (selection.start or around or timezone.now()).astimezone(selection.location.zone)

    if request.method != "POST":
        if selection.start is None or selection.clinician_unavailable:
            if selection.clinician_unavailable:
                messages.info(request, CLINICIAN_UNAVAILABLE)
            return redirect(selection.url(reverse("booking:start")))
        initial = {"booking_key": secrets.token_urlsafe(16), **intake_details(intake)}
        form = BookingDetailsForm(
            initial=initial,
            visit_day=visit_day.date(),
            offer_checkins=offers_outcome_checkins(selection.appointment_type),
        )
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
    form = BookingDetailsForm(
        data,
        visit_day=visit_day.date(),
        offer_checkins=offers_outcome_checkins(selection.appointment_type),
    )
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
        return _identity_refused(request, existing=error.appointment)
    except services.GuardianRequired as error:
        form.add_error("guardian_name", error.message)
        return render(request, "booking/details.html", _details_context(selection, form, **extra))
    except services.BookingBlocked as error:
        return _refused(request, error.block)
    # The outcomes app enrols an opted-in runner (booking never imports it: booking.signals).
    # Robust: the visit is booked whatever a listener does (Django logs a listener's error).
    appointment_booked.send_robust(
        sender=Appointment,
        appointment=appointment,
        outcome_checkins=bool(form.cleaned_data.get("outcome_checkins")),
    )
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
    can_reschedule = appointment.can_reschedule_online(now)
    context = {
        "appointment": appointment,
        "location": appointment.location,
        "is_past": appointment.end <= now,
        "can_cancel": appointment.can_cancel_online(now),
        "can_reschedule": can_reschedule,
        # Worded like any other "call us": the page names no flag (booking.rules).
        "reschedule_blocked": can_reschedule
        and rules.reschedule_block_for(appointment, now=now) is not None,
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
    block = rules.reschedule_block_for(appointment, now=now)
    if block is not None:
        return _refused(request, block, appointment=appointment)
    data = request.POST if request.method == "POST" else request.GET
    selection = select(
        data,
        location=appointment.location,
        appointment_type=appointment.appointment_type,
        clinician=appointment.clinician,  # kept unless the runner chooses another
        fresh=request.method == "POST",
    )
    base = reverse("booking:reschedule", args=[token])
    taken_message = ""
    if request.method == "POST":
        if selection.start is None:
            taken_message = "Please choose a time."
        else:
            before = appointment.clinician
            try:
                moved = services.appointment_reschedule(
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
            except services.BookingBlocked as error:
                return _refused(request, error.block, appointment=appointment)
            except services.SlotUnavailable as error:
                taken_message = error.message
                selection.day = selection.start.astimezone(appointment.location.zone).date()
                selection.start = None
            else:
                change = ""
                if moved.clinician_id != before.pk:
                    change = f" You will now see {moved.clinician.display_name}."
                messages.success(
                    request,
                    f"Your appointment has been moved.{change} We have emailed you the new time.",
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
