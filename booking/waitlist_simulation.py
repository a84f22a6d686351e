"""A fortnight of the waitlist replayed on the current schedule (``manage.py simulate_waitlist``):
how many freed times the waitlist offers and fills, and how long an offer takes to become a
booking. Everything runs through the real services (booking, cancelling, the sweep, claiming)
at simulated instants, inside a transaction that is rolled back: nothing is kept, no email
leaves.

The model (deterministic for a seed):
- the fortnight's free initial-evaluation times at every clinic are booked until none is left
  (a full book: a runner who finds nothing suitable joins the waitlist);
- ``runners`` join at the start, each with one or both clinics, any clinician, and a few
  weekday × part-of-day choices;
- ``cancel_rate`` of the booked visits are cancelled, each at a random moment between the start
  and its visit;
- an offered runner claims it with probability ``claim_rate`` after 2-45 minutes (after 30 the
  hold has expired and the claim finds it gone), else never;
- the sweep runs after every event, and at 08:00 for what the night held back.
"""

from __future__ import annotations

import heapq
import random
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import services, waitlist, waitlist_times
from .models import Appointment, AppointmentType, Location, WaitlistOffer
from .selectors import available_slots


class _Rollback(Exception):
    pass


@dataclass
class Report:
    days: int
    start: datetime
    booked_before: int = 0
    runners: int = 0
    cancellations: int = 0
    freed_offerable: int = 0  # cancelled with enough notice left to book online
    offers: int = 0
    filled: int = 0
    expired: int = 0
    taken: int = 0
    delays: list[timedelta] = field(default_factory=list)  # offer → booking
    freed_to_filled: list[timedelta] = field(default_factory=list)  # cancel → booking

    def lines(self) -> list[str]:
        def minutes(values: list[timedelta]) -> str:
            if not values:
                return "–"
            mins = sorted(v / timedelta(minutes=1) for v in values)
            p90 = mins[min(len(mins) - 1, int(len(mins) * 0.9))]
            return f"median {statistics.median(mins):.0f} min, 90th percentile {p90:.0f} min"

        return [
            f"Simulated {self.days} days from {self.start:%Y-%m-%d %H:%M %Z}",
            f"Visits booked at the start: {self.booked_before}; runners waiting: {self.runners}",
            f"Cancellations: {self.cancellations} ({self.freed_offerable} with the online "
            "booking notice still ahead)",
            f"Offers sent: {self.offers}; booked from an offer: {self.filled}; expired "
            f"unclaimed: {self.expired}; taken first: {self.taken}",
            f"Visits booked from the waitlist: {self.filled}, after {self.freed_offerable} "
            "cancellations (a freed hour next to a gap can fit two visits)",
            f"Offer to booking: {minutes(self.delays)}",
            f"Cancellation to booking: {minutes(self.freed_to_filled)}",
        ]


def simulate(
    *,
    days: int = 14,
    seed: int = 17,
    runners: int = 30,
    cancel_rate: float = 0.1,
    claim_rate: float = 0.7,
    start: datetime | None = None,
) -> Report:
    rng = random.Random(seed)  # noqa: S311 - a repeatable simulation, not a secret
    zone = Location.objects.filter(is_active=True).order_by("pk").first().zone
    first_day = timezone.localdate(start or timezone.now(), zone) + timedelta(days=1)
    begin = datetime.combine(first_day, time(8), tzinfo=zone)
    report = Report(days=days, start=begin)
    try:
        with transaction.atomic():
            _run(report, rng, begin, days, runners, cancel_rate, claim_rate)
            raise _Rollback
    except _Rollback:
        pass
    return report


def _run(report, rng, begin, days, runners, cancel_rate, claim_rate) -> None:
    kind = AppointmentType.objects.get(slug=AppointmentType.INITIAL_EVALUATION)
    locations = list(Location.objects.filter(is_active=True).order_by("pk"))
    last_day = begin.date() + timedelta(days=days - 1)
    visits = _fill(rng, locations, kind, begin, last_day)
    report.booked_before = len(visits)

    for n in range(runners):
        chosen = rng.sample(locations, k=rng.choice([1, len(locations)]))
        times = rng.sample(list(waitlist_times.ALL), k=rng.randint(4, 10))
        waitlist.waitlist_join(
            patient=_person("Waiting", n),
            locations=chosen,
            appointment_type=kind,
            clinician=None,
            times=times,
            until=last_day,
            now=begin + timedelta(seconds=n),
        )
    report.runners = runners

    events: list[tuple[datetime, int, str, int]] = []  # (when, order, what, pk)
    order = 0
    for visit in rng.sample(visits, k=round(len(visits) * cancel_rate)):
        span = (visit.start - begin).total_seconds()
        when = begin + timedelta(seconds=rng.uniform(0, span))
        heapq.heappush(events, (when, order := order + 1, "cancel", visit.pk))
    for day in range(days):
        morning = datetime.combine(
            begin.date() + timedelta(days=day), time(8, 1), tzinfo=begin.tzinfo
        )
        heapq.heappush(events, (morning, order := order + 1, "sweep", 0))
    cancelled_at: dict[tuple, datetime] = {}
    notice = timedelta(hours=settings.BOOKING_MIN_NOTICE_HOURS)

    while events:
        when, _, what, pk = heapq.heappop(events)
        if what == "cancel":
            visit = Appointment.objects.get(pk=pk)
            by = "patient" if visit.can_cancel_online(when) else "desk"  # a late one: by phone
            services.appointment_cancel(appointment=visit, by=by, now=when)
            report.cancellations += 1
            if visit.start - when >= notice:
                report.freed_offerable += 1
                cancelled_at[(visit.clinician_id, visit.start)] = when
        elif what == "claim":
            offer = WaitlistOffer.objects.get(pk=pk)
            try:
                booked = waitlist.waitlist_claim(offer=offer, now=when)
            except waitlist.OfferTaken:
                report.taken += 1
            except waitlist.OfferGone:
                pass
            else:
                report.filled += 1
                report.delays.append(when - offer.created_at)
                freed = cancelled_at.get((booked.clinician_id, booked.start))
                if freed is not None:
                    report.freed_to_filled.append(when - freed)
        before = set(WaitlistOffer.objects.values_list("pk", flat=True))
        stats = waitlist.waitlist_sweep(now=when)
        report.expired += stats.expired
        for offer in WaitlistOffer.objects.exclude(pk__in=before):
            report.offers += 1
            heapq.heappush(events, (offer.expires_at, order := order + 1, "sweep", 0))
            if rng.random() < claim_rate:
                delay = timedelta(minutes=rng.uniform(2, 45))
                heapq.heappush(events, (when + delay, order := order + 1, "claim", offer.pk))
    report.expired += waitlist.offers_expire(now=begin + timedelta(days=days + 1))


def _fill(rng, locations, kind, begin, last_day) -> list[Appointment]:
    """Book the fortnight's free initial-evaluation times until none is left, at random starts
    (one after another, so each booking sees the last)."""
    visits = []
    n = 0
    for location in locations:
        day = begin.date()
        while day <= last_day:
            while True:
                free = available_slots(
                    location=location,
                    appointment_type=kind,
                    start_date=day,
                    end_date=day,
                    now=begin,
                )
                if not free:
                    break
                option = rng.choice(free)
                visits.append(
                    services.appointment_book(
                        start=option.start,
                        appointment_type=kind,
                        location=location,
                        clinician=option.clinician,
                        patient=_person("Booked", n := n + 1),
                        now=begin - timedelta(days=1),
                    )
                )
            day += timedelta(days=1)
    return visits


def _person(family: str, n: int) -> services.PatientDetails:
    return services.PatientDetails(
        first_name="Sim",
        last_name=f"{family}{n}",
        email=f"sim.{family.lower()}{n}@example.com",
        phone="(301) 555-0100",
        date_of_birth=date(1988, 1, 1) + timedelta(days=n),
    )
