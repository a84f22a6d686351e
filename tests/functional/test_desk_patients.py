"""The front desk's patient search and patient page, through their URLs."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import Appointment, Patient
from itband.models import AuditEvent
from tests.assessment_data import make_submission
from tests.factories import (
    AppointmentFactory,
    ClinicianFactory,
    LocationFactory,
    PatientFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

BORN = date(1990, 4, 23)


@pytest.fixture
def desk(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


@pytest.fixture
def riley(reference_data):
    return PatientFactory(
        first_name="Riley",
        last_name="Runner",
        email="Riley.Runner@example.com",
        phone="(301) 555-0123",
        date_of_birth=BORN,
    )


def html_of(response) -> str:
    return unescape(response.content.decode())


def found(response) -> list[int]:
    return [patient.pk for patient in response.context["page"].object_list]


# --- Search ----------------------------------------------------------------------------------
def test_search_by_name_email_or_phone_digits(desk, riley):
    other = PatientFactory(first_name="Sam", last_name="Strider", phone="703-555-0199")
    assert found(desk.get("/desk/patients/", {"q": "riley"})) == [riley.pk]
    assert found(desk.get("/desk/patients/", {"q": "RUNNER riley"})) == [riley.pk]
    assert found(desk.get("/desk/patients/", {"q": "riley.runner@EXAMPLE"})) == [riley.pk]
    # Digits match however the number was typed, on either side.
    assert found(desk.get("/desk/patients/", {"q": "301 555 0123"})) == [riley.pk]
    assert found(desk.get("/desk/patients/", {"q": "(301)555-01"})) == [riley.pk]
    assert found(desk.get("/desk/patients/", {"q": "7035550199"})) == [other.pk]
    assert found(desk.get("/desk/patients/", {"q": "nobody"})) == []
    everyone = desk.get("/desk/patients/")
    assert set(found(everyone)) == {riley.pk, other.pk}
    response = desk.get("/desk/patients/", {"q": "riley"})
    assert f'href="/desk/patients/{riley.pk}/"' in response.content.decode()
    assert response["Cache-Control"].startswith("no-store")


def test_search_is_paginated_with_constant_queries(desk, reference_data):
    for n in range(30):
        PatientFactory(first_name="Pat", last_name=f"Pace{n:02d}")
    with CaptureQueriesContext(connection) as first:
        page_one = desk.get("/desk/patients/", {"q": "pace"})
    assert len(found(page_one)) == 25
    assert page_one.context["page"].paginator.num_pages == 2
    assert "page=2" in page_one.content.decode()
    page_two = desk.get("/desk/patients/", {"q": "pace", "page": "2"})
    assert len(found(page_two)) == 5
    for n in range(30, 60):
        PatientFactory(first_name="Pat", last_name=f"Pace{n:02d}")
    with CaptureQueriesContext(connection) as second:
        desk.get("/desk/patients/", {"q": "pace"})
    assert len(second) == len(first)


@pytest.mark.parametrize(
    "params", [{"page": "abc"}, {"page": "999"}, {"q": "x" * 5000}, {"q": "%_\\'"}]
)
def test_garbage_in_the_search_never_breaks_it(desk, riley, params):
    assert desk.get("/desk/patients/", params).status_code == 200


# --- The patient page ------------------------------------------------------------------------
def test_patient_page_shows_appointments_newest_first_and_intakes_as_a_summary(desk, riley):
    bethesda = LocationFactory(name="Bethesda")
    mclean = LocationFactory(name="McLean", city="McLean", region="VA")
    dana = ClinicianFactory(display_name="Dana Cohen, PT, DPT")
    intake = make_submission(
        first_name="Riley", last_name="Runner", email="riley.runner@example.com", date_of_birth=BORN
    )
    older = AppointmentFactory(
        patient=riley,
        clinician=dana,
        location=bethesda,
        start=timezone.now() - timedelta(days=20),
        end=timezone.now() - timedelta(days=20) + timedelta(hours=1),
        status=Appointment.Status.COMPLETED,
        submission=intake,
    )
    newer = AppointmentFactory(patient=riley, clinician=dana, location=mclean)
    response = desk.get(f"/desk/patients/{riley.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    assert [a.pk for a in response.context["appointments"]] == [newer.pk, older.pk]
    html = html_of(response)
    for text in (
        "Riley Runner",
        "McLean",
        "Bethesda",
        "Dana Cohen, PT, DPT",
        "Completed",
        "Booked",
    ):
        assert text in html
    assert f'href="/desk/appointments/{newer.pk}/"' in html
    # The intake: a summary only, and no link to the clinician's page for the desk.
    assert [s.pk for s in response.context["intakes"]] == [intake.pk]
    assert "Strength balance" in html  # the likely driver
    assert "Awaiting review" in html
    assert "Outside of the knee" not in html  # an answer label
    assert "outside_knee" not in html
    assert f"/clinician/intake/{intake.pk}/" not in html


def test_intakes_match_by_email_name_and_birth_date_never_email_alone(desk, riley):
    same = make_submission(
        first_name=" riley ",
        last_name="RUNNER",
        email="riley.runner@example.com",
        date_of_birth=BORN,
    )
    other_birthday = make_submission(
        first_name="Riley",
        last_name="Runner",
        email="riley.runner@example.com",
        date_of_birth=date(1992, 1, 1),
    )
    sibling = make_submission(
        first_name="Robin", last_name="Runner", email="riley.runner@example.com", date_of_birth=BORN
    )
    response = desk.get(f"/desk/patients/{riley.pk}/")
    shown = [s.pk for s in response.context["intakes"]]
    assert shown == [same.pk]
    assert other_birthday.pk not in shown and sibling.pk not in shown


def test_a_clinician_at_the_desk_gets_a_link_to_the_full_intake(client, reference_data, riley):
    both = StaffFactory(username="both", roles=["Front desk", "Clinician"])
    intake = make_submission(
        first_name="Riley", last_name="Runner", email="riley.runner@example.com", date_of_birth=BORN
    )
    client.force_login(both)
    html = client.get(f"/desk/patients/{riley.pk}/").content.decode()
    assert f'href="/clinician/intake/{intake.pk}/"' in html


def test_contact_details_are_saved_with_a_message(desk, riley):
    data = {
        "first_name": "Riley",
        "last_name": "Runner-Smith",
        "email": "riley@example.org",
        "phone": "301-555-0999",
        "date_of_birth": "1990-04-23",
        "guardian_name": "",
        "guardian_phone": "",
        "guardian_email": "",
    }
    response = desk.post(f"/desk/patients/{riley.pk}/", data, follow=True)
    assert response.redirect_chain == [(f"/desk/patients/{riley.pk}/", 302)]
    assert "Contact details saved." in html_of(response)
    riley.refresh_from_db()
    assert (riley.last_name, riley.email, riley.phone) == (
        "Runner-Smith",
        "riley@example.org",
        "301-555-0999",
    )
    change = AuditEvent.objects.filter(action="view_patient", detail__startswith="contact").get()
    assert "email" in change.detail and "riley@" not in change.detail


def test_bad_contact_details_are_explained_next_to_the_field_and_kept(desk, riley):
    data = {
        "first_name": "Rylee",
        "last_name": "Runner",
        "email": "not-an-email",
        "phone": "301-555-0999",
        "date_of_birth": "1990-04-23",
    }
    response = desk.post(f"/desk/patients/{riley.pk}/", data)
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="id_email_error"' in html
    assert "Enter an email address like name@example.com." in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_email"' in html  # the error summary links to the field
    assert 'value="Rylee"' in html and 'value="301-555-0999"' in html
    riley.refresh_from_db()
    assert riley.first_name == "Riley" and riley.email == "Riley.Runner@example.com"


@pytest.mark.parametrize(
    "field, value", [("date_of_birth", "2999-01-01"), ("date_of_birth", "23/04"), ("phone", "12")]
)
def test_other_bad_contact_input_never_breaks_the_page(desk, riley, field, value):
    data = {
        "first_name": "Riley",
        "last_name": "Runner",
        "email": "riley@example.com",
        "phone": "301-555-0999",
        "date_of_birth": "1990-04-23",
        field: value,
    }
    response = desk.post(f"/desk/patients/{riley.pk}/", data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()


def test_each_view_of_a_patient_is_audited(desk, riley, front_desk_user):
    desk.get(f"/desk/patients/{riley.pk}/")
    desk.get(f"/desk/patients/{riley.pk}/")
    views = AuditEvent.objects.filter(action="view_patient", object_id=str(riley.pk))
    assert views.count() == 2
    event = views.first()
    assert event.user == front_desk_user and event.object_type == "booking.patient"
    desk.get("/desk/patients/", {"q": "riley"})  # the list shows no health data
    assert views.count() == 2


def test_unknown_patient_is_a_404(desk, reference_data):
    assert desk.get("/desk/patients/999999/").status_code == 404
    assert not AuditEvent.objects.filter(action="view_patient").exists()


@pytest.mark.parametrize("url", ["/desk/patients/", "/desk/patients/{pk}/"])
def test_role_matrix(client, riley, clinician_user, front_desk_user, url):
    audited = 0 if url == "/desk/patients/" else 1
    url = url.format(pk=riley.pk)
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(clinician_user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"first_name": "X"}).status_code == 403
    client.force_login(front_desk_user)
    assert client.get(url).status_code == 200
    # Only the front desk's view was written to the audit log.
    assert AuditEvent.objects.filter(action="view_patient").count() == audited


def test_patient_page_query_count_is_flat(desk, riley):
    bethesda = LocationFactory(name="Bethesda")
    mclean = LocationFactory(name="McLean", city="McLean", region="VA")

    def add_visits(count: int, offset: int) -> None:
        for n in range(count):
            start = timezone.now() + timedelta(days=offset + n)
            AppointmentFactory(
                patient=riley,
                location=bethesda if n % 2 else mclean,
                start=start,
                end=start + timedelta(hours=1),
                submission=make_submission(first_name="Riley") if n < 2 else None,
            )

    add_visits(2, 1)
    with CaptureQueriesContext(connection) as few:
        assert desk.get(f"/desk/patients/{riley.pk}/").status_code == 200
    add_visits(18, 10)
    assert Patient.objects.get(pk=riley.pk).appointments.count() == 20
    with CaptureQueriesContext(connection) as many:
        response = desk.get(f"/desk/patients/{riley.pk}/")
    assert len(response.context["appointments"]) == 20
    assert len(many) == len(few)
