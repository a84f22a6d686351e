"""Book for a caller, written for staff (issue 16): a desk note, and the self-assessment link
emailed to the patient, tied to the visit so the intake arrives before it."""

import re

import pytest
from django.urls import reverse

from assessments.models import Submission
from booking.models import Appointment
from itband.models import OutboxMessage
from tests.functional.test_desk_book import book_direct, clinic, day_in, desk  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_desk_sends_the_self_assessment_tied_to_the_visit(desk, clinic, client):  # noqa: F811
    appointment = book_direct(clinic, day_in(2), 10)
    url = f"/desk/appointments/{appointment.pk}/"
    assert "Send the self-assessment link" in desk.get(url).content.decode()
    desk.post(url, {"action": "send_intake"})
    appointment.refresh_from_db()
    draft = appointment.submission
    assert draft is not None and not draft.is_submitted
    assert (draft.first_name, draft.date_of_birth) == (
        appointment.patient.first_name,
        appointment.patient.date_of_birth,
    )
    email = OutboxMessage.objects.get(key__contains="intake-link")
    assert email.to == appointment.patient.email
    assert email.topic == f"appointment:{appointment.pk}"  # the visit's message log shows it
    assert reverse("assessments:resume", args=[draft.token]) in email.body_text
    assert (
        "Intake link sent"
        in desk.get("/desk/?date=" + appointment.start.date().isoformat()).content.decode()
    )
    # Again: the same draft's link, no second draft.
    desk.post(url, {"action": "send_intake"})
    assert Submission.objects.count() == 1


def test_no_link_once_the_intake_is_submitted(desk, clinic):  # noqa: F811
    appointment = book_direct(clinic, day_in(2), 10)
    desk.post(f"/desk/appointments/{appointment.pk}/", {"action": "send_intake"})
    Submission.objects.update(
        status=Submission.Status.SUBMITTED, submitted_at=appointment.created_at
    )
    html = desk.get(f"/desk/appointments/{appointment.pk}/").content.decode()
    assert "Send the self-assessment link" not in html
    response = desk.post(
        f"/desk/appointments/{appointment.pk}/", {"action": "send_intake"}, follow=True
    )
    assert "already has a submitted intake" in response.content.decode()
    assert OutboxMessage.objects.filter(key__contains="intake-link").count() == 1


def test_booking_for_a_caller_keeps_the_desk_note(desk, clinic):  # noqa: F811
    day = day_in(3)
    clinician = clinic.clinicians[0]
    start = book_direct(clinic, day, 9).start.replace(hour=11)
    query = {
        "patient": "new",
        "location": clinic.location.slug,
        "type": "initial-evaluation",
        "clinician": clinician.pk,
        "date": day.isoformat(),
        "start": start.isoformat(),
    }
    page = desk.get("/desk/book/", query).content.decode()
    assert f"with {clinician.display_name}" in page
    assert "your manage link" not in page and "I am the runner" not in page
    response = desk.post(
        "/desk/book/?" + "&".join(f"{k}={v}" for k, v in query.items()).replace("+", "%2B"),
        {
            "booking_key": "k1",
            "first_name": "Noa",
            "last_name": "Levi",
            "email": "noa@example.com",
            "phone": "(301) 555-0199",
            "date_of_birth": "1988-02-29",
            "desk_note": "Prefers mornings",
            "send_intake_link": "on",
        },
    )
    assert response.status_code == 302, re.findall(r"invalid-feedback.*", response.content.decode())
    booked = Appointment.objects.get(patient__email="noa@example.com")
    assert booked.desk_note == "Prefers mornings" and booked.clinician == clinician
    assert booked.submission is not None
    assert OutboxMessage.objects.filter(to="noa@example.com", key__contains="intake-link").exists()
