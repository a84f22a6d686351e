"""The waitlist (booking.waitlist): a freed time is offered to the first runner in line whose
times suit it, held for them (busy to everyone else) until it expires, and claimed through the
ordinary booking service; the sweep is safe to run twice or in two workers at once."""

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from booking import services, waitlist, waitlist_times
from booking.models import Appointment, Closure, WaitlistEntry, WaitlistOffer
from booking.selectors import available_slots
from itband.models import OutboxMessage
from tests.factories import AppointmentFactory, booking_clinic, local_time, submitted_intake
from tests.integration.test_booking_postgres import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.date_sensitive]


@pytest.fixture
def clinic(reference_data):
    return booking_clinic(start=time(9), end=time(12))


@pytest.fixture
def day(clinic) -> date:
    return timezone.localdate(timezone.now(), clinic.location.zone) + timedelta(days=4)


@pytest.fixture
def now(clinic, day, pinned_clock) -> datetime:
    """10:00 at the clinic two days before ``day``: inside the hours offers go out in, on any
    date the suite runs (the date sweep starts some tests at night)."""
    morning = local_time(clinic.location, day - timedelta(days=2), 10)
    pinned_clock.move_to(morning)
    return morning


@pytest.fixture
def full_day(clinic, day) -> list[Appointment]:
    """9:00-12:00 booked solid: nothing to offer until someone cancels."""
    return [
        AppointmentFactory(
            clinician=clinic.clinician,
            location=clinic.location,
            appointment_type=clinic.types["initial-evaluation"],
            start=local_time(clinic.location, day, hour),
            end=local_time(clinic.location, day, hour + 1),
        )
        for hour in (9, 10, 11)
    ]


def details(n: int) -> services.PatientDetails:
    return services.PatientDetails(
        first_name="Wait",
        last_name=f"Runner{n}",
        email=f"wait{n}@example.com",
        phone="(301) 555-0100",
        date_of_birth=date(1990, 1, 1),
    )


def join(clinic, day, n: int, *, now: datetime, times=None) -> WaitlistEntry:
    morning = f"{waitlist_times.WEEKDAYS[day.weekday()][0]}-morning"
    return waitlist.waitlist_join(
        patient=details(n),
        locations=[clinic.location],
        appointment_type=clinic.types["initial-evaluation"],
        clinician=None,
        times=times or [morning],
        until=day,
        now=now + timedelta(seconds=n),  # joined in this order
    )


def offers_emailed(entry) -> int:
    return OutboxMessage.objects.filter(to=entry.email, key__startswith="waitlist-offer:").count()


def cancel(appointment: Appointment, now: datetime) -> None:
    services.appointment_cancel(appointment=appointment, by="clinic", now=now)


def test_a_freed_time_goes_to_the_first_runner_in_line_only(clinic, day, now, full_day):
    first = join(clinic, day, 1, now=now)
    second = join(clinic, day, 2, now=now)
    assert waitlist.waitlist_sweep(now=now).offered == 0  # nothing free yet

    cancel(full_day[1], now)  # 10:00 frees
    stats = waitlist.waitlist_sweep(now=now)

    assert stats.offered == 1
    offer = WaitlistOffer.objects.get()
    assert offer.entry == first
    assert offer.start == local_time(clinic.location, day, 10)
    assert offer.expires_at == now + timedelta(minutes=30)
    assert offers_emailed(first) == 1
    assert offers_emailed(second) == 0
    message = OutboxMessage.objects.get(key=f"waitlist-offer:{offer.pk}")
    assert offer.get_absolute_url() in message.body_text
    assert "10:00 AM" in message.body_text


def test_a_hold_hides_the_time_from_others_until_it_expires(
    clinic, day, now, full_day, pinned_clock
):
    join(clinic, day, 1, now=now)
    second = join(clinic, day, 2, now=now)
    cancel(full_day[1], now)
    waitlist.waitlist_sweep(now=now)
    ten = local_time(clinic.location, day, 10)

    def public_times(at):
        return [
            option.start
            for option in available_slots(
                location=clinic.location,
                appointment_type=clinic.types["initial-evaluation"],
                start_date=day,
                end_date=day,
                now=at,
            )
        ]

    assert ten not in public_times(now)
    picker = (
        Client()
        .get(
            "/book/",
            {
                "location": clinic.location.slug,
                "type": "initial-evaluation",
                "safety": "none",
                "date": day.isoformat(),
            },
        )
        .content.decode()
    )
    assert f"start={ten.isoformat()}".replace("+", "%2B") not in picker
    # Booking it directly (a crafted link) is refused while it is held.
    with pytest.raises(services.SlotTaken):
        services.appointment_book(
            start=ten,
            appointment_type=clinic.types["initial-evaluation"],
            location=clinic.location,
            clinician=None,
            patient=details(9),
            now=now,
        )

    later = now + timedelta(minutes=31)
    pinned_clock.move_to(later)
    assert ten in public_times(later)  # expired: free again, even before the sweep runs
    stats = waitlist.waitlist_sweep(now=later)
    assert stats.expired == 1
    assert stats.offered == 1
    assert WaitlistOffer.objects.get(entry=second).start == ten  # the next in line
    assert ten not in public_times(later)


def test_the_sweep_run_twice_or_by_two_workers_offers_once(
    clinic, day, now, full_day, requires_postgres
):
    for n in range(3):
        join(clinic, day, n, now=now)
    cancel(full_day[0], now)
    waitlist.waitlist_sweep(now=now)
    waitlist.waitlist_sweep(now=now)
    assert WaitlistOffer.objects.count() == 1

    cancel(full_day[2], now)  # 11:00 frees: two workers sweep at the same moment
    results = run_in_threads(2, lambda n: waitlist.waitlist_sweep(now=now))
    assert not [r for r in results if isinstance(r, Exception)]
    assert WaitlistOffer.objects.count() == 2
    assert sum(r.offered for r in results) == 1
    assert OutboxMessage.objects.filter(key__startswith="waitlist-offer:").count() == 2
    # Two different runners, two different times.
    assert WaitlistOffer.objects.values("entry").distinct().count() == 2


def test_a_freed_time_on_a_closure_day_offers_nothing(clinic, day, now, full_day):
    join(clinic, day, 1, now=now)
    Closure.objects.create(location=clinic.location, date=day, reason="Flooding")
    cancel(full_day[1], now)
    assert waitlist.waitlist_sweep(now=now).offered == 0
    assert not WaitlistOffer.objects.exists()


def test_times_that_do_not_suit_are_not_offered(clinic, day, now, full_day):
    other_day = waitlist_times.WEEKDAYS[(day.weekday() + 1) % 7][0]
    join(clinic, day, 1, now=now, times=[f"{other_day}-morning", f"{other_day}-evening"])
    cancel(full_day[1], now)
    assert waitlist.waitlist_sweep(now=now).offered == 0


def test_offers_wait_for_the_clinics_daytime(clinic, day, now, full_day):
    join(clinic, day, 1, now=now)
    cancel(full_day[1], now)
    night = local_time(clinic.location, day - timedelta(days=2), 23)
    assert waitlist.waitlist_sweep(now=night).offered == 0
    morning = local_time(clinic.location, day - timedelta(days=1), 8, 5)
    assert waitlist.waitlist_sweep(now=morning).offered == 1


def test_twenty_claims_at_once_book_once_and_never_fail(
    clinic, day, now, full_day, requires_postgres
):
    entry = join(clinic, day, 1, now=now)
    cancel(full_day[1], now)
    waitlist.waitlist_sweep(now=now)
    offer = WaitlistOffer.objects.get()
    ten = offer.start
    claim_url = offer.get_absolute_url()
    crafted = {
        "location": clinic.location.slug,
        "type": "initial-evaluation",
        "clinician": "any",
        "start": ten.isoformat(),
        "safety": "none",
        "first_name": "Other",
        "last_name": "Runner",
        "email": "other@example.com",
        "phone": "(301) 555-0111",
        "date_of_birth": "1985-02-02",
        "accept_policy": "on",
    }

    def click(n: int):
        client = Client()
        if n % 2:  # half claim the offer, half try to book the held time directly
            return client.post(claim_url).status_code
        return client.post("/book/details/", crafted).status_code

    statuses = run_in_threads(20, click)
    assert not [s for s in statuses if isinstance(s, Exception) or s >= 500], statuses
    booked = Appointment.objects.holding_time().filter(start=ten)
    assert booked.count() == 1
    assert booked.get().patient.email == entry.email
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.CLAIMED
    assert entry.status == WaitlistEntry.Status.BOOKED
    assert entry.appointment == booked.get()


def test_a_time_taken_before_the_claim_says_so_and_keeps_the_runner_waiting(
    clinic, day, now, full_day
):
    entry = join(clinic, day, 1, now=now)
    cancel(full_day[1], now)
    waitlist.waitlist_sweep(now=now)
    offer = WaitlistOffer.objects.get()
    # The desk overrides the hold and books the time for a caller.
    waitlist.offer_release(offer=offer, now=now)
    services.appointment_book(
        start=offer.start,
        appointment_type=clinic.types["initial-evaluation"],
        location=clinic.location,
        clinician=clinic.clinician,
        patient=details(7),
        source=Appointment.Source.DESK,
        now=now,
    )
    response = Client().post(offer.get_absolute_url())
    assert response.status_code == 410
    assert "You are still on the waitlist" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WAITING


def test_a_runner_flagged_after_joining_cannot_claim(clinic, day, now, full_day):
    intake = submitted_intake(email="wait1@example.com")
    entry = join(clinic, day, 1, now=now)
    cancel(full_day[1], now)
    waitlist.waitlist_sweep(now=now)
    offer = WaitlistOffer.objects.get()
    intake.highest_flag = "urgent"
    intake.result = {**intake.result, "highest_flag": "urgent", "booking_allowed": False}
    intake.save()
    response = Client().post(offer.get_absolute_url())
    assert response.status_code == 200
    assert not Appointment.objects.filter(start=offer.start, status="booked").exists()
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WAITING


def test_a_runner_who_lets_a_time_pass_is_not_offered_it_again_at_another_start(
    clinic, day, now, full_day, pinned_clock
):
    """Two freed hours side by side have many starts (10:00, 10:15, ...): once the first in
    line lets the offer expire, the next in line gets that time, not the first runner again."""
    first = join(clinic, day, 1, now=now)
    second = join(clinic, day, 2, now=now)
    cancel(full_day[1], now)
    cancel(full_day[2], now)  # 10:00-12:00 free: starts from 10:00 to 11:00
    waitlist.waitlist_sweep(now=now)
    assert WaitlistOffer.objects.get(entry=first).start == local_time(clinic.location, day, 10)
    assert WaitlistOffer.objects.get(entry=second).start == local_time(clinic.location, day, 11)

    later = now + timedelta(minutes=31)
    pinned_clock.move_to(later)
    stats = waitlist.waitlist_sweep(now=later)
    assert stats.expired == 2
    # Each runner is offered only what overlaps nothing they let pass: the other's hour.
    assert WaitlistOffer.objects.filter(entry=first).count() == 2
    assert WaitlistOffer.objects.get(entry=first, status="held").start == local_time(
        clinic.location, day, 11
    )
    assert WaitlistOffer.objects.get(entry=second, status="held").start == local_time(
        clinic.location, day, 10
    )
    pinned_clock.move_to(later + timedelta(minutes=31))
    waitlist.waitlist_sweep(now=later + timedelta(minutes=31))
    assert not WaitlistOffer.objects.filter(status="held").exists()  # nothing new for either
    assert WaitlistOffer.objects.count() == 4


def test_offers_pause_after_two_go_unclaimed_until_the_runner_resumes(
    client, clinic, day, now, full_day, pinned_clock, front_desk_user
):
    entry = join(clinic, day, 1, now=now)
    at = now + timedelta(minutes=1)
    pinned_clock.move_to(at)
    for visit in (full_day[0], full_day[2]):  # two freed hours, each offered and let pass
        cancel(visit, at)
        assert waitlist.waitlist_sweep(now=at).offered == 1
        at += timedelta(minutes=31)
        pinned_clock.move_to(at)
        waitlist.waitlist_sweep(now=at)
    assert waitlist.is_paused(entry)
    paused = OutboxMessage.objects.filter(key__startswith="waitlist-paused:")
    assert paused.count() == 1 and entry.get_absolute_url() in paused.get().body_text
    waitlist.waitlist_sweep(now=at)
    assert paused.count() == 1  # said once
    cancel(full_day[1], at)  # 10:00 frees and suits, but offers are paused
    assert waitlist.waitlist_sweep(now=at).offered == 0
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Offers are paused" in page
    desk = Client()
    desk.force_login(front_desk_user)
    assert "Offers paused" in desk.get("/desk/waitlist/").content.decode()
    client.post(entry.get_absolute_url(), {"action": "resume"})
    entry.refresh_from_db()
    assert not waitlist.is_paused(entry)
    assert waitlist.waitlist_sweep(now=at).offered == 1
    assert WaitlistOffer.objects.get(status="held").start == local_time(clinic.location, day, 10)
