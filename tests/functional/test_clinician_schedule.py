"""The clinician's own schedule: today and tomorrow, one line of brief each."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from booking.models import Appointment
from tests.assessment_data import SOFT_FLAG_ANSWERS, make_submission
from tests.factories import AppointmentFactory, PatientFactory, booking_clinic

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]


def test_my_schedule_lists_today_and_tomorrow_with_a_brief(client, reference_data):
    clinic = booking_clinic(clinicians=2)
    me = clinic.clinicians[0]
    me.user.groups.add(Group.objects.get(name="Clinician"))
    intake = make_submission(SOFT_FLAG_ANSWERS, first_name="Ava")
    tomorrow = timezone.now() + timedelta(days=1)
    mine = AppointmentFactory(
        clinician=me,
        location=clinic.location,
        start=tomorrow,
        end=tomorrow + timedelta(hours=1),
        patient=PatientFactory(first_name="Ava", last_name="Nguyen"),
        submission=intake,
        appointment_type=clinic.types["initial-evaluation"],
    )
    AppointmentFactory(  # someone else's visit
        clinician=clinic.clinicians[1],
        location=clinic.location,
        start=tomorrow,
        end=tomorrow + timedelta(hours=1),
        patient=PatientFactory(first_name="Other", last_name="Person"),
        appointment_type=clinic.types["initial-evaluation"],
    )
    AppointmentFactory(  # mine, but cancelled
        clinician=me,
        location=clinic.location,
        start=tomorrow + timedelta(hours=2),
        end=tomorrow + timedelta(hours=3),
        status=Appointment.Status.CANCELLED_PATIENT,
        patient=PatientFactory(first_name="Gone", last_name="Away"),
        appointment_type=clinic.types["initial-evaluation"],
    )
    client.force_login(me.user)
    response = client.get("/clinician/schedule/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ava Nguyen" in html and "Other Person" not in html and "Gone Away" not in html
    assert "Strength balance" in html and "Review flag" in html and "not reviewed" in html
    assert f"/clinician/intake/{intake.pk}/" in html
    assert mine.pk


def test_my_schedule_needs_the_clinician_role(client, front_desk_user):
    assert client.get("/clinician/schedule/")["Location"].startswith("/accounts/login/")
    client.force_login(front_desk_user)
    assert client.get("/clinician/schedule/").status_code == 403


def test_a_clinician_without_a_schedule_is_told_so(client, clinician_user):
    client.force_login(clinician_user)
    assert "not set up as a clinician" in client.get("/clinician/schedule/").content.decode()
