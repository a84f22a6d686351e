"""No double booking on PostgreSQL: the exclusion constraint, and real concurrent transactions."""

import threading
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from booking import services
from booking.models import Appointment
from booking.services import PatientDetails
from itband.models import OutboxMessage
from tests.factories import AppointmentFactory, booking_clinic, local_time

THREADS = 24


def runner(n: int) -> PatientDetails:
    return PatientDetails(
        first_name="Runner",
        last_name=str(n),
        email=f"runner{n}@example.com",
        phone="(301) 555-0100",
        date_of_birth=date(1990, 1, 1),
    )


def run_in_threads(count: int, target) -> list:
    """Start ``count`` threads together; each uses (and closes) its own DB connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def work(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = target(n)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db
def test_the_database_refuses_an_overlapping_appointment(requires_postgres):
    clinic = booking_clinic()
    start = timezone.now() + timedelta(days=3)
    AppointmentFactory(clinician=clinic.clinician, location=clinic.location, start=start)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(
            clinician=clinic.clinician,
            location=clinic.location,
            start=start + timedelta(minutes=30),
        )
    # Back to back is fine, and so is an overlap with a cancelled visit.
    AppointmentFactory(
        clinician=clinic.clinician, location=clinic.location, start=start + timedelta(minutes=60)
    )
    cancelled = AppointmentFactory(
        clinician=clinic.clinician,
        location=clinic.location,
        start=start - timedelta(minutes=30),
        status=Appointment.Status.CANCELLED_PATIENT,
    )
    assert cancelled.pk
    # Another clinician at the same time is fine.
    other = booking_clinic(location=clinic.location).clinician
    AppointmentFactory(clinician=other, location=clinic.location, start=start)


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_leave_exactly_one(requires_postgres):
    clinic = booking_clinic()
    start = local_time(clinic.location, timezone.localdate() + timedelta(days=4), 10)

    def attempt(n: int):
        return services.appointment_book(
            start=start,
            appointment_type=clinic.types["initial-evaluation"],
            location=clinic.location,
            clinician=clinic.clinician,
            patient=runner(n),
        )

    results = run_in_threads(THREADS, attempt)
    booked = [r for r in results if isinstance(r, Appointment)]
    taken = [r for r in results if isinstance(r, services.SlotTaken)]
    assert len(booked) == 1, results
    assert len(taken) == THREADS - 1, results
    assert Appointment.objects.count() == 1
    # Only the winner's confirmation was written: the losers' emails rolled back with them.
    assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().to == booked[0].patient.email


@pytest.mark.django_db(transaction=True)
def test_concurrent_reminder_runs_remind_once(requires_postgres):
    clinic = booking_clinic()
    now = timezone.now()
    for n in range(30):
        AppointmentFactory(
            clinician=clinic.clinician,
            location=clinic.location,
            start=now + timedelta(hours=1, minutes=60 * n // 2),
            end=now + timedelta(hours=1, minutes=60 * n // 2 + 25),
        )

    results = run_in_threads(4, lambda n: services.reminders_send_due(now=now, batch_size=3))
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 30
    assert OutboxMessage.objects.filter(key__contains=":reminder:").count() == 30
    assert services.reminders_send_due(now=now) == 0


@pytest.mark.django_db(transaction=True)
def test_one_new_runner_booking_twice_at_once_is_one_patient(requires_postgres):
    """Two tabs, or a runner booking two visits at the same moment: the first booking of a new
    runner creates their record once, not once per concurrent request."""
    from booking.models import Patient

    clinic = booking_clinic(clinicians=2)
    day = timezone.localdate() + timedelta(days=4)

    def attempt(n: int):
        return services.appointment_book(
            start=local_time(clinic.location, day + timedelta(days=n // 2), 8 + 2 * (n % 2)),
            appointment_type=clinic.types["initial-evaluation"],
            location=clinic.location,
            clinician=clinic.clinicians[n % 2],
            patient=runner(0),
        )

    results = run_in_threads(8, attempt)
    assert all(isinstance(r, Appointment) for r in results), results
    assert Patient.objects.count() == 1
    assert {r.patient_id for r in results} == {Patient.objects.get().pk}
