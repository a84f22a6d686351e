"""No link or record by identity alone (issue #12): someone who knows a runner's first and last
name, email and date of birth gets neither their manage link nor a say over their record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from booking.models import Appointment, Patient
from itband.models import OutboxMessage
from itband.outbox import outbox_relay
from tests.factories import booking_clinic, local_time

pytestmark = pytest.mark.django_db

# A Tuesday mid-morning in the clinic's zone (14:20 UTC), days before the visits below.
PINNED = datetime(2026, 5, 12, 14, 20, tzinfo=UTC)
VICTIM = {
    "first_name": "Vera",
    "last_name": "Victim",
    "email": "vera@example.com",
    "phone": "(301) 555-0111",
    "date_of_birth": "1985-02-03",
    "accept_policy": "on",
}


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(PINNED, tick=True):
        yield


@pytest.fixture
def clinic(reference_data, settings):
    settings.RATE_LIMITS_ENABLED = False
    return booking_clinic(clinicians=2)


def visit_at(clinic, hour: int, minute: int = 0, days: int = 4):
    return local_time(clinic.location, PINNED.date() + timedelta(days=days), hour, minute)


def book(client: Client, clinic, start, details: dict, key: str, type_slug="initial-evaluation"):
    data = {
        "location": clinic.location.slug,
        "type": type_slug,
        "clinician": "any",
        "start": start.isoformat(),
        "booking_key": key,
        "safety": "none",  # the cold /book/ safety question answered "None of these"
        **details,
    }
    return client.post("/book/details/", data)


@pytest.fixture
def victims_visit(clinic) -> Appointment:
    response = book(Client(), clinic, visit_at(clinic, 10), VICTIM, key="victim")
    assert response.status_code == 302
    return Appointment.objects.get()


def probe_details() -> dict:
    """The victim's four details as a stranger types them (any case), with their own phone."""
    return {
        **VICTIM,
        "first_name": "VERA",
        "last_name": "victim",
        "email": "Vera@Example.com",
        "phone": "(202) 555-0999",
    }


def test_an_overlapping_booking_with_someones_details_never_shows_their_visit(
    clinic, victims_visit
):
    stranger = Client()
    # 10:30 overlaps the victim's 10:00-11:00 visit (another clinician is free then).
    response = book(stranger, clinic, visit_at(clinic, 10, 30), probe_details(), key="probe")

    assert response.status_code == 200  # no redirect to anything of the victim's
    html = response.content.decode()
    assert "emailed the link to your existing visit to the address on file" in html
    assert victims_visit.manage_token not in html and "/book/manage/" not in html
    assert VICTIM["email"] not in html and VICTIM["phone"] not in html
    assert Appointment.objects.count() == 1
    # The link went to the address on file, and only there.
    link_mail = OutboxMessage.objects.get(key__contains="existing-link")
    assert link_mail.to == VICTIM["email"]
    assert victims_visit.manage_token in link_mail.body_text


def test_the_emailed_link_is_once_per_visit_per_hour(clinic, victims_visit):
    stranger = Client()
    for n in range(5):
        book(stranger, clinic, visit_at(clinic, 10, 15), probe_details(), key=f"p{n}")
    assert OutboxMessage.objects.filter(key__contains="existing-link").count() == 1
    with time_machine.travel(PINNED + timedelta(hours=1), tick=True):
        book(stranger, clinic, visit_at(clinic, 10, 15), probe_details(), key="later")
    assert OutboxMessage.objects.filter(key__contains="existing-link").count() == 2


def test_the_emailed_link_is_relayed_like_any_email(clinic, victims_visit, mailoutbox):
    book(Client(), clinic, visit_at(clinic, 10, 30), probe_details(), key="probe")
    outbox_relay()
    sent = [m for m in mailoutbox if "private link" in m.subject]
    assert [m.to for m in sent] == [[VICTIM["email"]]]
    assert victims_visit.manage_url in sent[0].body


def test_a_separate_booking_with_someones_details_changes_nothing_on_their_record(
    clinic, victims_visit
):
    guardian = {
        "guardian_name": "Mallory",
        "guardian_phone": "(202) 555-0998",
        "guardian_email": "mallory@example.com",
        "guardian_consent": "on",
    }
    response = book(
        Client(), clinic, visit_at(clinic, 14, days=5), {**probe_details(), **guardian}, key="x"
    )
    assert response.status_code == 302
    patient = Patient.objects.get()  # the same runner: one record
    assert patient.appointments.count() == 2
    assert (patient.phone, patient.guardian_email, patient.guardian_name) == (
        VICTIM["phone"],
        "",
        "",
    )
    # So no email of theirs goes anywhere but the address on file.
    assert set(OutboxMessage.objects.values_list("to", flat=True)) == {VICTIM["email"]}


def test_the_desk_updates_a_callers_details_deliberately(clinic, victims_visit, front_desk_user):
    desk = Client()
    desk.force_login(front_desk_user)
    patient = victims_visit.patient
    start = visit_at(clinic, 9, days=6)
    url = (
        f"/desk/book/?patient={patient.pk}&location={clinic.location.slug}"
        f"&type=initial-evaluation&clinician=any&start={start.isoformat()}"
    )
    data = {k: v for k, v in VICTIM.items() if k != "accept_policy"}
    response = desk.post(url, {**data, "phone": "(301) 555-0177", "booking_key": "desk"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.phone == "(301) 555-0177"
