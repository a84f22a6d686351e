"""The front desk's appointment book: day and week views, actions, booking for a caller,
the message log and the CSV export. Staff login and the "Front desk" role are required."""

import csv
import secrets
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments.models import Submission
from booking import rules
from booking.models import Appointment, Clinician, Patient, same_runner
from booking.picker import parse_date, parse_start, select, slot_view
from booking.services import (
    UNDO_WINDOW,
    AlreadyBooked,
    AppointmentNotActive,
    BookingBlocked,
    BookingError,
    GuardianRequired,
    SlotTaken,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
    appointment_undo_status,
    can_undo_status,
)
from itband.audit import audit_record
from itband.http import mark_no_store
from itband.models import AuditEvent, OutboxMessage
from itband.outbox import outbox_resend
from itband.roles import CLINICIAN, FRONT_DESK, has_role, role_required

from . import selectors as desk_book
from . import services as desk_services
from .forms import (
    AttachIntakeForm,
    CancelByDeskForm,
    DeskBookingForm,
    ExportForm,
    PatientSearchForm,
    SlotFilterForm,
)
from .grid_html import day_grid

RED_FLAG_MESSAGE = (
    "This runner has an emergency or urgent intake that no clinician has cleared: a clinician "
    "must speak with them and clear it before a visit is booked or moved."
)

# The desk books callers for later today: no public minimum notice, the same horizon.
DESK_MIN_NOTICE = timedelta(0)

STATUS_ACTIONS = {
    "check_in": (Appointment.Status.CHECKED_IN, "Checked in."),
    "complete": (Appointment.Status.COMPLETED, "Marked completed."),
    "no_show": (Appointment.Status.NO_SHOW, "Marked as a no-show."),
    "undo_no_show": (Appointment.Status.BOOKED, "No-show undone."),
}


def chosen_day(request: HttpRequest) -> date:
    return parse_date(request.GET.get("date")) or timezone.localdate()


@role_required(FRONT_DESK)
def day(request: HttpRequest) -> HttpResponse:
    current = chosen_day(request)
    content = day_grid(slug=request.GET.get("location", desk_book.BOTH), day=current)
    context = {"day": current, "content_html": content, "desk_section": "day"}
    return mark_no_store(render(request, "desk/day.html", context))


@role_required(FRONT_DESK)
def week(request: HttpRequest) -> HttpResponse:
    current = chosen_day(request)
    context = desk_book.week_book(slug=request.GET.get("location", desk_book.BOTH), day=current)
    context.update(
        desk_section="week",
        today=timezone.localdate(),
        previous_week=context["monday"] - timedelta(days=7),
        next_week=context["monday"] + timedelta(days=7),
    )
    return mark_no_store(render(request, "desk/week.html", context))


def appointment_for_desk(pk: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related(
            "patient", "clinician", "location", "appointment_type", "submission", "booked_by"
        ),
        pk=pk,
    )


@role_required(FRONT_DESK)
@require_http_methods(["GET", "POST"])
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_for_desk(pk)
    cancel_form = CancelByDeskForm(request.POST if request.POST.get("action") == "cancel" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in STATUS_ACTIONS:
                status, message = STATUS_ACTIONS[action]
                appointment_set_status(appointment=appointment, status=status, actor=request.user)
                messages.success(request, message)
                return redirect("desk:appointment", pk)
            if action == "undo":
                undone = appointment_undo_status(appointment=appointment, actor=request.user)
                messages.success(request, f"Undone: back to {undone.get_status_display().lower()}.")
                return redirect("desk:appointment", pk)
            if action == "cancel" and cancel_form.is_valid():
                cancelled = appointment_cancel(
                    appointment=appointment,
                    by=cancel_form.cleaned_data["by"],
                    reason=cancel_form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(
                    request, f"{cancelled.get_status_display()}. The patient has been emailed."
                )
                return redirect("desk:appointment", pk)
            if action == "resend":
                resend_confirmation(appointment, request)
                return redirect("desk:appointment", pk)
            if action == "send_intake":
                desk_services.intake_link_send(appointment=appointment)
                messages.success(
                    request, f"Self-assessment link sent to {appointment.patient.email}."
                )
                return redirect("desk:appointment", pk)
        except AppointmentNotActive as error:
            messages.error(request, str(error) or "This appointment can no longer be changed.")
            return redirect("desk:appointment", pk)
        except desk_services.IntakeAlreadySubmitted as error:
            messages.error(request, error.message)
            return redirect("desk:appointment", pk)
    context = {
        "appointment": appointment,
        "intake_state": desk_book.intake_state(appointment),
        "red_flag": rules.reschedule_block_for(appointment),
        "can_open_intakes": has_role(request.user, CLINICIAN),
        "events": appointment.events.select_related("actor").order_by("created_at", "pk"),
        "outbox": OutboxMessage.objects.for_topic(f"appointment:{appointment.pk}"),
        "cancel_form": cancel_form,
        "desk_section": "day",
        "can_change": appointment.status == Appointment.Status.BOOKED,
        "can_undo": can_undo_status(appointment),
        "can_send_intake": appointment.status == Appointment.Status.BOOKED
        and not (appointment.submission and appointment.submission.is_submitted),
        "undo_minutes": int(UNDO_WINDOW.total_seconds() // 60),
        "age": appointment.patient.age_on(appointment.local_start.date()),
    }
    status = 400 if cancel_form.errors else 200
    return mark_no_store(render(request, "desk/appointment.html", context, status=status))


def resend_confirmation(appointment: Appointment, request: HttpRequest) -> None:
    """Queue the latest confirmation (or reschedule) email again, with its calendar file."""
    latest = (
        OutboxMessage.objects.for_topic(f"appointment:{appointment.pk}")
        .filter(Q(key__contains=":confirmation:") | Q(key__contains=":reschedule:"))
        .exclude(key__contains=":resend:")
        .first()
    )
    if latest is None:
        messages.error(request, "There is no confirmation to resend.")
        return
    outbox_resend(message=latest, key_suffix=secrets.token_hex(6))
    messages.success(request, f"Confirmation sent again to {appointment.patient.email}.")


def with_params(base: str, **params) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(clean)}" if clean else base


@role_required(FRONT_DESK)
@require_http_methods(["GET", "POST"])
def appointment_reschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_for_desk(pk)
    if appointment.status != Appointment.Status.BOOKED:
        messages.error(request, "Only a booked appointment can be moved.")
        return redirect("desk:appointment", pk)
    base = reverse("desk:reschedule", args=[pk])
    selection = select(
        request.GET,
        location=appointment.location,
        appointment_type=appointment.appointment_type,
        clinician=appointment.clinician,  # kept unless the desk chooses another
        fresh=request.method == "POST",
    )
    before_clinician = appointment.clinician
    if request.method == "POST":
        start = parse_start(request.POST.get("start"))
        clinician = next(
            (c for c in selection.clinicians if str(c.pk) == request.POST.get("clinician")), None
        )
        try:
            if start is None:
                raise SlotUnavailable
            moved = appointment_reschedule(
                appointment=appointment,
                new_start=start,
                clinician=clinician,
                actor=request.user,
                by="desk",
                min_notice=DESK_MIN_NOTICE,
            )
        except SlotTaken:
            messages.error(request, "That time was just taken. Please pick another.")
        except (SlotUnavailable, AppointmentNotActive):
            messages.error(request, "That time is no longer available. Please pick another.")
        except BookingBlocked:
            messages.error(request, RED_FLAG_MESSAGE)
            return redirect("desk:appointment", pk)
        else:
            local = moved.local_start
            who = f" with {moved.clinician.display_name}"
            if moved.clinician_id != before_clinician.pk:
                who += f" (was {before_clinician.display_name})"
            messages.success(
                request,
                f"Moved to {local:%a %b} {local.day}, {local:%-I:%M %p}{who}. "
                "The patient has been emailed.",
            )
            return redirect("desk:appointment", pk)
    view = slot_view(
        selection,
        picker_base=base,
        pick_base=base,
        exclude_appointment=appointment,
        min_notice=DESK_MIN_NOTICE,
    )
    times = named_times(selection, view, base)
    context = {
        "appointment": appointment,
        "selection": selection,
        "view": view,
        "times": times,
        "slot_filter": SlotFilterForm(selection=selection, fixed=True),
        # A time picked: confirmed in the page (who, when, whether the clinician changes).
        "confirm_start": selection.start if request.method == "GET" else None,
        "desk_section": "day",
        "red_flag": rules.reschedule_block_for(appointment),
        "can_open_intakes": has_role(request.user, CLINICIAN),
    }
    return mark_no_store(render(request, "desk/reschedule.html", context))


SLOT_PARAMETERS = ("location", "type", "clinician", "date", "start")


def named_times(selection, view, base: str, **extra) -> list[tuple]:
    """(option, link) for each free time shown to the desk: the link names the option's
    clinician, so "first available" still says who before anything is booked or moved."""
    return [
        (
            choice.option,
            selection.url(
                base,
                start=choice.option.start.isoformat(),
                clinician=choice.option.clinician.pk,
                date=choice.option.start.date().isoformat(),
                **extra,
            ),
        )
        for choice in view.times
    ]


def search_patients(query: str):
    """The desk's patient search (``Patient.objects.matching``), for booking a caller."""
    return Patient.objects.matching(query).order_by("last_name", "first_name")[:25]


@role_required(FRONT_DESK)
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """Book for a caller: find or create the patient, pick a time, confirm the details."""
    base = reverse("desk:book")
    search = PatientSearchForm(request.GET or None, label="Find the caller")
    patient_param = request.GET.get("patient", "")
    patient = None
    if patient_param.isdigit():
        patient = Patient.objects.filter(pk=int(patient_param)).first()
    # A time chosen on the day grid (clinic, type, clinician, day, start) rides along while
    # the desk finds the caller.
    slot = {key: request.GET.get(key, "")[:64] for key in SLOT_PARAMETERS if request.GET.get(key)}
    context: dict = {
        "desk_section": "book",
        "search": search,
        "patient_param": patient_param,
        "slot_params": slot,
        "slot_query": urlencode(slot),
    }
    if not patient_param:
        context["results"] = search_patients(request.GET.get("q", "")) if search.is_valid() else []
        context["slot_start"] = parse_start(slot.get("start", ""))
        if slot.get("clinician", "").isdigit():
            context["slot_clinician"] = Clinician.objects.filter(pk=slot["clinician"]).first()
        return mark_no_store(render(request, "desk/book.html", context))

    selection = select(request.GET, fresh=request.method == "POST")
    context.update(
        patient=patient, selection=selection, slot_filter=SlotFilterForm(selection=selection)
    )
    context["can_open_intakes"] = has_role(request.user, CLINICIAN)
    if patient is not None:  # the flag shows before any time is picked
        context["red_flag"] = rules.booking_block_for(
            email=patient.email, last_name=patient.last_name, date_of_birth=patient.date_of_birth
        )
    start = parse_start(request.GET.get("start"))
    if selection.complete and start is None:
        view = slot_view(selection, picker_base=base, pick_base=base, min_notice=DESK_MIN_NOTICE)
        extra = {"patient": patient_param}
        context["days"] = [(d, f"{d.url}&{urlencode(extra)}") for d in view.days]
        # Each time names its clinician before booking, "first available" included.
        context["times"] = named_times(selection, view, base, **extra)
        context["view"] = view
        return mark_no_store(render(request, "desk/book.html", context))
    if not selection.complete:
        return mark_no_store(render(request, "desk/book.html", context))

    initial = {}
    if patient:
        initial = {
            f: getattr(patient, f)
            for f in ("first_name", "last_name", "email", "phone", "date_of_birth")
        }
    form = DeskBookingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        visit_day=start.date(),
    )
    email = (form.data.get("email") if form.is_bound else initial.get("email")) or ""
    # NUL bytes and overlong keys made PostgreSQL raise (a 500).
    posted_key = request.POST.get("booking_key", "").replace("\x00", "")[:64]
    intakes = list(
        Submission.objects.submitted().filter(email__iexact=email).order_by("-submitted_at")[:10]
        if email
        else []
    )
    context.update(
        start=start,
        form=form,
        intakes=intakes,
        booking_key=posted_key or secrets.token_hex(16),
    )
    booking_key = posted_key or None
    if request.method == "POST" and booking_key:
        already = Appointment.objects.filter(booking_key=booking_key).first()
        if already is not None:  # a double submit: the first one booked
            return redirect("desk:appointment", already.pk)
    if request.method == "POST" and form.is_valid():
        details = form.patient_details()
        intake = None
        chosen = request.POST.get("intake", "")
        if chosen:
            intake = next((s for s in intakes if str(s.pk) == chosen), None)
            if intake is None or not same_runner(intake, details):
                form.add_error(
                    None,
                    "That intake's name and date of birth do not match this patient, "
                    "so it was not attached.",
                )
        # Booking past a flag that matches by identity only: confirmed, with a reason.
        override = request.POST.get("override_reason", "").replace("\x00", "").strip()[:200]
        if request.POST.get("override_confirm") != "on":
            override = ""
        overriding = bool(override) and rules.booking_block_for(
            email=details.email, last_name=details.last_name, date_of_birth=details.date_of_birth
        )
        if not form.errors:
            try:
                appointment = appointment_book(
                    start=start,
                    appointment_type=selection.appointment_type,
                    location=selection.location,
                    clinician=selection.clinician,
                    patient=details,
                    submission=intake,
                    booked_by=request.user,
                    source=Appointment.Source.DESK,
                    booking_key=booking_key,
                    min_notice=DESK_MIN_NOTICE,
                    update_contact=True,  # the desk confirms a caller's details deliberately
                    override_reason=override,
                    desk_note=form.cleaned_data["desk_note"],
                )
            except SlotTaken:
                messages.error(request, "That time was just taken. Please pick another.")
                return redirect(selection.url(base, patient=patient_param))
            except SlotUnavailable:
                messages.error(request, "That time is no longer available. Please pick another.")
                return redirect(selection.url(base, patient=patient_param))
            except AlreadyBooked as error:
                messages.info(request, "This patient already has a visit at that time.")
                return redirect("desk:appointment", error.appointment.pk)
            except GuardianRequired:
                form.add_error(
                    None, "A patient under 18 needs a parent or guardian's details and consent."
                )
            except BookingBlocked as error:
                context["red_flag"] = error.block
                context["can_override"] = rules.desk_may_override(
                    email=details.email,
                    first_name=details.first_name,
                    last_name=details.last_name,
                    date_of_birth=details.date_of_birth,
                    submission=intake,
                )
                form.add_error(None, RED_FLAG_MESSAGE)
            except BookingError as error:
                form.add_error(None, str(error) or "The booking could not be made.")
            else:
                if overriding:
                    audit_record(
                        request=request,
                        action=AuditEvent.Action.BOOKING_OVERRIDE,
                        obj=appointment,
                        detail=f"identity-only red flag of intake #{overriding.intake_id}",
                    )
                sent = ""
                if form.cleaned_data["send_intake_link"] and appointment.submission_id is None:
                    desk_services.intake_link_send(appointment=appointment)
                    sent = " The self-assessment link is on its way too."
                messages.success(request, f"Booked. The confirmation email is on its way.{sent}")
                return redirect("desk:appointment", appointment.pk)
    context["intake_form"] = AttachIntakeForm(
        request.POST if request.method == "POST" else None,
        intakes=intakes,
        can_override=context.get("can_override", False),
    )
    status = 400 if form.errors else 200
    return mark_no_store(render(request, "desk/book.html", context, status=status))


def spreadsheet_safe(value) -> str:
    """Keep a cell from being read as a formula by spreadsheet programs."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


EXPORT_COLUMNS = (
    "date", "start", "end", "clinic", "clinician", "type", "status",
    "patient_first_name", "patient_last_name", "phone", "email", "booked_via", "intake",
)  # fmt: skip


@role_required(FRONT_DESK)
def export_csv(request: HttpRequest) -> HttpResponse:
    """Appointments for a date range and clinic: only what the desk needs, never answers."""
    today = timezone.localdate()
    form = ExportForm(
        request.GET
        or {
            "start": today - timedelta(days=today.weekday()),
            "end": today + timedelta(days=6 - today.weekday()),
        }
    )
    if not form.is_valid():
        return mark_no_store(
            render(request, "desk/export.html", {"form": form, "desk_section": "day"}, status=400)
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    _, shown, selected = desk_book.selected_locations(form.cleaned_data.get("location") or "")
    zone = desk_book.zone_for(shown)
    first, last = desk_book.local_bounds(zone, start, (end - start).days + 1)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="appointments-{selected}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for appointment in desk_book.appointments_between(shown, first, last).iterator(chunk_size=500):
        local_start, local_end = appointment.local_start, appointment.local_end
        writer.writerow(
            spreadsheet_safe(v)
            for v in (
                f"{local_start:%Y-%m-%d}",
                f"{local_start:%H:%M}",
                f"{local_end:%H:%M}",
                appointment.location.name,
                appointment.clinician.display_name,
                appointment.appointment_type.name,
                appointment.get_status_display(),
                appointment.patient.first_name,
                appointment.patient.last_name,
                appointment.patient.phone,
                appointment.patient.email,
                appointment.get_source_display(),
                desk_book.intake_state(appointment),
            )
        )
        count += 1
    audit_record(
        request=request,
        action="export",
        object_type="booking.appointment",
        detail=f"{selected} {start:%Y-%m-%d}..{end:%Y-%m-%d}: {count} rows",
    )
    return mark_no_store(response)
