"""Booking services on the database: availability, book, cancel, reschedule, reminders."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from booking import selectors, services
from booking.models import (
    Appointment,
    AppointmentEvent,
    Closure,
    Patient,
    TimeOff,
    WeeklyAvailability,
)
from booking.services import PatientDetails
from itband.models import OutboxMessage
from tests.dates import next_weekday, years_before
from tests.factories import (
    AppointmentFactory,
    LocationFactory,
    PatientFactory,
    booking_clinic,
    local_time,
    submitted_intake,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.date_sensitive]


def runner(**overrides) -> PatientDetails:
    values = {
        "first_name": "Riley",
        "last_name": "Runner",
        "email": "riley@example.com",
        "phone": "(301) 555-0100",
        "date_of_birth": date(1990, 4, 23),
    }
    values.update(overrides)
    return PatientDetails(**values)


@pytest.fixture
def clinic():
    return booking_clinic()


@pytest.fixture
def day() -> date:
    return timezone.localdate() + timedelta(days=4)


def book(clinic, start, **overrides):
    values = {
        "start": start,
        "appointment_type": clinic.types["initial-evaluation"],
        "location": clinic.location,
        "clinician": None,
        "patient": runner(),
    }
    values.update(overrides)
    return services.appointment_book(**values)


def test_booking_writes_the_appointment_and_its_confirmation(clinic, day):
    intake = submitted_intake()
    appointment = book(clinic, local_time(clinic.location, day, 10), submission=intake)
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.clinician == clinic.clinician
    assert appointment.end - appointment.start == timedelta(minutes=60)
    assert appointment.submission == intake
    assert len(appointment.manage_token) >= 43
    message = OutboxMessage.objects.get()
    assert message.key == f"appointment:{appointment.pk}:confirmation:0"
    assert message.topic == f"appointment:{appointment.pk}"
    assert message.to == "riley@example.com"
    assert message.attachments[0]["mimetype"] == "text/calendar"
    assert "METHOD:REQUEST" in message.attachments[0]["content"]
    event = AppointmentEvent.objects.get()
    assert (event.from_status, event.to_status) == ("", "booked")


def test_same_email_and_birth_date_is_the_same_patient(clinic, day):
    first = book(clinic, local_time(clinic.location, day, 9))
    second = book(
        clinic,
        local_time(clinic.location, day, 11),
        patient=runner(email="RILEY@example.com", phone="(301) 555-0111"),
    )
    assert first.patient_id == second.patient_id
    # A public booking never changes the record's contact details; the desk may (issue #12).
    assert Patient.objects.get().phone == runner().phone
    book(
        clinic,
        local_time(clinic.location, day, 15),
        patient=runner(phone="(301) 555-0111"),
        update_contact=True,
    )
    assert Patient.objects.get().phone == "(301) 555-0111"
    other = book(
        clinic, local_time(clinic.location, day, 13), patient=runner(date_of_birth=date(1991, 1, 1))
    )
    assert other.patient_id != first.patient_id


def test_a_time_outside_the_hours_is_unavailable(clinic, day):
    with pytest.raises(services.SlotUnavailable) as error:
        book(clinic, local_time(clinic.location, day, 18))
    assert not isinstance(error.value, services.SlotTaken)
    with pytest.raises(services.SlotUnavailable):
        book(clinic, local_time(clinic.location, day, 10, 5))  # not on the 15-minute grid
    with pytest.raises(services.SlotUnavailable):  # inside the minimum notice
        book(clinic, timezone.now() + timedelta(hours=2))


def test_a_taken_time_raises_slot_taken_and_sends_nothing(clinic, day):
    start = local_time(clinic.location, day, 10)
    book(clinic, start)
    with pytest.raises(services.SlotTaken):
        book(clinic, start + timedelta(minutes=30), patient=runner(email="other@example.com"))
    assert Appointment.objects.count() == 1
    assert OutboxMessage.objects.count() == 1
    assert not Patient.objects.filter(email="other@example.com").exists()


def test_first_available_books_the_clinician_who_is_free():
    clinic = booking_clinic(clinicians=2)
    day = timezone.localdate() + timedelta(days=4)
    start = local_time(clinic.location, day, 10)
    first = book(clinic, start)
    second = book(clinic, start, patient=runner(email="b@example.com"))
    assert {first.clinician, second.clinician} == set(clinic.clinicians)
    with pytest.raises(services.SlotTaken):
        book(clinic, start, patient=runner(email="c@example.com"))


def test_a_minor_needs_a_guardian_on_the_day_of_the_visit(clinic, day):
    seventeen = years_before(day, 17)
    with pytest.raises(services.GuardianRequired):
        book(clinic, local_time(clinic.location, day, 10), patient=runner(date_of_birth=seventeen))
    appointment = book(
        clinic,
        local_time(clinic.location, day, 10),
        patient=runner(
            date_of_birth=seventeen,
            guardian_name="Pat Parent",
            guardian_email="pat@example.com",
            guardian_consent=True,
        ),
    )
    assert appointment.patient.guardian_consent_at is not None
    # A copy of the confirmation goes to the guardian.
    assert set(OutboxMessage.objects.values_list("to", flat=True)) == {
        "riley@example.com",
        "pat@example.com",
    }
    # Turning 18 on the day of the visit: an adult.
    eighteen = years_before(day, 18)
    book(
        clinic,
        local_time(clinic.location, day, 13),
        patient=runner(date_of_birth=eighteen, email="adult@example.com"),
    )


@pytest.mark.parametrize("flag", ["emergency", "urgent"])
def test_an_emergency_or_urgent_intake_blocks_booking(clinic, day, flag):
    intake = submitted_intake(
        result={"booking_allowed": False, "recommended_appointment": None, "highest_flag": flag}
    )
    with pytest.raises(services.BookingBlocked):
        book(clinic, local_time(clinic.location, day, 10), submission=intake)
    assert not Appointment.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_soft_flag_allows_booking(clinic, day):
    intake = submitted_intake(result={"highest_flag": "soft"})
    assert book(clinic, local_time(clinic.location, day, 10), submission=intake).pk


def test_availability_respects_time_off_closures_buffers_and_the_other_clinic(clinic, day):
    location, clinician = clinic.location, clinic.clinician
    kind = clinic.types["initial-evaluation"]

    def starts():
        return [
            option.start.time()
            for option in selectors.available_slots(
                location=location, appointment_type=kind, start_date=day, end_date=day
            )
        ]

    assert starts()[0] == time(8) and starts()[-1] == time(16)
    TimeOff.objects.create(
        clinician=clinician,
        start=local_time(location, day, 8),
        end=local_time(location, day, 12),
        reason="dentist",
    )
    assert starts()[0] == time(12)
    other = LocationFactory(name="McLean", city="McLean", region="VA")
    AppointmentFactory(
        clinician=clinician,
        location=other,
        appointment_type=kind,
        start=local_time(location, day, 12),
        end=local_time(location, day, 13),
    )
    assert starts()[0] == time(13)
    kind.buffer_after_minutes = 15
    kind.save()
    # The existing 12:00–13:00 visit now keeps 13:00–13:15 clear too.
    assert starts()[0] == time(13, 15)
    Closure.objects.create(location=location, date=day, reason="Holiday")
    assert starts() == []


def test_cancelled_appointments_free_the_time(clinic, day):
    start = local_time(clinic.location, day, 10)
    appointment = book(clinic, start)
    services.appointment_cancel(appointment=appointment, by="patient", reason="Sick")
    again = book(clinic, start, patient=runner(email="next@example.com"))
    assert again.start == start


def test_patient_cancels_online_outside_the_cutoff_only(clinic, day):
    appointment = book(clinic, local_time(clinic.location, day, 10))
    late = appointment.start - timedelta(hours=2)
    with pytest.raises(services.CutoffPassed):
        services.appointment_cancel(appointment=appointment, by="patient", now=late)
    cancelled = services.appointment_cancel(
        appointment=appointment, by="patient", reason="  Travel  "
    )
    assert cancelled.status == Appointment.Status.CANCELLED_PATIENT
    assert cancelled.cancellation_reason == "Travel"
    assert cancelled.sequence == 1
    message = OutboxMessage.objects.get(key=f"appointment:{appointment.pk}:cancellation:1")
    assert "METHOD:CANCEL" in message.attachments[0]["content"]
    assert "STATUS:CANCELLED" in message.attachments[0]["content"]
    with pytest.raises(services.AppointmentNotActive):
        services.appointment_cancel(appointment=appointment, by="patient")


def test_desk_cancel_inside_the_cutoff_is_a_late_cancel(clinic, day, front_desk_user):
    appointment = book(clinic, local_time(clinic.location, day, 10))
    late = appointment.start - timedelta(hours=2)
    cancelled = services.appointment_cancel(
        appointment=appointment, by="desk", actor=front_desk_user, now=late
    )
    assert cancelled.status == Appointment.Status.LATE_CANCEL
    assert cancelled.status_changed_by == front_desk_user
    event = cancelled.events.last()
    assert (event.from_status, event.to_status, event.actor) == (
        "booked",
        "late_cancel",
        front_desk_user,
    )
    other = book(clinic, local_time(clinic.location, day, 13))
    assert (
        services.appointment_cancel(appointment=other, by="clinic").status
        == Appointment.Status.CANCELLED_CLINIC
    )


def test_reschedule_keeps_uid_and_intake_and_bumps_sequence(clinic, day):
    intake = submitted_intake()
    appointment = book(clinic, local_time(clinic.location, day, 10), submission=intake)
    uid = appointment.uid
    # Overlapping its own old time is fine: it moves, it doesn't clash with itself.
    moved = services.appointment_reschedule(
        appointment=appointment, new_start=local_time(clinic.location, day, 10, 30)
    )
    assert moved.uid == uid and moved.sequence == 1
    assert moved.submission == intake
    assert moved.start == local_time(clinic.location, day, 10, 30)
    message = OutboxMessage.objects.get(key=f"appointment:{appointment.pk}:reschedule:1")
    ics = message.attachments[0]["content"]
    assert f"UID:appointment-{uid}@cohenhealth.example" in ics
    assert "SEQUENCE:1" in ics and "METHOD:REQUEST" in ics
    assert moved.events.filter(kind="rescheduled").exists()


def test_reschedule_inside_the_cutoff_is_refused_for_the_patient(clinic, day):
    appointment = book(clinic, local_time(clinic.location, day, 10))
    with pytest.raises(services.CutoffPassed):
        services.appointment_reschedule(
            appointment=appointment,
            new_start=local_time(clinic.location, day, 13),
            now=appointment.start - timedelta(hours=3),
        )
    other = book(clinic, local_time(clinic.location, day, 13), patient=runner(email="o@x.com"))
    with pytest.raises(services.SlotTaken):
        services.appointment_reschedule(appointment=appointment, new_start=other.start)


def test_reminders_are_queued_once(clinic):
    now = timezone.now()
    soon = AppointmentFactory(
        location=clinic.location, clinician=clinic.clinician, start=now + timedelta(hours=20)
    )
    AppointmentFactory(
        location=clinic.location, clinician=clinic.clinician, start=now + timedelta(hours=30)
    )
    AppointmentFactory(
        location=clinic.location,
        clinician=clinic.clinician,
        start=now + timedelta(hours=5),
        status=Appointment.Status.CANCELLED_PATIENT,
    )
    assert services.reminders_send_due(now=now) == 1
    assert services.reminders_send_due(now=now) == 0
    message = OutboxMessage.objects.get()
    assert message.key == f"appointment:{soon.pk}:reminder:0"
    assert "Reminder" in message.subject
    soon.refresh_from_db()
    assert soon.reminder_sent_at == now


def test_a_reminder_names_the_visits_local_day_and_time(clinic):
    """Swept across DST changes, year end and late evenings: the next 9:00 at the clinic,
    reminded by the clock alone (no ``now`` passed), named in the clinic's time."""
    now, zone = timezone.now(), clinic.location.zone
    nine = datetime.combine(now.astimezone(zone).date(), time(9), tzinfo=zone)
    if nine - now < timedelta(hours=2):
        nine = datetime.combine(nine.date() + timedelta(days=1), time(9), tzinfo=zone)
    AppointmentFactory(location=clinic.location, clinician=clinic.clinician, start=nine)
    assert services.reminders_send_due() == 1
    assert OutboxMessage.objects.get().subject.endswith(f"{nine:%A} at 9:00 AM")
    assert services.reminders_send_due() == 0


def test_reminders_in_batches(clinic):
    now = timezone.now()
    for hour in range(5):
        AppointmentFactory(
            location=clinic.location,
            clinician=clinic.clinician,
            start=now + timedelta(hours=2 + 2 * hour),
        )
    assert services.reminders_send_due(now=now, batch_size=2) == 5
    assert OutboxMessage.objects.count() == 5


def booked_fortnight(clinic, count: int):
    """``count`` follow-ups spread over the next 14 days; fresh clinic and type objects, so
    the query count that follows includes everything a request would load."""
    location, kind = clinic.location, clinic.types["follow-up"]
    patient = PatientFactory()
    first = timezone.localdate() + timedelta(days=1)
    for n in range(count):
        day = first + timedelta(days=n % 14)
        start = local_time(location, day, 8) + timedelta(minutes=45 * (n // 14))
        AppointmentFactory(
            patient=patient,
            location=location,
            clinician=clinic.clinician,
            appointment_type=kind,
            start=start,
            end=start + timedelta(minutes=45),
        )
    return type(location).objects.get(pk=location.pk), type(kind).objects.get(pk=kind.pk), first


@pytest.mark.parametrize("count", [5, 150])
def test_availability_query_count_is_constant(clinic, django_assert_max_num_queries, count: int):
    location, kind, first = booked_fortnight(clinic, count)
    with django_assert_max_num_queries(4):
        options = selectors.available_slots(
            location=location,
            appointment_type=kind,
            start_date=first,
            end_date=first + timedelta(days=13),
        )
    assert options


def fill(clinic, clinician, day, first_hour: int, last_hour: int) -> None:
    """Book `clinician` solid, hour by hour, from first_hour to last_hour on `day`."""
    patient = PatientFactory()
    for hour in range(first_hour, last_hour):
        start = local_time(clinic.location, day, hour)
        AppointmentFactory(
            patient=patient,
            location=clinic.location,
            clinician=clinician,
            appointment_type=clinic.types["initial-evaluation"],
            start=start,
            end=start + timedelta(hours=1),
        )


def test_available_days_are_the_days_of_available_slots():
    """The day list and the chosen day's times are what the full two-week search gives."""
    clinic = booking_clinic(clinicians=2, start=time(8), end=time(12), weekdays=range(5))
    location, kind = clinic.location, clinic.types["initial-evaluation"]
    # A Monday, so that `full` and `half` are a Thursday and a Friday whatever today is.
    first = next_weekday(timezone.localdate() + timedelta(days=2), 0)
    last = first + timedelta(days=13)
    full, half = first + timedelta(days=3), first + timedelta(days=4)
    for clinician in clinic.clinicians:  # nobody free on `full`
        fill(clinic, clinician, full, 8, 12)
    fill(clinic, clinic.clinicians[0], half, 8, 12)  # only the second clinician on `half`
    Closure.objects.create(location=location, date=first + timedelta(days=7), reason="Holiday")
    now = timezone.now()
    common = {"location": location, "appointment_type": kind, "now": now}
    every = selectors.available_slots(**common, start_date=first, end_date=last)
    by_day: dict[date, list] = {}
    for option in every:
        by_day.setdefault(option.start.date(), []).append(option)
    assert full not in by_day and half in by_day

    found = selectors.available_days(**common, start_date=first, end_date=last)
    assert found.days == list(by_day)
    assert found.day == found.days[0] and found.options == by_day[found.day]
    for day in (half, last, full):
        found = selectors.available_days(**common, start_date=first, end_date=last, day=day)
        expected_day = day if day in by_day else next(iter(by_day))
        assert found.day == expected_day
        assert found.options == by_day[expected_day]
    assert {o.clinician for o in by_day[half]} == {clinic.clinicians[1]}

    one = selectors.available_days(
        **common, clinician=clinic.clinicians[0], start_date=first, end_date=last
    )
    assert half not in one.days and full not in one.days


def test_available_days_when_nothing_is_free(clinic):
    day = timezone.localdate() + timedelta(days=3)
    fill(clinic, clinic.clinician, day, 8, 17)
    found = selectors.available_days(
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        start_date=day,
        end_date=day,
        day=day,
    )
    assert found == selectors.DaySlots(days=[], day=None, options=[])


@pytest.mark.parametrize("count", [5, 150])
def test_available_days_query_count_is_constant(clinic, django_assert_max_num_queries, count: int):
    location, kind, first = booked_fortnight(clinic, count)
    with django_assert_max_num_queries(4):
        found = selectors.available_days(
            location=location,
            appointment_type=kind,
            start_date=first,
            end_date=first + timedelta(days=13),
            day=first + timedelta(days=5),
        )
    assert found.options


def test_slots_across_the_end_of_daylight_saving_time():
    """2026-11-01: clocks go back at 02:00. 08:00 stays 08:00 local on both sides."""
    clinic = booking_clinic(start=time(8), end=time(10))
    location = clinic.location
    now = datetime(2026, 10, 26, 9, tzinfo=location.zone)
    options = selectors.available_slots(
        location=location,
        appointment_type=clinic.types["initial-evaluation"],
        start_date=date(2026, 10, 29),
        end_date=date(2026, 11, 4),
        now=now,
    )
    days = {}
    for option in options:
        local = option.start.astimezone(location.zone)
        days.setdefault(local.date(), []).append(local.strftime("%H:%M"))
        assert option.end - option.start == timedelta(minutes=60)
    assert len(days) == 7
    for starts in days.values():
        assert starts == ["08:00", "08:15", "08:30", "08:45", "09:00"]
    before = next(o for o in options if o.start.date() == date(2026, 10, 31))
    after = next(o for o in options if o.start.date() == date(2026, 11, 2))
    assert before.start.utcoffset() == timedelta(hours=-4)
    assert after.start.utcoffset() == timedelta(hours=-5)
    # A visit booked on the DST day itself keeps its local time.
    appointment = services.appointment_book(
        start=datetime(2026, 11, 1, 8, tzinfo=location.zone),
        appointment_type=clinic.types["initial-evaluation"],
        location=location,
        clinician=None,
        patient=runner(),
        now=now,
    )
    assert appointment.local_start.strftime("%H:%M") == "08:00"


def test_overlapping_weekly_hours_are_refused_at_any_clinic(clinic):
    other = LocationFactory(name="McLean", city="McLean", region="VA")
    with pytest.raises(services.HoursOverlap):
        services.weekly_hours_add(
            clinician=clinic.clinician, location=other, weekday=0, start=time(16), end=time(18)
        )
    block = services.weekly_hours_add(
        clinician=clinic.clinician, location=other, weekday=0, start=time(17), end=time(19)
    )
    assert block.pk
    clash = WeeklyAvailability(
        clinician=clinic.clinician, location=other, weekday=1, start=time(7), end=time(9)
    )
    with pytest.raises(ValidationError):
        clash.full_clean()


def test_desk_status_changes_are_recorded(clinic, day, front_desk_user):
    appointment = book(clinic, local_time(clinic.location, day, 10))
    services.appointment_set_status(
        appointment=appointment, status=Appointment.Status.CHECKED_IN, actor=front_desk_user
    )
    done = services.appointment_set_status(
        appointment=appointment, status=Appointment.Status.COMPLETED, actor=front_desk_user
    )
    assert done.status == Appointment.Status.COMPLETED
    assert list(done.events.values_list("from_status", "to_status")) == [
        ("", "booked"),
        ("booked", "checked_in"),
        ("checked_in", "completed"),
    ]
    with pytest.raises(services.AppointmentNotActive):
        services.appointment_set_status(
            appointment=appointment, status=Appointment.Status.BOOKED, actor=front_desk_user
        )


def test_a_visit_booked_inside_the_reminder_window_gets_no_extra_reminder(reference_data):
    from booking.selectors import available_slots
    from booking.services import appointment_book, reminders_send_due
    from tests.factories import booking_clinic as _clinic

    clinic = _clinic(start=time(0), end=time(23, 45))  # open around the clock
    now = timezone.now()
    soon = [
        option
        for option in available_slots(
            location=clinic.location,
            appointment_type=clinic.types["initial-evaluation"],
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + timedelta(days=3),
            min_notice=timedelta(0),
        )
        if option.start - now < timedelta(hours=20)
    ]
    appointment = appointment_book(
        start=soon[0].start,
        appointment_type=clinic.types["initial-evaluation"],
        location=clinic.location,
        clinician=None,
        patient=PatientDetails("Riley", "Runner", "r@example.com", "3015550100", date(1990, 1, 1)),
        min_notice=timedelta(0),
    )
    assert appointment.reminder_sent_at is not None
    assert reminders_send_due() == 0
