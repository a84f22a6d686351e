"""The front desk's schedules: clinicians' weekly hours, time off, and clinic closures.

Public booking slots are computed from these tables, so a change here shows in the next
slot search. Every change is a POST that redirects with a message (POST/redirect/GET);
removals are confirmed on a second screen first.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from booking.models import Clinician, Closure, TimeOff, Weekday, WeeklyAvailability
from booking.services import BookingError, HoursOverlap
from itband.datefmt import clock
from itband.roles import FRONT_DESK, role_required

from . import selectors as desk_selectors
from . import services as desk_services
from .forms import ClosureForm, TimeOffForm, WeeklyBlockForm


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if pk > 0 else None


def block_label(block: WeeklyAvailability) -> str:
    return f"{block.get_weekday_display()}, {block.location.name} {clock(block.start)}–{clock(block.end)}"


def _visits_warning(request: HttpRequest, count: int, where: str) -> None:
    if count:
        messages.warning(
            request,
            f"{count} booked visit{'s' if count != 1 else ''} {'fall' if count != 1 else 'falls'} "
            f"{where}. They are not cancelled: reschedule or cancel them from the day view.",
        )


@role_required(FRONT_DESK)
@require_GET
def schedules(request: HttpRequest) -> HttpResponse:
    context = {
        "desk_section": "schedules",
        "weekdays": Weekday.choices,
        "grid": desk_selectors.weekly_grid(),
        "time_off": desk_selectors.upcoming_time_off()[:50],
        "closures": desk_selectors.upcoming_closures()[:10],
    }
    return render(request, "desk/schedules/index.html", context)


def _overlap_message(form: WeeklyBlockForm, clinician: Clinician) -> str:
    data = form.cleaned_data
    probe = WeeklyAvailability(
        clinician=clinician, weekday=data["weekday"], start=data["start"], end=data["end"]
    )
    other = probe.overlapping_blocks().select_related("location").first()
    if other is None:  # removed in the meantime; the generic message still holds
        return HoursOverlap.message
    return (
        f"Overlaps this clinician's hours on {other.get_weekday_display()} at "
        f"{other.location.name} ({clock(other.start)}–{clock(other.end)})."
    )


def _add_hours(request, clinician: Clinician, form: WeeklyBlockForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        block = desk_services.weekly_block_add(
            clinician=clinician,
            location=data["location"],
            weekday=data["weekday"],
            start=data["start"],
            end=data["end"],
        )
    except HoursOverlap:
        form.add_error("start", _overlap_message(form, clinician))
        return False
    except BookingError as error:
        form.add_error("end", error.message)
        return False
    messages.success(request, f"Hours added: {block_label(block)}.")
    return True


def _add_time_off(request, clinician: Clinician, form: TimeOffForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        time_off = desk_services.time_off_add(
            clinician=clinician, start=data["start"], end=data["end"], reason=data["off_reason"]
        )
    except BookingError as error:
        form.add_error("off_end_time", error.message)
        return False
    count = desk_selectors.booked_between(
        clinician=clinician, start=time_off.start, end=time_off.end
    )
    if count:
        messages.warning(
            request,
            f"Time off added. {count} booked visit{'s' if count != 1 else ''} "
            f"{'fall' if count != 1 else 'falls'} in it: listed under the time off below. "
            "Move each one; the patient is emailed the new time.",
        )
    else:
        messages.success(request, "Time off added. No booked visit falls in it.")
    return True


def _remove(request, clinician: Clinician, action: str) -> None:
    pk = _pk(request.POST.get("pk"))
    if action == "remove_hours":
        block = WeeklyAvailability.objects.filter(pk=pk, clinician=clinician).first()
        if block is None:
            messages.info(request, "Those hours were already removed.")
        else:
            label = block_label(block)
            desk_services.weekly_block_remove(block=block)
            messages.success(request, f"Hours removed: {label}.")
    else:
        time_off = TimeOff.objects.filter(pk=pk, clinician=clinician).first()
        if time_off is None:
            messages.info(request, "That time off was already removed.")
        else:
            desk_services.time_off_remove(time_off=time_off)
            messages.success(request, "Time off removed.")


@role_required(FRONT_DESK)
@require_http_methods(["GET", "POST"])
def clinician_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    clinician = get_object_or_404(Clinician.objects.select_related("user"), pk=pk)
    here = reverse("desk:clinician-schedule", args=[clinician.pk])
    hours_form = WeeklyBlockForm()
    off_form = TimeOffForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add_hours":
            hours_form = WeeklyBlockForm(request.POST)
            if _add_hours(request, clinician, hours_form):
                return redirect(here)
        elif action == "add_time_off":
            off_form = TimeOffForm(request.POST)
            if _add_time_off(request, clinician, off_form):
                return redirect(here)
        elif action in ("remove_hours", "remove_time_off"):
            _remove(request, clinician, action)
            return redirect(here)
        else:
            messages.error(request, "Nothing was changed.")
            return redirect(here)
        status = 400

    # A removal is confirmed on this page first (?remove_hours=<pk> or ?remove_time_off=<pk>).
    confirm_block = confirm_time_off = None
    if request.method == "GET":
        if pk_ := _pk(request.GET.get("remove_hours")):
            confirm_block = (
                WeeklyAvailability.objects.filter(pk=pk_, clinician=clinician)
                .select_related("location")
                .first()
            )
        elif pk_ := _pk(request.GET.get("remove_time_off")):
            confirm_time_off = TimeOff.objects.filter(pk=pk_, clinician=clinician).first()

    context = {
        "desk_section": "schedules",
        "clinician": clinician,
        "blocks": desk_selectors.clinician_blocks(clinician),
        "time_off": desk_selectors.visits_in_time_off(
            list(desk_selectors.upcoming_time_off(clinician=clinician))
        ),
        "hours_form": hours_form,
        "off_form": off_form,
        "confirm_block": confirm_block,
        "confirm_time_off": confirm_time_off,
        "tz": desk_selectors.clinic_zone().key,
    }
    return render(request, "desk/schedules/clinician.html", context, status=status)


@role_required(FRONT_DESK)
@require_http_methods(["GET", "POST"])
def closures(request: HttpRequest) -> HttpResponse:
    here = reverse("desk:closures")
    form = ClosureForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add_closure":
            form = ClosureForm(request.POST)
            if form.is_valid():
                locations = form.chosen_locations()
                day = form.cleaned_data["day"]
                try:
                    created = desk_services.closure_add(
                        locations=locations, day=day, reason=form.cleaned_data["reason"]
                    )
                except BookingError as error:
                    form.add_error("day", error.message)
                else:
                    names = " and ".join(closure.location.name for closure in created)
                    messages.success(request, f"Closure added: {names}, {day:%A %B} {day.day}.")
                    _visits_warning(
                        request,
                        desk_selectors.booked_on(
                            locations=[closure.location for closure in created], day=day
                        ),
                        "on that day",
                    )
                    return redirect(here)
            status = 400
        elif action == "remove_closure":
            closure = Closure.objects.filter(pk=_pk(request.POST.get("pk"))).first()
            if closure is None:
                messages.info(request, "That closure was already removed.")
            else:
                desk_services.closure_remove(closure=closure)
                messages.success(request, "Closure removed.")
            return redirect(here)
        else:
            messages.error(request, "Nothing was changed.")
            return redirect(here)

    confirm = None
    if request.method == "GET" and (pk := _pk(request.GET.get("remove"))):
        confirm = Closure.objects.filter(pk=pk).select_related("location").first()
    context = {
        "desk_section": "schedules",
        "form": form,
        "closures": desk_selectors.upcoming_closures(),
        "confirm": confirm,
        "today": timezone.localdate(timezone=desk_selectors.clinic_zone()),
    }
    return render(request, "desk/schedules/closures.html", context, status=status)
