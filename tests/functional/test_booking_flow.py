"""The public booking flow through its URLs, without JavaScript."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.core import mail
from django.utils import timezone

from booking.models import Appointment, Patient
from itband.models import OutboxMessage
from itband.outbox import outbox_relay
from tests.factories import (
    RUNNER_DETAILS,
    AppointmentFactory,
    booking_clinic,
    local_time,
    submitted_intake,
)

pytestmark = pytest.mark.django_db(transaction=True)

DETAILS = RUNNER_DETAILS


@pytest.fixture
def clinic(reference_data):
    return booking_clinic()


@pytest.fixture
def day() -> date:
    return timezone.localdate() + timedelta(days=4)


def links(html: str, prefix: str) -> list[str]:
    return [unescape(href) for href in re.findall(rf'href="({re.escape(prefix)}[^"]*)"', html)]


def selection(clinic, start, **extra) -> dict:
    values = {
        "location": clinic.location.slug,
        "type": "initial-evaluation",
        "clinician": "any",
        "start": start.isoformat(),
        "safety": "none",  # the safety question answered "None of these"
    }
    values.update(extra)
    return values


def picked(clinic) -> dict:
    """A clinic and an initial visit picked, the safety question answered "None of these"."""
    return {"location": clinic.location.slug, "type": "initial-evaluation", "safety": "none"}


def post_details(client, clinic, start, **extra):
    return client.post("/book/details/", {**selection(clinic, start), **DETAILS, **extra})


@pytest.mark.date_sensitive
def test_the_whole_flow_without_javascript(client, clinic, day, settings):
    settings.SITE_URL = "https://clinic.example"
    # Without a self-assessment, the safety question comes first.
    screen = client.get("/book/")
    assert screen.status_code == 200 and "Before you book" in screen.content.decode()
    answered = client.post("/book/", {"location": clinic.location.slug, "signs": ["none"]})
    assert answered.status_code == 302 and "safety=none" in answered["Location"]
    start_page = client.get(answered["Location"])
    assert start_page.status_code == 200
    html = start_page.content.decode()
    assert clinic.location.address in html  # the clinic is chosen with its address
    assert "First available" in html

    picker = client.get("/book/", {**picked(clinic), "date": day.isoformat()})
    html = picker.content.decode()
    assert 'aria-current="date"' in html
    time_links = links(html, "/book/details/")
    assert time_links
    ten = next(link for link in time_links if "T10%3A00" in link)

    details_page = client.get(ten)
    assert details_page.status_code == 200
    html = details_page.content.decode()
    assert "10:00 AM" in html and "Initial running evaluation" in html
    key = re.search(r'name="booking_key" value="([^"]+)"', html).group(1)

    response = post_details(client, clinic, local_time(clinic.location, day, 10), booking_key=key)
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/book/manage/{appointment.manage_token}/"
    manage = client.get(response["Location"])
    html = manage.content.decode()
    assert "You&#x27;re booked" in html or "You're booked" in html
    assert "10:00 AM" in html and clinic.clinician.display_name in html
    assert manage["Cache-Control"].startswith("no-store")
    assert manage["Referrer-Policy"] == "no-referrer"

    # Reloading the confirmation sends nothing again.
    client.get(response["Location"])
    assert OutboxMessage.objects.count() == 1
    outbox_relay()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["riley@example.com"]
    assert email.subject.startswith("You're booked: Initial running evaluation")
    assert "10:00 AM" in email.subject
    body = email.body
    assert "10:00 AM (E" in body  # local clinic time with its zone (EST/EDT)
    assert clinic.location.address in body and clinic.location.phone in body
    assert "running shoes you train in" in body and "shorts" in body.lower()
    assert f"https://clinic.example/book/manage/{appointment.manage_token}/" in body
    html_body = email.alternatives[0][0]
    assert f"/book/manage/{appointment.manage_token}/" in html_body
    filename, content, mimetype = email.attachments[0]
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content and "METHOD:REQUEST" in content


@pytest.mark.date_sensitive
def test_days_without_free_times_are_not_offered(client, clinic, day):
    closed = clinic.location.closures.create(date=day, reason="Holiday")
    html = client.get("/book/", picked(clinic)).content.decode()
    assert f"date={closed.date.isoformat()}" not in html
    assert f"date={(day + timedelta(days=1)).isoformat()}" in html


@pytest.mark.date_sensitive
def test_the_day_list_counts_the_chosen_days_times(client, clinic, day):
    html = client.get("/book/", {**picked(clinic), "date": day.isoformat()}).content.decode()
    hidden = re.findall(r'<span class="visually-hidden">, ([^<]*)</span></a></li>', html)
    times = links(html, "/book/details/")
    # The chosen day tells its number of times; the others only that they have some.
    assert hidden.count(f"{len(times)} free times") == 1
    assert hidden.count("free times") == len(hidden) - 1 >= 1


@pytest.mark.date_sensitive
def test_a_minor_needs_a_guardian(client, clinic, day):
    start = local_time(clinic.location, day, 10)
    sixteen = date(day.year - 16, 1, 15).isoformat()
    response = post_details(client, clinic, start, date_of_birth=sixteen)
    assert response.status_code == 200
    html = response.content.decode()
    assert "a parent or guardian&#x27;s name is needed" in html
    assert 'id="id_guardian_name_error"' in html
    assert 'aria-describedby="id_guardian_name_error"' in html
    assert not Appointment.objects.exists()

    response = post_details(
        client,
        clinic,
        start,
        date_of_birth=sixteen,
        guardian_name="Pat Parent",
        guardian_phone="(301) 555-0177",
        guardian_consent="on",
    )
    assert response.status_code == 302
    patient = Patient.objects.get()
    assert patient.guardian_name == "Pat Parent" and patient.guardian_consent_at


def test_bad_input_is_explained_next_to_the_field_and_answers_are_kept(client, clinic, day):
    start = local_time(clinic.location, day, 10)
    response = post_details(
        client, clinic, start, email="not-an-email", date_of_birth="31/31/1990", accept_policy=""
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'id="id_email_error"' in html and 'id="id_date_of_birth_error"' in html
    assert "Please accept the cancellation policy" in html
    assert 'value="Riley"' in html and 'value="not-an-email"' in html
    assert 'aria-invalid="true"' in html
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"location": "nowhere", "type": "initial-evaluation", "date": "2026-13-45"},
        {"location": "bethesda", "type": "bogus", "clinician": "'; drop table"},
        {
            "location": "bethesda",
            "type": "initial-evaluation",
            "from": "yesterday",
            "clinician": "999",
            "safety": "none",
        },
        {"intake": "x" * 500},
    ],
)
def test_garbage_in_the_picker_never_breaks_it(client, clinic, params):
    assert client.get("/book/", params).status_code == 200
    assert client.get("/book/", {**params, "fragment": "1"}).status_code == 200


def test_garbage_in_the_details_never_breaks_it(client, clinic):
    assert client.get("/book/details/", {"start": "garbage"}).status_code == 302
    response = client.get(
        "/book/details/",
        {**picked(clinic), "start": "nope"},
    )
    assert response.status_code == 302
    response = client.post(
        "/book/details/",
        {**picked(clinic), "start": "2026-01-01"},
    )
    assert response.status_code == 200  # a naive time is no time: choose one, nothing booked
    assert not Appointment.objects.exists()


@pytest.mark.date_sensitive
def test_a_time_just_taken_offers_fresh_times_and_keeps_the_details(client, clinic, day):
    start = local_time(clinic.location, day, 10)
    AppointmentFactory(clinician=clinic.clinician, location=clinic.location, start=start)
    response = post_details(client, clinic, start, booking_key="k1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "That time was just taken" in html
    assert 'value="Riley"' in html and 'value="riley@example.com"' in html
    fresh = re.findall(r'name="start" id="start-\d+" value="([^"]+)"', html)
    assert fresh and start.isoformat() not in fresh
    response = client.post(
        "/book/details/",
        {**selection(clinic, start), **DETAILS, "start": fresh[0], "booking_key": "k1"},
    )
    assert response.status_code == 302
    assert Appointment.objects.filter(patient__email="riley@example.com").count() == 1


def test_a_double_submit_books_once(client, clinic, day):
    start = local_time(clinic.location, day, 10)
    first = post_details(client, clinic, start, booking_key="same-key")
    second = post_details(client, clinic, start, booking_key="same-key")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Appointment.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("flag", "advice"),
    [("emergency", "emergency department now"), ("urgent", "urgent care center today")],
)
def test_an_urgent_intake_blocks_online_booking(client, clinic, day, flag, advice):
    intake = submitted_intake(
        result={
            "booking_allowed": False,
            "recommended_appointment": None,
            "highest_flag": flag,
            "flags": [{"level": flag, "code": "x", "title": "Night pain", "advice": "Get seen."}],
        }
    )
    response = client.get("/book/", {"intake": intake.token})
    assert response.status_code == 200
    html = response.content.decode()
    assert advice in html and "Night pain" in html
    assert clinic.location.phone in html
    assert "/book/details/" not in html
    assert response["Referrer-Policy"] == "no-referrer"
    response = post_details(
        client, clinic, local_time(clinic.location, day, 10), intake=intake.token
    )
    assert response.status_code == 200 and advice in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.date_sensitive
def test_an_intake_prefills_the_type_and_the_details(client, clinic, day):
    intake = submitted_intake()
    html = client.get("/book/", {"intake": intake.token}).content.decode()
    assert re.search(
        r'value="initial-evaluation-gait" id="type-initial-evaluation-gait" checked'
        r' aria-describedby="type-initial-evaluation-gait-about"',
        html,
    )
    assert re.search(r'value="initial-evaluation" id="type-initial-evaluation" aria', html)
    assert re.search(
        r'for="type-initial-evaluation-gait"><strong>[^<]+</strong> \(90 min\) '
        r'<span class="badge text-bg-success">Recommended for you</span>',
        html,
    )
    detail_link = next(
        link
        for link in links(
            client.get(
                "/book/",
                {"intake": intake.token, "location": clinic.location.slug, "date": day.isoformat()},
            ).content.decode(),
            "/book/details/",
        )
    )
    assert "type=initial-evaluation-gait" in detail_link and intake.token in detail_link
    html = client.get(detail_link).content.decode()
    assert 'value="Casey"' in html and 'value="casey@example.com"' in html
    assert 'value="1988-06-01"' in html
    start = local_time(clinic.location, day, 10)
    response = post_details(
        client, clinic, start, type="initial-evaluation-gait", intake=intake.token
    )
    appointment = Appointment.objects.get()
    assert appointment.submission == intake
    assert appointment.end - appointment.start == timedelta(minutes=90)
    assert response.status_code == 302


def booked(clinic, start, **overrides) -> Appointment:
    return AppointmentFactory(
        clinician=clinic.clinician, location=clinic.location, start=start, **overrides
    )


@pytest.mark.date_sensitive
def test_cancel_through_the_manage_link(client, clinic, day):
    appointment = booked(clinic, local_time(clinic.location, day, 10))
    url = f"/book/manage/{appointment.manage_token}/"
    html = client.get(url).content.decode()
    assert "Cancel this appointment" in html and "Choose a new time" in html
    response = client.post(url + "cancel/", {"reason": "Injured my ankle"})
    assert response.status_code == 302 and response["Location"] == url
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED_PATIENT
    assert appointment.cancellation_reason == "Injured my ankle"
    html = client.get(url).content.decode()
    assert "This appointment is cancelled" in html
    outbox_relay()
    assert mail.outbox[0].subject.startswith("Cancelled:")
    assert "METHOD:CANCEL" in mail.outbox[0].attachments[0][1]


@pytest.mark.date_sensitive
def test_inside_the_cutoffs_the_page_says_call_the_clinic(client, clinic):
    appointment = booked(clinic, timezone.now() + timedelta(hours=6))
    url = f"/book/manage/{appointment.manage_token}/"
    html = client.get(url).content.decode()
    assert f'Please call the clinic at <a href="tel:{clinic.location.phone}">' in html
    assert "Cancel this appointment" not in html and "Choose a new time" not in html
    response = client.post(url + "cancel/", {"reason": "late"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert "Please call the clinic" in client.get(url).content.decode()
    assert client.get(url + "reschedule/").status_code == 302


@pytest.mark.date_sensitive
def test_cancel_and_reschedule_have_their_own_cutoffs(client, clinic, settings):
    settings.BOOKING_CANCEL_CUTOFF_HOURS = 48
    settings.BOOKING_RESCHEDULE_CUTOFF_HOURS = 12
    appointment = booked(clinic, timezone.now() + timedelta(hours=30))
    html = client.get(f"/book/manage/{appointment.manage_token}/").content.decode()
    assert "Choose a new time" in html
    assert "Cancel this appointment" not in html
    assert "too close to your visit to cancel online" in html


@pytest.mark.date_sensitive
def test_reschedule_through_the_manage_link(client, clinic, day):
    intake = submitted_intake()
    appointment = booked(clinic, local_time(clinic.location, day, 10), submission=intake)
    base = f"/book/manage/{appointment.manage_token}/reschedule/"
    html = client.get(base, {"date": (day + timedelta(days=1)).isoformat()}).content.decode()
    pick = next(link for link in links(html, base) if "T14%3A00" in link)
    html = client.get(pick).content.decode()
    assert "Move your visit to" in html and "2:00 PM" in html
    new_start = local_time(clinic.location, day + timedelta(days=1), 14)
    response = client.post(base, {"start": new_start.isoformat(), "clinician": "any"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == new_start
    assert appointment.sequence == 1 and appointment.submission == intake
    outbox_relay()
    assert mail.outbox[0].subject.startswith("New time:")
    assert "SEQUENCE:1" in mail.outbox[0].attachments[0][1]


@pytest.mark.date_sensitive
def test_reschedule_to_a_taken_time_shows_fresh_times(client, clinic, day):
    appointment = booked(clinic, local_time(clinic.location, day, 10))
    other = booked(clinic, local_time(clinic.location, day, 14))
    base = f"/book/manage/{appointment.manage_token}/reschedule/"
    response = client.post(base, {"start": other.start.isoformat(), "clinician": "any"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That time was just taken" in html
    assert links(html, base)  # fresh times to pick from
    appointment.refresh_from_db()
    assert appointment.start == local_time(clinic.location, day, 10)


def test_unknown_or_expired_tokens_are_a_friendly_404(client, clinic):
    for url in ("/book/manage/nope/", "/book/manage/nope/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()
    assert client.post("/book/manage/nope/cancel/").status_code == 404
    old = booked(clinic, timezone.now() - timedelta(days=200))
    assert client.get(f"/book/manage/{old.manage_token}/").status_code == 404


def test_token_pages_are_private(client, clinic, day):
    appointment = booked(clinic, local_time(clinic.location, day, 10))
    token = appointment.manage_token
    for url in (
        f"/book/manage/{token}/",
        f"/book/manage/{token}/reschedule/",
        f"/book/manage/{token}/calendar.ics",
        f"/book/?intake={submitted_intake().token}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.date_sensitive
def test_the_calendar_download(client, clinic, day):
    appointment = booked(clinic, local_time(clinic.location, day, 10))
    response = client.get(f"/book/manage/{appointment.manage_token}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode()
    assert f"UID:appointment-{appointment.uid}@cohenhealth.example" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:America/New_York" in text
    assert "DTSTART;TZID=America/New_York:" + day.strftime("%Y%m%d") + "T100000" in text


def test_the_picker_fragment_is_a_partial(client, clinic):
    response = client.get("/book/", {**picked(clinic), "fragment": "1"})
    html = response.content.decode()
    assert 'id="slot-results"' in html and "<html" not in html
    assert links(html, "/book/details/")


def test_public_booking_posts_are_rate_limited(client, clinic, settings, day):
    settings.RATE_LIMIT_PER_HOUR = 2
    for _ in range(2):
        client.post("/book/details/", {})
    response = client.post("/book/details/", {})
    assert response.status_code == 429


def test_a_chosen_clinician_who_left_the_clinic_is_never_swapped_silently(client, clinic, day):
    """The runner picked a clinician who has since stopped taking bookings at this clinic: the
    booking is not made with someone else; the details stay and other times are offered."""
    other = booking_clinic(clinicians=2, location=clinic.location).clinicians[1]
    start = local_time(clinic.location, day, 10)
    chosen = selection(clinic, start, clinician=str(other.pk))
    assert client.get("/book/details/", chosen).status_code == 200
    other.locations.remove(clinic.location)

    page = client.get("/book/details/", chosen, follow=True)
    assert "not taking bookings at this clinic" in page.content.decode()

    response = client.post("/book/details/", {**chosen, **DETAILS})
    html = response.content.decode()
    assert response.status_code == 200
    assert "not taking bookings at this clinic" in html
    assert 'value="Riley"' in html  # the details are kept
    assert not Appointment.objects.exists()
