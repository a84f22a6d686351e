"""The runner's side of the waitlist (booking.waitlist): join from the picker or the details
page, see or leave the entry through its private link, claim an offered time."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from itband.http import private_page
from itband.ratelimit import rate_limited

from . import directory, rules, services, waitlist, waitlist_times
from .forms import WaitlistJoinForm
from .models import WaitlistEntry, WaitlistOffer
from .picker import ANY, SCREEN_PARAMETER, SCREEN_PASSED, intake_from, select
from .views import _refused, intake_details, record_identity_refusal, red_flag_gate

DEFAULT_WAIT = timedelta(days=28)


def _clinicians(locations) -> list:
    seen = {}
    for location in locations:
        for clinician in directory.clinicians_at(location):
            seen.setdefault(clinician.pk, clinician)
    return sorted(seen.values(), key=lambda c: c.display_name)


@private_page
@rate_limited("booking")
@require_http_methods(["GET", "HEAD", "POST"])
def join(request):
    """ "None of these suit me?": what and when the runner waits for, and their details. A
    flagged runner is refused as booking refuses them; without an intake, an initial visit
    asks the safety question first (on the booking page)."""
    data = request.POST if request.method == "POST" else request.GET
    intake = intake_from(data.get("intake"))
    if (stopped := red_flag_gate(request, intake)) is not None:
        return stopped
    selection = select(data, intake=intake)
    types = {t.slug: t for t in selection.types}
    chosen_type = types.get(data.get("appointment_type") or data.get("type") or "")
    if rules.screen_required(chosen_type, intake) and not selection.screened:
        params = selection.params(type=chosen_type.slug if chosen_type else None)
        return redirect(f"{reverse('booking:start')}?{urlencode(params)}")
    today = timezone.localdate()
    form_options = {
        "locations": selection.locations,
        "types": selection.types,
        "clinicians": _clinicians(selection.locations),
        "today": today,
    }
    if request.method != "POST":
        initial = {
            "appointment_type": chosen_type.slug if chosen_type else None,
            "locations": [selection.location.slug]
            if selection.location
            else [loc.slug for loc in selection.locations],
            "clinician": selection.clinician_value,
            "until": today + DEFAULT_WAIT,
            **intake_details(intake),
        }
        form = WaitlistJoinForm(initial=initial, **form_options)
        return render(request, "booking/waitlist_join.html", _join_context(selection, form))
    form = WaitlistJoinForm(data, **form_options)
    if not form.is_valid():
        return render(request, "booking/waitlist_join.html", _join_context(selection, form))
    clinician_value = form.cleaned_data["clinician"]
    try:
        waitlist.waitlist_join(
            patient=form.patient_details(),
            locations=[
                loc for loc in selection.locations if loc.slug in form.cleaned_data["locations"]
            ],
            appointment_type=types[form.cleaned_data["appointment_type"]],
            clinician=next(
                (c for c in form_options["clinicians"] if str(c.pk) == clinician_value), None
            )
            if clinician_value and clinician_value != ANY
            else None,
            times=form.cleaned_data["times"],
            until=form.cleaned_data["until"],
            submission=intake,
        )
    except services.BookingBlocked as error:
        if error.block.own and error.block.intake is not None:
            return _refused(request, error.block)  # the intake's own safety page
        # A red flag found by the details typed, which anyone may know: the same page as a
        # runner who joined, and the reason goes to the address on file.
        record_identity_refusal(request, block=error.block)
        return render(request, "booking/waitlist_check_email.html")
    # Never the entry's link here: the details typed may be someone else's. It goes by email.
    return render(request, "booking/waitlist_check_email.html")


def _join_context(selection, form) -> dict:
    return {
        "selection": selection,
        "form": form,
        "intake": selection.intake,
        "screen_value": SCREEN_PASSED if selection.screened else "",
        "screen_parameter": SCREEN_PARAMETER,
        "back_url": selection.url(reverse("booking:start")),
        "hold_minutes": settings.WAITLIST_HOLD_MINUTES,
    }


def _entry_or_404(token: str) -> WaitlistEntry:
    entry = (
        WaitlistEntry.objects.select_related("appointment_type", "clinician")
        .filter(token=token)
        .first()
    )
    if entry is None:
        raise Http404("No such waitlist entry")
    return entry


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def entry_page(request, token: str) -> HttpResponse:
    """The runner's entry behind its private link: what they wait for, the time held for them
    (if any), and "leave the waitlist"."""
    entry = _entry_or_404(token)
    now = timezone.now()
    if request.method == "POST" and request.POST.get("action") == "leave":
        waitlist.waitlist_leave(entry=entry, now=now)
        messages.success(request, "You have left the waitlist. We will not offer you times.")
        return redirect(entry)
    if request.method == "POST" and request.POST.get("action") == "resume":
        waitlist.waitlist_resume(entry=entry, now=now)
        messages.success(request, "Offers are back on: we will email you the next time that suits.")
        return redirect(entry)
    held = entry.offers.holding(now).select_related("location", "clinician").first()
    ahead = (
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.WAITING,
            appointment_type=entry.appointment_type,
            created_at__lt=entry.created_at,
        ).count()
        if entry.status == WaitlistEntry.Status.WAITING
        else 0
    )
    context = {
        "entry": entry,
        "locations": list(entry.locations.all()),
        "held": held,
        "ahead": ahead,
        "expired": entry.until < timezone.localdate(now),
        "paused": waitlist.is_paused(entry),
        "pause_after": waitlist.PAUSE_AFTER_UNCLAIMED,
        **waitlist.entry_words(entry),
    }
    return render(request, "booking/waitlist_entry.html", context)


@private_page
@rate_limited("booking")
@require_http_methods(["GET", "HEAD", "POST"])
def offer_page(request, token: str) -> HttpResponse:
    """An offered time: "Book this time" while it is held; the visit once claimed; else what
    happened, and that the runner is still on the list."""
    offer = (
        WaitlistOffer.objects.select_related(
            "entry", "location", "clinician", "appointment_type", "appointment"
        )
        .filter(token=token)
        .first()
    )
    if offer is None:
        raise Http404("No such offer")
    now = timezone.now()
    if offer.status == WaitlistOffer.Status.CLAIMED and offer.appointment is not None:
        return redirect(offer.appointment)
    if request.method == "POST":
        try:
            appointment = waitlist.waitlist_claim(offer=offer, now=now)
        except waitlist.OfferTaken:
            return _gone(request, offer, taken=True)
        except waitlist.OfferGone as gone:
            if gone.offer.status == WaitlistOffer.Status.CLAIMED:
                return redirect(gone.offer.appointment)
            return _gone(request, gone.offer)
        except services.BookingBlocked as error:
            return _refused(request, error.block)
        messages.success(request, "Booked. We have emailed your confirmation.")
        return redirect(appointment)
    if offer.status != WaitlistOffer.Status.HELD or offer.expires_at <= now:
        return _gone(request, offer)
    context = {
        "offer": offer,
        "entry": offer.entry,
        "held_until": offer.expires_at.astimezone(offer.location.zone),
        "local_start": offer.local_start,
    }
    return render(request, "booking/waitlist_offer.html", context)


def _gone(request, offer: WaitlistOffer, *, taken: bool = False) -> HttpResponse:
    entry = offer.entry
    context = {
        "offer": offer,
        "entry": entry,
        "taken": taken or offer.status == WaitlistOffer.Status.TAKEN,
        "still_waiting": entry.status == WaitlistEntry.Status.WAITING
        and entry.until >= timezone.localdate(),
        "times_words": waitlist_times.describe(entry.times),
    }
    return render(request, "booking/waitlist_gone.html", context, status=410 if not taken else 409)
