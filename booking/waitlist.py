"""The waitlist: runners waiting for a time that suits, and the offers that hold a freed time
for one of them (issue 17). The writes; the desk's reads are in desk.selectors.

- ``waitlist_join``: refused for a runner the booking rule blocks (booking.rules, as booking
  is); queues the confirmation with the private link to see or leave the entry.
- ``waitlist_sweep`` (the periodic job): held offers past their time expire, then every entry
  still waiting, in the order they joined, is offered the earliest free time that suits it
  and that it was not offered before: one email, the time held for it
  ``settings.WAITLIST_HOLD_MINUTES``. A time frees in many ways (a cancellation, a late cancel,
  a visit moved away, time off removed, new weekly hours); the sweep reads the schedule as it
  is, so each of them is offered within a minute, and a closure day has nothing to offer.
- A hold is a row (``WaitlistOffer`` held, not expired) that the slot engine counts as busy:
  nobody else is offered it and the public picker does not show it. No state in memory.
- ``waitlist_claim``: a normal booking through ``services.appointment_book`` (the same checks,
  the same exclusion constraint), its own hold excepted. Two clicks at once book once.
- Two sweeps at once (two workers, or beat and a slow run) hold the clinic rows while they
  offer, so they take turns and never offer one time twice; each entry's offer is committed
  with its email.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import Submission
from itband.datefmt import short_datetime
from itband.outbox import outbox_enqueue
from itband.reminders import in_sending_hours

from . import rules, services, waitlist_times
from .models import (
    Appointment,
    AppointmentType,
    Clinician,
    Location,
    WaitlistEntry,
    WaitlistOffer,
)
from .selectors import SlotOption, available_slots

logger = logging.getLogger(__name__)

SWEEP_BATCH = 200  # entries looked at per run; the next run goes on
# Offers stop after this many in a row went unclaimed (the runner may have booked elsewhere or
# stopped reading): each unclaimed offer kept a freed time from the next in line for 30
# minutes. The runner resumes them from their waitlist page; the desk can still offer by hand.
PAUSE_AFTER_UNCLAIMED = 2


class OfferGone(Exception):
    """The offer no longer holds its time (expired, released, or the entry ended)."""

    def __init__(self, offer: WaitlistOffer) -> None:
        super().__init__(offer.status)
        self.offer = offer


class OfferTaken(OfferGone):
    """The time was taken before the claim (e.g. the desk booked over the hold)."""


@dataclass(frozen=True)
class SweepStats:
    expired: int = 0
    offered: int = 0


def hold_length() -> timedelta:
    return timedelta(minutes=settings.WAITLIST_HOLD_MINUTES)


# --- Join and leave --------------------------------------------------------------------------
def waitlist_join(
    *,
    patient: services.PatientDetails,
    locations: list[Location],
    appointment_type: AppointmentType,
    clinician: Clinician | None,
    times: list[str],
    until: date,
    submission: Submission | None = None,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Put a runner on the waitlist. Raises services.BookingBlocked for an emergency or urgent
    flag of this intake or runner (the booking rule: a flagged runner cannot wait either)."""
    now = now or timezone.now()
    block = rules.booking_block_for(
        intake=submission,
        email=patient.email,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
        now=now,
    )
    if block is not None:
        raise services.BookingBlocked(block)
    already = (
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.WAITING,
            appointment_type=appointment_type,
            email__iexact=patient.email.strip(),
        )
        .order_by("created_at")
        .first()
    )
    if already is not None:
        # One place per address and type of visit: the form may be filled by anyone who knows
        # the details, so it changes nothing; the existing link goes to that address again
        # (once an hour at most).
        outbox_enqueue(
            key=f"waitlist-joined:{already.pk}:{now:%Y%m%d%H}",
            to=already.email,
            template="waitlist_joined",
            context={
                "entry": already,
                "locations": list(already.locations.all()),
                "again": True,
                **entry_words(already),
            },
            topic=f"waitlist:{already.pk}",
        )
        return already
    details = asdict(patient)
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            appointment_type=appointment_type,
            clinician=clinician,
            times=[key for key in waitlist_times.ALL if key in set(times)],
            until=until,
            first_name=patient.first_name,
            last_name=patient.last_name,
            email=patient.email,
            phone=patient.phone,
            date_of_birth=patient.date_of_birth,
            guardian={k: v for k, v in details.items() if k.startswith("guardian_")},
            submission=submission,
            created_at=now,
        )
        entry.locations.set(locations)
        outbox_enqueue(
            key=f"waitlist-joined:{entry.pk}",
            to=entry.email,
            template="waitlist_joined",
            context={"entry": entry, "locations": locations, **entry_words(entry)},
            topic=f"waitlist:{entry.pk}",
        )
    return entry


def entry_words(entry: WaitlistEntry) -> dict:
    return {
        "times_words": waitlist_times.describe(entry.times),
        "clinician_words": entry.clinician.display_name if entry.clinician else "Any clinician",
    }


@transaction.atomic
def waitlist_leave(
    *, entry: WaitlistEntry, by_desk: bool = False, now: datetime | None = None
) -> WaitlistEntry:
    """The runner leaves (or the desk removes them): any held time is released at once."""
    now = now or timezone.now()
    locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != WaitlistEntry.Status.WAITING:
        return locked
    locked.status = WaitlistEntry.Status.REMOVED if by_desk else WaitlistEntry.Status.LEFT
    locked.status_changed_at = now
    locked.save(update_fields=["status", "status_changed_at"])
    for offer in locked.offers.filter(status=WaitlistOffer.Status.HELD):
        _close(offer, WaitlistOffer.Status.WITHDRAWN, now)
    return locked


def entry_block(entry: WaitlistEntry, *, now: datetime):
    """The booking rule for a waiting runner (booking.rules): their intake's flag, or one
    found by their details."""
    return rules.booking_block_for(
        intake=entry.submission,
        email=entry.email,
        last_name=entry.last_name,
        date_of_birth=entry.date_of_birth,
        now=now,
    )


def patient_details(entry: WaitlistEntry) -> services.PatientDetails:
    guardian = entry.guardian or {}
    return services.PatientDetails(
        first_name=entry.first_name,
        last_name=entry.last_name,
        email=entry.email,
        phone=entry.phone,
        date_of_birth=entry.date_of_birth,
        guardian_name=guardian.get("guardian_name", ""),
        guardian_phone=guardian.get("guardian_phone", ""),
        guardian_email=guardian.get("guardian_email", ""),
        guardian_consent=bool(guardian.get("guardian_consent")),
    )


# --- Offers ----------------------------------------------------------------------------------
def _close(offer: WaitlistOffer, status: str, now: datetime) -> None:
    offer.status = status
    offer.closed_at = now
    offer.save(update_fields=["status", "closed_at"])


def offers_expire(*, now: datetime) -> int:
    """Held offers past their time expire (their time is free again for the next in line)."""
    expired = 0
    with transaction.atomic():
        for offer in (
            WaitlistOffer.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("entry")
            .filter(status=WaitlistOffer.Status.HELD, expires_at__lte=now)
            .order_by("expires_at")
        ):
            _close(offer, WaitlistOffer.Status.EXPIRED, now)
            expired += 1
            if is_paused(offer.entry):
                # The second unclaimed offer in a row: say so, once, with the way back.
                outbox_enqueue(
                    key=f"waitlist-paused:{offer.pk}",
                    to=offer.entry.email,
                    template="waitlist_paused",
                    context={"entry": offer.entry, "pause_after": PAUSE_AFTER_UNCLAIMED},
                    topic=f"waitlist:{offer.entry_id}",
                )
    return expired


@dataclass(frozen=True)
class Candidate:
    location: Location
    option: SlotOption

    @property
    def start(self) -> datetime:
        return self.option.start


def suitable_times(entry: WaitlistEntry, *, now: datetime, limit: int = 1) -> list[Candidate]:
    """The earliest free times that suit the entry (clinic, type, clinician, weekday × part of
    day, until), earliest first. Holds count as busy. A time that overlaps one the entry was
    offered before (with that clinician) is left out: a freed hour has several starts, and a
    runner who let it pass must not be offered it again at 10:15, then 10:30, while the next
    in line never hears of it."""
    offered: dict[int, list[tuple[datetime, datetime]]] = {}
    for clinician_id, start, end in entry.offers.values_list("clinician_id", "start", "end"):
        offered.setdefault(clinician_id, []).append((start, end))
    found: list[Candidate] = []
    for location in entry.locations.filter(is_active=True):
        first = timezone.localdate(now, location.zone)
        last = min(entry.until, first + timedelta(days=settings.BOOKING_HORIZON_DAYS))
        if last < first:
            continue
        for option in available_slots(
            location=location,
            appointment_type=entry.appointment_type,
            clinician=entry.clinician,
            start_date=first,
            end_date=last,
            now=now,
        ):
            local = option.start.astimezone(location.zone)
            if not waitlist_times.accepts(entry.times, local):
                continue
            before = offered.get(option.clinician.pk, ())
            if any(start < option.end and option.start < end for start, end in before):
                continue
            # Several choices (the desk's list) are separate times, not 9:00, 9:15, 9:30 of one.
            offered.setdefault(option.clinician.pk, []).append((option.start, option.end))
            found.append(Candidate(location, option))
            if sum(1 for c in found if c.location == location) >= limit:
                break
    found.sort(key=lambda candidate: candidate.start)
    return found[:limit]


def unclaimed_in_a_row() -> Count:
    """Offers that expired unclaimed since the entry joined or last resumed its offers
    (``status_changed_at``), as an annotation of WaitlistEntry."""
    return Count(
        "offers",
        filter=Q(
            offers__status=WaitlistOffer.Status.EXPIRED,
            offers__created_at__gt=Coalesce(F("status_changed_at"), F("created_at")),
        ),
        distinct=True,
    )


def is_paused(entry: WaitlistEntry) -> bool:
    since = entry.status_changed_at or entry.created_at
    expired = entry.offers.filter(status=WaitlistOffer.Status.EXPIRED, created_at__gt=since)
    return entry.status == WaitlistEntry.Status.WAITING and (
        expired.count() >= PAUSE_AFTER_UNCLAIMED
    )


@transaction.atomic
def waitlist_resume(*, entry: WaitlistEntry, now: datetime | None = None) -> WaitlistEntry:
    """The runner wants offers again after letting some pass."""
    locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status == WaitlistEntry.Status.WAITING:
        locked.status_changed_at = now or timezone.now()
        locked.save(update_fields=["status_changed_at"])
    return locked


def waitlist_sweep(*, now: datetime | None = None) -> SweepStats:
    """The periodic job (settings.PERIODIC_JOBS): expire, then offer in the order joined.
    Offers go out in the clinic's daytime only (``itband.reminders.in_sending_hours``): a
    time held for 30 minutes at 3 AM would expire while its runner sleeps."""
    now = now or timezone.now()
    expired = offers_expire(now=now)
    if not in_sending_hours(now):
        return SweepStats(expired=expired)
    offered = 0
    waiting = (
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.WAITING, until__gte=timezone.localdate(now)
        )
        .exclude(offers__status=WaitlistOffer.Status.HELD)
        .annotate(unclaimed=unclaimed_in_a_row())
        .filter(unclaimed__lt=PAUSE_AFTER_UNCLAIMED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in list(waiting):
        if offer_next(entry_id=pk, now=now) is not None:
            offered += 1
    return SweepStats(expired=expired, offered=offered)


def offer_next(*, entry_id: int, now: datetime) -> WaitlistOffer | None:
    """Hold the earliest suitable time for one entry and email it; None when nothing suits or
    it already holds one. The clinic rows stay locked until the offer is committed, so a
    concurrent sweep sees this hold as busy."""
    with transaction.atomic():
        list(Location.objects.select_for_update().order_by("pk").values_list("pk"))
        entry = (
            WaitlistEntry.objects.select_for_update(of=("self",))
            .select_related("appointment_type", "clinician")
            .filter(pk=entry_id, status=WaitlistEntry.Status.WAITING)
            .first()
        )
        if entry is None or entry.offers.filter(status=WaitlistOffer.Status.HELD).exists():
            return None
        if entry_block(entry, now=now) is not None:
            return None  # a red flag since joining: no offers (claiming would be refused too)
        options = suitable_times(entry, now=now)
        if not options:
            return None
        return _hold(entry, options[0], now=now, by=None)


def offer_by_hand(
    *,
    entry: WaitlistEntry,
    location: Location,
    clinician: Clinician,
    start: datetime,
    user,
    now: datetime | None = None,
) -> WaitlistOffer:
    """The desk offers a time it chose (re-checked here); a held offer of the entry is
    released first. Raises services.SlotTaken when the time is no longer free."""
    now = now or timezone.now()
    with transaction.atomic():
        list(Location.objects.select_for_update().order_by("pk").values_list("pk"))
        locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != WaitlistEntry.Status.WAITING:
            raise services.AppointmentNotActive
        block = entry_block(locked, now=now)
        if block is not None:
            raise services.BookingBlocked(block)
        for held in locked.offers.filter(status=WaitlistOffer.Status.HELD):
            _close(held, WaitlistOffer.Status.RELEASED, now)
        day = start.astimezone(location.zone).date()
        free = available_slots(
            location=location,
            appointment_type=locked.appointment_type,
            clinician=clinician,
            start_date=day,
            end_date=day,
            now=now,
        )
        match = next((o for o in free if o.start == start), None)
        offer = _hold(locked, Candidate(location, match), now=now, by=user) if match else None
        if offer is None:
            raise services.SlotTaken
        return offer


def _hold(entry: WaitlistEntry, candidate: Candidate, *, now: datetime, by) -> WaitlistOffer | None:
    option = candidate.option
    try:
        with transaction.atomic():
            offer = WaitlistOffer.objects.create(
                entry=entry,
                location=candidate.location,
                clinician=option.clinician,
                appointment_type=entry.appointment_type,
                start=option.start,
                end=option.end,
                created_at=now,
                expires_at=now + hold_length(),
                offered_by=by,
            )
    except IntegrityError:
        return None  # held a moment ago by another sweep (waitlist_one_hold_per_time)
    outbox_enqueue(
        key=f"waitlist-offer:{offer.pk}",
        to=entry.email,
        template="waitlist_offer",
        context={
            "offer": offer,
            "entry": entry,
            "when": short_datetime(offer.start),
            "held_until": short_datetime(offer.expires_at.astimezone(offer.location.zone)),
            "hold_minutes": settings.WAITLIST_HOLD_MINUTES,
        },
        topic=f"waitlist:{entry.pk}",
    )
    return offer


@transaction.atomic
def offer_release(*, offer: WaitlistOffer, now: datetime | None = None) -> WaitlistOffer:
    """The desk overrides a hold (to book the time for a caller): it ends at once, the entry
    stays on the list and the sweep offers it another time."""
    now = now or timezone.now()
    locked = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
    if locked.status == WaitlistOffer.Status.HELD:
        _close(locked, WaitlistOffer.Status.RELEASED, now)
    return locked


def waitlist_claim(*, offer: WaitlistOffer, now: datetime | None = None) -> Appointment:
    """Book the held time for the offer's runner. The same offer claimed twice at once books
    once (the row is locked; the second sees it claimed and gets the same visit). Raises
    OfferGone (expired, released, withdrawn), OfferTaken (someone got the time first: the
    entry stays on the list), or services.BookingBlocked (a red flag since joining)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            WaitlistOffer.objects.select_for_update(of=("self",))
            .select_related("entry", "location", "clinician", "appointment_type")
            .get(pk=offer.pk)
        )
        if locked.status == WaitlistOffer.Status.CLAIMED and locked.appointment is not None:
            return locked.appointment
        if locked.status != WaitlistOffer.Status.HELD or locked.expires_at <= now:
            raise OfferGone(locked)
        entry = locked.entry
        try:
            appointment = services.appointment_book(
                start=locked.start,
                appointment_type=locked.appointment_type,
                location=locked.location,
                clinician=locked.clinician,
                patient=patient_details(entry),
                submission=entry.submission,
                source=Appointment.Source.PUBLIC,
                booking_key=f"waitlist-offer-{locked.pk}",
                now=now,
                hold=locked,
            )
        except (services.SlotUnavailable, services.AlreadyBooked):
            _close(locked, WaitlistOffer.Status.TAKEN, now)
            taken = OfferTaken(locked)
        else:
            locked.status = WaitlistOffer.Status.CLAIMED
            locked.closed_at = now
            locked.appointment = appointment
            locked.save(update_fields=["status", "closed_at", "appointment"])
            entry.status = WaitlistEntry.Status.BOOKED
            entry.status_changed_at = now
            entry.appointment = appointment
            entry.save(update_fields=["status", "status_changed_at", "appointment"])
            return appointment
    raise taken
