"""/desk/waitlist/: who waits at each clinic, for what, since when, the offers sent and the time
held for them; the desk offers a time by hand, releases a hold (to book the time for a caller)
or removes an entry. The writes are booking.waitlist's."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from booking import directory, services, waitlist
from booking.models import WaitlistEntry, WaitlistOffer
from booking.picker import parse_start
from itband.audit import audit_record
from itband.datefmt import short_datetime
from itband.http import mark_no_store
from itband.roles import FRONT_DESK, role_required

from .selectors import selected_locations, waitlist_rows

OFFER_CHOICES = 6


@role_required(FRONT_DESK)
def waitlist_list(request: HttpRequest) -> HttpResponse:
    locations, shown, selected = selected_locations(request.GET.get("location", ""))
    now = timezone.now()
    context = {
        "desk_section": "waitlist",
        "locations": locations,
        "selected": selected,
        "rows": waitlist_rows(shown=shown, now=now),
    }
    return mark_no_store(render(request, "desk/waitlist.html", context))


@role_required(FRONT_DESK)
@require_http_methods(["GET", "HEAD", "POST"])
def waitlist_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer a runner a time by hand: their next suitable free times, one button each."""
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("appointment_type", "clinician"),
        pk=pk,
        status=WaitlistEntry.Status.WAITING,
    )
    now = timezone.now()
    if request.method == "POST":
        location = next(
            (loc for loc in entry.locations.all() if loc.slug == request.POST.get("location")),
            None,
        )
        clinician = None
        if location is not None:
            wanted = request.POST.get("clinician")
            clinician = next(
                (c for c in directory.clinicians_at(location) if str(c.pk) == wanted), None
            )
        start = parse_start(request.POST.get("start"))
        if location is None or clinician is None or start is None:
            messages.error(request, "That time could not be read. Please choose one of the times.")
            return redirect("desk:waitlist-offer", pk=entry.pk)
        try:
            offer = waitlist.offer_by_hand(
                entry=entry,
                location=location,
                clinician=clinician,
                start=start,
                user=request.user,
                now=now,
            )
        except services.SlotTaken:
            messages.error(request, "That time has just been taken. Choose another.")
            return redirect("desk:waitlist-offer", pk=entry.pk)
        except services.BookingBlocked:
            messages.error(
                request,
                f"{entry.full_name} has an emergency or urgent red flag that a clinician has not "
                "cleared: no time can be offered until then.",
            )
            return redirect("desk:waitlist")
        audit_record(request=request, action="waitlist_offer", obj=offer)
        messages.success(
            request,
            f"Offered {short_datetime(offer.start)} to {entry.full_name}: held until "
            f"{short_datetime(offer.expires_at.astimezone(offer.location.zone))}, and emailed.",
        )
        return redirect("desk:waitlist")
    context = {
        "desk_section": "waitlist",
        "entry": entry,
        "candidates": waitlist.suitable_times(entry, now=now, limit=OFFER_CHOICES),
    }
    return mark_no_store(render(request, "desk/waitlist_offer.html", context))


@role_required(FRONT_DESK)
@require_POST
def waitlist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry, pk=pk)
    waitlist.waitlist_leave(entry=entry, by_desk=True)
    audit_record(request=request, action="waitlist_remove", obj=entry)
    messages.success(request, f"{entry.full_name} is off the waitlist.")
    return redirect("desk:waitlist")


@role_required(FRONT_DESK)
@require_POST
def waitlist_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Override a hold: the time is free at once (e.g. to book it for a caller); the runner
    stays on the list. Back to where the desk came from (the day grid or the list)."""
    offer = get_object_or_404(WaitlistOffer, pk=pk)
    waitlist.offer_release(offer=offer)
    audit_record(request=request, action="waitlist_release", obj=offer)
    messages.success(
        request,
        f"The hold on {short_datetime(offer.start)} is released: the time is free to book.",
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("desk:waitlist")
    return redirect(target)
