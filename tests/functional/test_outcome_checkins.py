"""Outcome check-ins through their URLs: the opt-in at booking, the runner's check-in page (save
and resume, one submission, the course chart), and the clinician's outcomes page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import Appointment
from itband.models import AuditEvent
from outcomes.models import CheckIn, Enrolment
from outcomes.services import checkin_submit, enrolment_create
from tests.factories import (
    RUNNER_DETAILS,
    AppointmentFactory,
    booking_clinic,
    local_time,
)

pytestmark = pytest.mark.django_db

CHECKBOX = 'name="outcome_checkins"'
FULL_LEFS = {f"lefs_{n}": "3" for n in range(1, 21)}


@pytest.fixture
def clinic(reference_data):
    return booking_clinic()


def booking_form(clinic, slug="initial-evaluation", **extra):
    day = timezone.localdate() + timedelta(days=4)
    values = {
        "location": clinic.location.slug,
        "type": slug,
        "clinician": "any",
        "start": local_time(clinic.location, day, 10).isoformat(),
        "safety": "none",
    }
    return {**values, **extra}


# --- The opt-in at booking ---------------------------------------------------------------------
@pytest.mark.date_sensitive
def test_the_opt_in_is_offered_unticked_for_an_initial_evaluation(client, clinic):
    html = client.get("/book/details/", booking_form(clinic)).content.decode()
    box = re.search(r"<input[^>]*" + CHECKBOX + r"[^>]*>", html).group(0)
    assert "checked" not in box
    assert "Send me short check-ins at 2, 6 and 12 weeks" in html


@pytest.mark.date_sensitive
def test_no_opt_in_for_a_follow_up(client, clinic):
    html = client.get("/book/details/", booking_form(clinic, "follow-up")).content.decode()
    assert CHECKBOX not in html


@pytest.mark.date_sensitive
def test_booking_with_the_box_ticked_enrols_the_runner(client, clinic):
    response = client.post(
        "/book/details/", {**booking_form(clinic), **RUNNER_DETAILS, "outcome_checkins": "on"}
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert Enrolment.objects.get().appointment == appointment


@pytest.mark.date_sensitive
def test_booking_without_the_box_enrols_no_one(client, clinic):
    response = client.post("/book/details/", {**booking_form(clinic), **RUNNER_DETAILS})
    assert response.status_code == 302 and Appointment.objects.exists()
    assert not Enrolment.objects.exists()


@pytest.mark.date_sensitive
def test_a_ticked_box_sent_for_a_follow_up_enrols_no_one(client, clinic):
    client.post(
        "/book/details/",
        {**booking_form(clinic, "follow-up"), **RUNNER_DETAILS, "outcome_checkins": "on"},
    )
    assert Appointment.objects.exists() and not Enrolment.objects.exists()


# --- The runner's check-in page -----------------------------------------------------------------
@pytest.fixture
def enrolment(clinic):
    start = timezone.now() - timedelta(weeks=2)
    appointment = AppointmentFactory(
        start=start,
        end=start + timedelta(hours=1),
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        status=Appointment.Status.COMPLETED,
    )
    return enrolment_create(appointment=appointment)


@pytest.fixture
def week2(enrolment):
    return CheckIn.objects.create(enrolment=enrolment, kind=2, source=CheckIn.Source.EMAIL)


def test_the_check_in_page_is_private_and_has_44px_tap_scales(client, week2):
    response = client.get(week2.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert html.count('class="tap-scale-point"') == 11 + 20 * 5
    assert "A very great deal better" in html and "Rolling over in bed." in html
    assert client.get("/outcomes/c/not-a-real-token-at-all/").status_code == 404


def test_save_and_resume(client, week2):
    url = week2.get_absolute_url()
    saved = client.post(url, {"action": "save", "nprs": "6", "lefs_3": "2"})
    assert saved.status_code == 200 and "Your answers are saved" in saved.content.decode()
    week2.refresh_from_db()
    assert week2.draft == {"nprs": 6, "lefs_3": 2} and week2.submitted_at is None
    html = client.get(url).content.decode()
    assert re.search(r'name="nprs" id="id_nprs_6" value="6" checked', html)
    assert re.search(r'name="lefs_3" id="id_lefs_3_2" value="2" checked', html)


def test_submit_scores_it_once_and_a_second_submit_is_refused_politely(client, enrolment, week2):
    CheckIn.objects.create(
        enrolment=enrolment,
        kind=0,
        source=CheckIn.Source.CLINICIAN,
        submitted_at=timezone.now() - timedelta(weeks=2),
        nprs=7,
        lefs_total=40,
        running_status="not_running",
    )
    url = week2.get_absolute_url()
    answers = {**FULL_LEFS, "nprs": "4", "running_status": "full", "groc": "5"}
    response = client.post(url, {**answers, "action": "submit"})
    assert response.status_code == 302 and response["Location"] == url
    week2.refresh_from_db()
    assert (week2.nprs, week2.lefs_total, week2.running_status, week2.groc) == (4, 60, "full", 5)
    assert week2.instrument_versions["lefs"] == "1999"
    page = client.get(url).content.decode()
    assert 'role="img"' in page and '<title id="chart-nprs-title">' in page
    assert "Back to full training" in page
    assert "Meaningful change: 2 points less pain (5)" in page
    assert "Meaningful change: 9 points more function (49)" in page
    assert "<table" in page and "meaningful change</span>" in page
    again = client.post(url, {**answers, "nprs": "0", "action": "submit"})
    assert again.status_code == 409
    assert "already been sent" in again.content.decode()
    week2.refresh_from_db()
    assert week2.nprs == 4


def test_a_missing_answer_is_shown_and_the_others_kept(client, week2):
    response = client.post(week2.get_absolute_url(), {"action": "submit", "lefs_1": "4"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose your worst pain" in html and 'href="#id_nprs"' in html
    week2.refresh_from_db()
    assert week2.submitted_at is None and week2.draft == {"lefs_1": 4}


def test_more_than_two_lefs_items_missing_is_stored_but_not_scored(client, week2):
    answers = {f"lefs_{n}": "4" for n in range(1, 18)}
    client.post(
        week2.get_absolute_url(),
        {**answers, "nprs": "2", "running_status": "reduced", "groc": "3", "action": "submit"},
    )
    week2.refresh_from_db()
    assert week2.submitted_at is not None
    assert week2.lefs_total is None and week2.lefs_missing == 3
    assert "not scored (3 items missing)" in client.get(week2.get_absolute_url()).content.decode()


def test_the_tablet_baseline_shows_no_course_after_it_is_sent(client, enrolment):
    tablet = CheckIn.objects.create(enrolment=enrolment, kind=0, source=CheckIn.Source.TABLET)
    html = client.get(tablet.get_absolute_url()).content.decode()
    assert 'name="groc"' not in html
    client.post(
        tablet.get_absolute_url(),
        {**FULL_LEFS, "nprs": "6", "running_status": "reduced", "action": "submit"},
    )
    done = client.get(tablet.get_absolute_url()).content.decode()
    assert "hand the tablet back" in done and "<svg" not in done


def test_the_chart_page_costs_the_same_queries_with_more_check_ins(client, enrolment):
    def submitted(kind, nprs):
        checkin = CheckIn.objects.create(enrolment=enrolment, kind=kind, source="email")
        answers = {**FULL_LEFS, "nprs": nprs, "running_status": "reduced"}
        if kind:
            answers["groc"] = 2
        return checkin_submit(checkin=checkin, answers=answers)

    first = submitted(2, 5)
    client.get(first.get_absolute_url())  # warm: the layout's cached parts
    with CaptureQueriesContext(connection) as one:
        assert client.get(first.get_absolute_url()).status_code == 200
    submitted(0, 7)
    submitted(6, 3)
    submitted(12, 1)
    with CaptureQueriesContext(connection) as four:
        html = client.get(first.get_absolute_url()).content.decode()
    assert html.count("<circle") == 8  # 4 check-ins x 2 charts
    assert len(four) == len(one)


# --- The clinician's outcomes page -------------------------------------------------------------
def test_the_outcomes_page_needs_a_clinician(client, enrolment, front_desk_user):
    url = f"/outcomes/visit/{enrolment.appointment.pk}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(front_desk_user)
    assert client.get(url).status_code == 403


def test_the_clinician_records_the_baseline_and_sees_the_course(client, enrolment, clinician_user):
    client.force_login(clinician_user)
    url = f"/outcomes/visit/{enrolment.appointment.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert AuditEvent.objects.filter(action="view_patient", detail="outcomes").count() == 1
    recorded = client.post(
        url, {**FULL_LEFS, "nprs": "7", "running_status": "not_running", "action": "baseline"}
    )
    assert recorded.status_code == 302
    baseline = CheckIn.objects.get(kind=0)
    assert (baseline.nprs, baseline.lefs_total, baseline.recorded_by) == (7, 60, clinician_user)
    html = client.get(url).content.decode()
    assert "Record the baseline" not in html and 'role="img"' in html


def test_the_clinician_makes_a_one_time_tablet_link(client, enrolment, clinician_user):
    client.force_login(clinician_user)
    url = f"/outcomes/visit/{enrolment.appointment.pk}/"
    assert client.post(url, {"action": "tablet"}).status_code == 302
    tablet = CheckIn.objects.get(kind=0)
    assert tablet.source == CheckIn.Source.TABLET and tablet.submitted_at is None
    assert tablet.get_absolute_url() in client.get(url).content.decode()


def test_a_tablet_link_is_replaced_by_the_next_and_expires_with_the_day(
    client, enrolment, clinician_user, pinned_clock
):
    from datetime import timedelta

    client.force_login(clinician_user)
    url = f"/outcomes/visit/{enrolment.appointment.pk}/"
    client.post(url, {"action": "tablet"})
    first = CheckIn.objects.get(kind=0).get_absolute_url()
    client.post(url, {"action": "tablet"})
    second = CheckIn.objects.get(kind=0).get_absolute_url()
    assert first != second
    runner = type(client)()
    assert runner.get(first).status_code == 404  # the old one opens nothing
    assert runner.get(second).status_code == 200
    pinned_clock.shift(timedelta(days=1))
    expired = runner.get(second)
    assert (
        expired.status_code == 410
        and "ask your clinician for a new one" in expired.content.decode()
    )


def test_a_visit_without_consent_says_so(client, clinic, clinician_user):
    appointment = AppointmentFactory(
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
    )
    client.force_login(clinician_user)
    html = client.get(f"/outcomes/visit/{appointment.pk}/").content.decode()
    assert "did not ask for outcome check-ins" in html


def test_the_clinician_reaches_the_outcomes_page_from_the_schedule_and_the_intake(
    client, clinic, clinician_user
):
    from tests.assessment_data import make_submission

    intake = make_submission()
    start = local_time(clinic.location, timezone.localdate(), 15)
    appointment = AppointmentFactory(
        start=start,
        end=start + timedelta(hours=1),
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        submission=intake,
    )
    clinic.clinician.user = clinician_user
    clinic.clinician.save()
    client.force_login(clinician_user)
    link = f'href="/outcomes/visit/{appointment.pk}/"'
    assert link in client.get("/clinician/schedule/").content.decode()
    assert link in client.get(f"/clinician/intake/{intake.pk}/").content.decode()


def test_a_check_in_link_never_reaches_a_log():
    from itband.logs import redact_private_links

    line = redact_private_links('"GET /outcomes/c/AbCdEfGhIjKlMnOpQrStUv_-12/ HTTP/1.1" 200')
    assert "AbCdEf" not in line and "/outcomes/c/[token]/" in line
