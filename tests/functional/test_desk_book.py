"""The front desk's appointment book through its URLs."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from booking.models import Appointment, AppointmentEvent
from booking.selectors import available_slots
from itband.models import AuditEvent, OutboxMessage
from tests.assessment_data import make_submission
from tests.factories import AppointmentFactory, PatientFactory, booking_clinic, local_time

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clinic(reference_data):
    return booking_clinic(clinicians=2)


@pytest.fixture
def desk(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


def day_in(days: int):
    return timezone.localdate() + timedelta(days=days)


def book_direct(clinic, day, hour, clinician=None, **extra):
    start = local_time(clinic.location, day, hour)
    return AppointmentFactory(
        clinician=clinician or clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        start=start,
        end=start + timedelta(minutes=60),
        **extra,
    )


@pytest.mark.parametrize(
    "url", ["/desk/", "/desk/week/", "/desk/book/", "/desk/export.csv", "/desk/appointments/{pk}/"]
)
def test_desk_pages_need_the_front_desk_role(client, clinic, clinician_user, front_desk_user, url):
    appointment = book_direct(clinic, day_in(2), 9)
    url = url.format(pk=appointment.pk)
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(clinician_user)
    assert client.get(url).status_code == 403
    client.force_login(front_desk_user)
    assert client.get(url).status_code == 200


@pytest.mark.date_sensitive
def test_day_view_shows_clinicians_as_columns_with_intake_state(desk, clinic):
    day = day_in(2)
    flagged = make_submission(first_name="Ava")
    flagged.highest_flag = "soft"
    flagged.save()
    book_direct(clinic, day, 9, patient=PatientFactory(first_name="Maya", last_name="Brooks"))
    book_direct(
        clinic,
        day,
        10,
        clinician=clinic.clinicians[1],
        patient=PatientFactory(first_name="Ava", last_name="Nguyen"),
        submission=flagged,
    )
    response = desk.get(f"/desk/?date={day:%Y-%m-%d}&location={clinic.location.slug}")
    html = response.content.decode()
    assert response["Cache-Control"].startswith("no-store")
    columns = response.context["book"].columns
    assert [c.clinician for c in columns] == sorted(clinic.clinicians, key=lambda c: c.display_name)
    assert "Maya Brooks" in html and "Ava Nguyen" in html
    assert "9:00 AM" in html
    assert "Intake: review flag" in html and "No intake" in html
    assert "Outside of the knee" not in html  # never the answers


def test_day_view_query_count_is_flat(
    desk, clinic, django_assert_num_queries, django_assert_max_num_queries
):
    day = day_in(2)
    for i in range(5):
        book_direct(clinic, day, 8 + i)
    url = f"/desk/?date={day:%Y-%m-%d}"
    with django_assert_max_num_queries(20) as few:
        desk.get(url)
    start = local_time(clinic.location, day, 8)
    for i in range(145):
        s = start + timedelta(minutes=5 * i)
        AppointmentFactory(
            clinician=clinic.clinicians[i % 2],
            location=clinic.location,
            start=s,
            end=s + timedelta(minutes=5),
            appointment_type=clinic.types["follow-up"],
            status=Appointment.Status.CANCELLED_PATIENT,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = desk.get(url)
    assert sum(len(c.appointments) for c in response.context["book"].columns) == 150


@pytest.mark.date_sensitive
def test_check_in_complete_and_no_show_are_recorded_with_who(desk, clinic, front_desk_user):
    appointment = book_direct(clinic, day_in(0), 23)
    url = f"/desk/appointments/{appointment.pk}/"
    desk.post(url, {"action": "check_in"})
    desk.post(url, {"action": "complete"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.COMPLETED
    assert appointment.status_changed_by == front_desk_user
    kinds = list(
        AppointmentEvent.objects.filter(appointment=appointment).values_list("to_status", flat=True)
    )
    assert kinds[-2:] == ["checked_in", "completed"]
    other = book_direct(clinic, day_in(0), 22, clinician=clinic.clinicians[1])
    desk.post(f"/desk/appointments/{other.pk}/", {"action": "no_show"})
    other.refresh_from_db()
    assert other.status == Appointment.Status.NO_SHOW
    # A finished visit cannot be checked in again: a message, not an error page.
    response = desk.post(url, {"action": "check_in"}, follow=True)
    assert response.status_code == 200
    assert "cannot become" in response.content.decode()


@pytest.mark.date_sensitive
def test_cancel_inside_the_cutoff_is_a_late_cancel_and_emails(desk, clinic):
    soon = timezone.now() + timedelta(hours=5)
    appointment = AppointmentFactory(
        clinician=clinic.clinician,
        location=clinic.location,
        start=soon,
        end=soon + timedelta(hours=1),
        appointment_type=clinic.types["initial-evaluation"],
    )
    response = desk.post(
        f"/desk/appointments/{appointment.pk}/", {"action": "cancel", "by": "desk"}
    )
    assert response.status_code == 400
    assert "Please give a reason." in response.content.decode()
    desk.post(
        f"/desk/appointments/{appointment.pk}/",
        {"action": "cancel", "by": "desk", "reason": "Sick"},
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.LATE_CANCEL
    assert OutboxMessage.objects.filter(topic=f"appointment:{appointment.pk}").exists()


def test_cancel_by_clinic(desk, clinic):
    appointment = book_direct(clinic, day_in(5), 8)
    desk.post(
        f"/desk/appointments/{appointment.pk}/",
        {"action": "cancel", "by": "clinic", "reason": "Clinician ill"},
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED_CLINIC


@pytest.mark.date_sensitive
def test_reschedule_to_a_free_slot_notifies_the_patient(desk, clinic):
    appointment = book_direct(clinic, day_in(3), 9)
    page = desk.get(f"/desk/appointments/{appointment.pk}/reschedule/")
    assert page.status_code == 200
    new_start = local_time(clinic.location, day_in(4), 14)
    response = desk.post(
        f"/desk/appointments/{appointment.pk}/reschedule/",
        {"start": new_start.isoformat(), "clinician": "any"},
    )
    assert response["Location"] == f"/desk/appointments/{appointment.pk}/"
    appointment.refresh_from_db()
    assert appointment.start == new_start
    assert OutboxMessage.objects.filter(
        topic=f"appointment:{appointment.pk}", key__contains="reschedule"
    ).exists()


@pytest.mark.date_sensitive
def test_reschedule_onto_a_taken_time_says_so(desk, clinic):
    appointment = book_direct(clinic, day_in(3), 9)
    taken = book_direct(clinic, day_in(4), 14)
    book_direct(clinic, day_in(4), 14, clinician=clinic.clinicians[1])
    response = desk.post(
        f"/desk/appointments/{appointment.pk}/reschedule/",
        {"start": taken.start.isoformat(), "clinician": "any"},
        follow=True,
    )
    assert (
        "just taken" in response.content.decode()
        or "no longer available" in response.content.decode()
    )
    appointment.refresh_from_db()
    assert appointment.start == local_time(clinic.location, day_in(3), 9)


def slot_for(clinic, days=3):
    return available_slots(
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        start_date=day_in(days),
        end_date=day_in(days),
    )[0]


@pytest.mark.date_sensitive
def test_book_for_a_caller_with_matching_intake(desk, clinic, front_desk_user):
    patient = PatientFactory(
        first_name="Maya", last_name="Brooks", email="maya@example.com", phone="(301) 555-0142"
    )
    results = desk.get("/desk/book/?q=555-0142").content.decode()
    assert "Maya Brooks" in results
    intake = make_submission(
        first_name="Maya",
        last_name="Brooks",
        email="maya@example.com",
        date_of_birth=patient.date_of_birth,
    )
    slot = slot_for(clinic)
    url = (
        f"/desk/book/?patient={patient.pk}&location={clinic.location.slug}"
        f"&type=initial-evaluation&clinician=any&start={slot.start.isoformat()}"
    )
    page = desk.get(url).content.decode()
    assert 'value="Maya"' in page and f'value="{intake.pk}"' in page
    data = {
        "first_name": "Maya",
        "last_name": "Brooks",
        "email": "maya@example.com",
        "phone": "(301) 555-0142",
        "date_of_birth": patient.date_of_birth.isoformat(),
        "intake": str(intake.pk),
        "booking_key": "k1",
    }
    response = desk.post(url, data)
    appointment = Appointment.objects.get()
    assert response["Location"] == f"/desk/appointments/{appointment.pk}/"
    assert appointment.source == Appointment.Source.DESK
    assert appointment.booked_by == front_desk_user
    assert appointment.submission == intake
    assert appointment.patient == patient
    desk.post(url, data)  # a double click books once
    assert Appointment.objects.count() == 1


def test_intake_is_not_attached_when_the_birth_date_differs(desk, clinic):
    intake = make_submission(
        first_name="Maya",
        last_name="Brooks",
        email="maya@example.com",
        date_of_birth=date(1991, 6, 15),
    )
    slot = slot_for(clinic)
    url = (
        f"/desk/book/?patient=new&location={clinic.location.slug}"
        f"&type=initial-evaluation&clinician=any&start={slot.start.isoformat()}"
    )
    response = desk.post(
        url,
        {
            "first_name": "Maya",
            "last_name": "Brooks",
            "email": "maya@example.com",
            "phone": "(301) 555-0142",
            "date_of_birth": "1990-01-01",
            "intake": str(intake.pk),
        },
    )
    assert response.status_code == 400
    assert "do not match" in response.content.decode()
    assert not Appointment.objects.exists()


def test_resend_confirmation_queues_a_copy(desk, clinic):
    from booking.services import PatientDetails, appointment_book

    slot = slot_for(clinic)
    appointment = appointment_book(
        start=slot.start,
        appointment_type=clinic.types["initial-evaluation"],
        location=clinic.location,
        clinician=None,
        patient=PatientDetails(
            "Maya",
            "Brooks",
            "maya@example.com",
            "3015550142",
            date(1990, 6, 15),
        ),
    )
    before = OutboxMessage.objects.filter(topic=f"appointment:{appointment.pk}").count()
    desk.post(f"/desk/appointments/{appointment.pk}/", {"action": "resend"})
    assert OutboxMessage.objects.filter(topic=f"appointment:{appointment.pk}").count() == before + 1
    html = desk.get(f"/desk/appointments/{appointment.pk}/").content.decode()
    assert html.count("maya@example.com") >= 2  # the message log lists both emails


@pytest.mark.date_sensitive
def test_csv_export_has_what_the_desk_needs_and_is_audited(desk, clinic):
    day = day_in(2)
    book_direct(
        clinic, day, 9, patient=PatientFactory(first_name="=HYPERLINK(1)", last_name="Brooks")
    )
    response = desk.get(
        f"/desk/export.csv?start={day:%Y-%m-%d}&end={day:%Y-%m-%d}&location={clinic.location.slug}"
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["date", "start", "end"]
    assert len(rows) == 2
    assert rows[1][1] == "09:00"
    assert rows[1][7] == "'=HYPERLINK(1)"  # no formula injection into spreadsheets
    assert AuditEvent.objects.filter(action="export").count() == 1
    earlier = day - timedelta(days=9)
    bad = desk.get(f"/desk/export.csv?start={day:%Y-%m-%d}&end={earlier:%Y-%m-%d}")
    assert bad.status_code == 400 and "before the start" in bad.content.decode()
