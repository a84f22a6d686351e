"""The one booking rule (booking.rules) and the services that enforce it, against the database."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.models import Submission
from assessments.services import submission_clear_flag
from booking import rules
from booking.models import Appointment
from booking.services import (
    BookingBlocked,
    PatientDetails,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from tests.factories import AppointmentFactory, PatientFactory, booking_clinic, local_time

pytestmark = pytest.mark.django_db

BORN = date(1990, 4, 23)
RILEY = PatientDetails(
    first_name="Riley",
    last_name="Runner",
    email="riley@example.com",
    phone="(301) 555-0100",
    date_of_birth=BORN,
)


def intake(level: str = "", *, days_ago: float = 0, **identity) -> Submission:
    now = timezone.now() - timedelta(days=days_ago)
    values = {"email": "", "last_name": "", "date_of_birth": None, **identity}
    return Submission.objects.create(
        questionnaire_version="1",
        status=Submission.Status.SUBMITTED,
        consented_at=now,
        submitted_at=now,
        result={"flags": [], "highest_flag": level or None},
        highest_flag=level,
        flag_rank=Submission.FLAG_RANKS[level],
        **values,
    )


@pytest.fixture
def clinic(reference_data):
    return booking_clinic()


@pytest.fixture
def start(clinic):
    return local_time(clinic.location, timezone.localdate() + timedelta(days=4), 10)


def test_the_intake_itself_blocks_whatever_its_age_until_cleared(clinician_user):
    old = intake("urgent", days_ago=40)
    block = rules.booking_block_for(intake=old)
    assert (
        block.own and block.level == "urgent" and block.intake == old and block.intake_id == old.pk
    )
    submission_clear_flag(submission=old, user=clinician_user, note="Seen by GP.")
    assert rules.booking_block_for(intake=Submission.objects.get(pk=old.pk)) is None


@pytest.mark.parametrize(
    ("identity", "blocked"),
    [
        ({"email": "RILEY@example.com"}, True),
        ({"last_name": "runner", "date_of_birth": BORN}, True),
        ({"last_name": "Runner", "date_of_birth": date(1990, 4, 24)}, False),
        ({"last_name": "Other", "date_of_birth": BORN}, False),
        ({"email": "riley@example.org"}, False),
    ],
)
def test_the_same_runner_is_the_same_email_or_last_name_and_birth_date(identity, blocked):
    flagged = intake("emergency", **identity)
    block = rules.booking_block_for(
        email="riley@example.com", last_name="Runner", date_of_birth=BORN
    )
    assert (block is not None) is blocked
    if blocked:
        assert block.intake_id == flagged.pk and not block.own and block.intake is None


def test_soft_cleared_and_old_flags_do_not_block_by_identity(clinician_user):
    intake("soft", email="riley@example.com")
    intake("emergency", days_ago=14.01, email="riley@example.com")
    cleared = intake("urgent", email="riley@example.com")
    submission_clear_flag(submission=cleared, user=clinician_user, note="Phone triage: fine.")
    assert rules.booking_block_for(email="riley@example.com") is None
    assert rules.booking_block_for(email="", last_name="", date_of_birth=None) is None


def test_the_most_serious_newest_flag_is_named():
    intake("urgent", email="riley@example.com")
    newest_urgent = intake("urgent", days_ago=0, email="riley@example.com")
    emergency = intake("emergency", days_ago=3, last_name="Runner", date_of_birth=BORN)
    block = rules.booking_block_for(
        email="riley@example.com", last_name="Runner", date_of_birth=BORN
    )
    assert block.intake_id == emergency.pk and block.level == "emergency"
    Submission.objects.filter(pk=emergency.pk).delete()
    assert rules.booking_block_for(email="riley@example.com").intake_id == newest_urgent.pk


def test_one_query_whatever_the_number_of_intakes(django_assert_num_queries):
    for n in range(30):
        intake("" if n % 3 else "urgent", email=f"runner{n}@example.com")
    with django_assert_num_queries(1):
        assert (
            rules.booking_block_for(email="nobody@example.com", last_name="X", date_of_birth=BORN)
            is None
        )
    with django_assert_num_queries(1):
        index = rules.red_flag_index()
    assert index.level_for(email="RUNNER0@example.com") == "urgent"
    assert index.level_for(email="runner1@example.com") is None


def test_the_service_refuses_a_booking_on_every_source(clinic, start, front_desk_user):
    intake("urgent", email="riley@example.com")
    for source, actor in (
        (Appointment.Source.PUBLIC, None),
        (Appointment.Source.DESK, front_desk_user),
    ):
        with pytest.raises(BookingBlocked) as refused:
            appointment_book(
                start=start,
                appointment_type=clinic.types["initial-evaluation"],
                location=clinic.location,
                clinician=None,
                patient=RILEY,
                source=source,
                booked_by=actor,
                min_notice=timedelta(0),
            )
        assert refused.value.block.level == "urgent" and not refused.value.block.own
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("by", ["patient", "desk"])
def test_the_service_refuses_a_reschedule_but_not_a_cancel(clinic, start, by):
    patient = PatientFactory(email="riley@example.com", last_name="Runner", date_of_birth=BORN)
    appointment = AppointmentFactory(
        patient=patient,
        clinician=clinic.clinician,
        location=clinic.location,
        start=start,
        appointment_type=clinic.types["initial-evaluation"],
    )
    intake("emergency", last_name="RUNNER", date_of_birth=BORN)
    with pytest.raises(BookingBlocked):
        appointment_reschedule(appointment=appointment, new_start=start + timedelta(days=1), by=by)
    appointment.refresh_from_db()
    assert appointment.start == start and appointment.sequence == 0
    cancelled = appointment_cancel(
        appointment=appointment, by="patient" if by == "patient" else "desk"
    )
    assert cancelled.is_cancelled
