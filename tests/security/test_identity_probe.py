"""No link or record by identity alone (issue #12): someone who knows a runner's first and last
name, email and date of birth gets neither their manage link nor a say over their record."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from assessments.models import Submission
from booking.models import Appointment, Patient
from itband.models import AuditEvent, OutboxMessage
from itband.outbox import outbox_relay
from tests.factories import booking_clinic, local_time, submitted_intake

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
    assert "Check your email" in html and "existing visit" not in html
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


# -- no flag oracle: a red flag found by the details typed looks like any other refusal ---------


def _main(html: str) -> str:
    body = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def _flag_victim(level: str = "urgent"):
    """The victim's red-flag intake of last week, with the address they gave (on file)."""
    flag = {"level": level, "code": "knee_locked", "title": "Locked knee", "advice": "Today."}
    return submitted_intake(
        result={"highest_flag": level, "flags": [flag], "booking_allowed": False},
        flag_rank=Submission.FLAG_RANKS[level],
        submitted_at=PINNED - timedelta(days=3),
        first_name="Vera",
        last_name="Victim",
        email="vera.private@example.com",
        date_of_birth=date(1985, 2, 3),
    )


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_a_red_flag_found_by_details_answers_like_an_existing_visit(clinic, victims_visit, level):
    """The probe learns nothing: the page for a red flag found by last name and date of birth is
    the page for a visit already held at that time, and the explanation goes to the address on
    file for the flagged intake (not the typed one), audited without contact details."""
    existing = book(Client(), clinic, visit_at(clinic, 10, 30), probe_details(), key="clash")
    intake = _flag_victim(level)
    typed = {**probe_details(), "email": "stranger@example.com"}
    refused = book(Client(), clinic, visit_at(clinic, 14, days=5), typed, key="flag")

    assert refused.status_code == existing.status_code == 200
    assert _main(refused.content.decode()) == _main(existing.content.decode())
    html = _main(refused.content.decode()).lower()
    for secret in ("emergency", "urgent", "flag", "doctor", "existing visit", "already"):
        assert secret not in html, secret
    assert Appointment.objects.count() == 1

    mail = OutboxMessage.objects.get(key__startswith="booking-refused:")
    assert mail.to == intake.email  # the address on file, never stranger@example.com
    assert not OutboxMessage.objects.filter(to="stranger@example.com").exists()
    assert clinic.location.phone in mail.body_text and "call" in mail.body_text
    for word in ("flag", "emergency", "urgent", "knee", "doctor"):
        assert word not in mail.subject.lower(), word
    event = AuditEvent.objects.get(
        action="booking_refused", object_type="assessments.submission", object_id=str(intake.pk)
    )
    for value in (intake.email, "stranger@example.com", VICTIM["phone"], "Victim", level):
        assert value.lower() not in event.detail.lower()


def test_the_refusal_email_is_once_per_intake_per_hour(clinic):
    _flag_victim()
    for n in range(4):
        book(Client(), clinic, visit_at(clinic, 14, days=5), probe_details(), key=f"f{n}")
    assert OutboxMessage.objects.filter(key__startswith="booking-refused:").count() == 1
    assert AuditEvent.objects.filter(action="booking_refused").count() == 4


def test_a_clean_intake_made_with_someones_email_reveals_no_flag(client, clinic):
    """A stranger's own clean intake typed with the victim's email is no key to the flag."""
    _flag_victim()
    clean = submitted_intake(email="vera.private@example.com", first_name="Mal")
    html = _main(client.get("/book/", {"intake": clean.token}).content.decode())
    assert "Check your email" in html and "/book/details/" not in html
    assert "doctor" not in html.lower() and "emergency" not in html.lower()
