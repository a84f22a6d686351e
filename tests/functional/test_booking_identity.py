"""Who a booking belongs to, and one runner never holding two visits at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Appointment, Patient
from itband.models import OutboxMessage
from tests.factories import booking_clinic, local_time
from tests.functional.test_booking_flow import DETAILS, post_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(reference_data):
    return booking_clinic(clinicians=2)


def day_ahead(days=4):
    return timezone.localdate() + timedelta(days=days)


def test_twins_booked_with_one_parent_email_stay_two_patients(client, clinic):
    guardian = {
        "guardian_name": "Pat Twin",
        "guardian_phone": "(301) 555-0111",
        "guardian_consent": "on",
        "date_of_birth": "2014-03-03",
        "email": "parent@example.com",
    }
    post_details(
        client,
        clinic,
        local_time(clinic.location, day_ahead(), 9),
        first_name="Ann",
        **guardian,
        booking_key="a",
    )
    post_details(
        client,
        clinic,
        local_time(clinic.location, day_ahead(), 13),
        first_name="Ben",
        **guardian,
        booking_key="b",
    )
    names = sorted(a.patient.first_name for a in Appointment.objects.select_related("patient"))
    assert names == ["Ann", "Ben"]
    assert Patient.objects.count() == 2


def test_a_returning_runner_is_found_again_and_the_form_never_changes_their_record(client, clinic):
    post_details(client, clinic, local_time(clinic.location, day_ahead(), 9), booking_key="a")
    post_details(
        client,
        clinic,
        local_time(clinic.location, day_ahead(5), 9),
        booking_key="b",
        phone="(301) 555-0199",
    )
    patient = Patient.objects.get()
    assert patient.appointments.count() == 2
    # Whoever knows the four details may fill the public form: changes go through the desk.
    assert patient.phone == DETAILS["phone"]


def test_back_button_resubmit_with_first_available_does_not_double_book(client, clinic):
    start = local_time(clinic.location, day_ahead(), 10)
    post_details(client, clinic, start, booking_key="first")
    appointment = Appointment.objects.get()
    # Back, the form is fetched again with a new key, and confirmed again: the form cannot
    # tell the runner from someone who knows their details, so the link goes by email.
    again = post_details(client, clinic, start, booking_key="second")
    assert Appointment.objects.count() == 1
    assert again.status_code == 200
    html = again.content.decode()
    assert "Check your email" in html
    assert appointment.manage_token not in html
    assert OutboxMessage.objects.filter(to=DETAILS["email"], key__contains="existing-link").exists()


def test_double_submit_of_a_suggested_time_books_once(client, clinic):
    start = local_time(clinic.location, day_ahead(), 10)
    for clinician in clinic.clinicians:  # both taken: the runner is offered nearby times
        Appointment.objects.create(
            patient=Patient.objects.create(
                first_name="X",
                last_name="Y",
                email=f"{clinician.pk}@x.com",
                phone="1234567",
                date_of_birth=details_birth_date(),
            ),
            clinician=clinician,
            location=clinic.location,
            appointment_type=clinic.types["initial-evaluation"],
            start=start,
            end=start + timedelta(hours=1),
        )
    taken = post_details(client, clinic, start, booking_key="k")
    html = taken.content.decode()
    assert "just taken" in html
    assert 'name="booking_key" value="k"' in html  # the key travels with the suggestions
    later = start + timedelta(hours=2)
    post_details(client, clinic, later, booking_key="k")
    post_details(client, clinic, later, booking_key="k")
    assert Appointment.objects.filter(patient__email="riley@example.com").count() == 1


def details_birth_date():
    from datetime import date

    return date.fromisoformat(DETAILS["date_of_birth"])


@pytest.mark.parametrize(
    "url",
    [
        "/book/?location={loc}&type=initial-evaluation&clinician=any&from=9999-12-20",
        "/book/details/?location={loc}&type=initial-evaluation&clinician=any&start=9999-12-31T23:00:00-12:00",
        "/book/details/?location={loc}&type=initial-evaluation&clinician=any&start=0001-01-01T00:00:00%2B05:00",
        "/desk/?date=9999-12-31",
        "/desk/?date=0001-01-01",
        "/desk/week/?date=9999-12-31",
        "/desk/export.csv?start=9999-12-01&end=9999-12-31",
        "/desk/book/?patient=new&location={loc}&type=initial-evaluation&clinician=any&from=9999-12-31",
    ],
)
def test_dates_out_of_reach_never_break_a_page(client, clinic, front_desk_user, url):
    client.force_login(front_desk_user)
    response = client.get(url.format(loc=clinic.location.slug))
    assert response.status_code < 500


def test_out_of_reach_closure_and_time_off_are_explained(client, clinic, front_desk_user):
    client.force_login(front_desk_user)
    response = client.post(
        "/desk/schedules/closures/",
        {"action": "add_closure", "clinic": "both", "day": "9999-12-31"},
    )
    assert response.status_code == 400
    assert "two years ahead" in response.content.decode()


def test_the_desk_books_a_caller_for_later_today(client, front_desk_user, reference_data):
    from datetime import time

    clinic = booking_clinic(start=time(0), end=time(23, 45))  # open around the clock
    client.force_login(front_desk_user)
    local_now = timezone.now().astimezone(clinic.location.zone)
    start = local_now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    if start.hour >= 22:  # keep the visit inside one working day
        start += timedelta(hours=4)
    assert start - timezone.now() < timedelta(hours=12)  # inside the public minimum notice
    url = (
        f"/desk/book/?patient=new&location={clinic.location.slug}"
        f"&type=initial-evaluation&clinician=any&start={start.isoformat()}"
    )
    data = {k: v for k, v in DETAILS.items() if k != "accept_policy"}
    response = client.post(url, {**data, "booking_key": "desk1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    again = client.post(url, {**data, "booking_key": "desk1"})
    appointment = Appointment.objects.get()
    assert again["Location"] == f"/desk/appointments/{appointment.pk}/"
