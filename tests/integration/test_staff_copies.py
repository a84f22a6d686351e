"""booking.schedule_cache.staff_copy: the desk's day and the review queue are kept per process,
and nothing a member of staff (or a runner) does is hidden by the copy: their own change shows
on the next page, another server's as soon as it publishes a generation, and what only time
changes (the "now" step, a hold running out, "waiting 5 min") when that time comes.

Transactional tests: inside a transaction the copy is never used, so the ordinary
(rolled-back) tests do not exercise it.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import schedule_cache
from booking.models import Appointment
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    booking_clinic,
    local_time,
    submitted_intake,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.date_sensitive]


@pytest.fixture
def clinic(reference_data):
    return booking_clinic()


@pytest.fixture
def desk(desk_client) -> Client:
    return desk_client


@pytest.fixture
def clinician(clinician_client) -> Client:
    return clinician_client


@pytest.fixture
def day():
    return timezone.localdate() + timedelta(days=3)


@pytest.fixture
def visit(clinic, day) -> Appointment:
    start = local_time(clinic.location, day, 9)
    return AppointmentFactory(
        patient=PatientFactory(first_name="Avery", last_name="Rossi"),
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        start=start,
        end=start + timedelta(hours=1),
    )


def day_page(desk, day) -> str:
    response = desk.get(f"/desk/?date={day.isoformat()}&location=bethesda")
    assert response.status_code == 200
    return response.content.decode()


def another_server_publishes(key=schedule_cache.RECORDS_KEY) -> None:
    """What another process's commit does: a new shared generation (no signal reaches us)."""
    caches[schedule_cache.CACHE_ALIAS].set(key, "from-another-server", timeout=None)


def test_the_day_is_read_once_then_kept(desk, visit, day):
    assert "Avery Rossi" in day_page(desk, day)
    with CaptureQueriesContext(connection) as queries:
        assert "Avery Rossi" in day_page(desk, day)
    assert not [q for q in queries if "booking_appointment" in q["sql"]]


def test_the_desks_own_check_in_shows_on_its_next_page(desk, visit, day):
    assert "Booked" in day_page(desk, day)
    desk.post(f"/desk/appointments/{visit.pk}/", {"action": "check_in"})
    page = day_page(desk, day)
    assert "Checked in" in page and ">Booked<" not in page


def test_another_servers_change_shows_once_it_publishes(desk, visit, day):
    assert "Avery Rossi" in day_page(desk, day)
    # Another server renames the patient: its rows change, no signal reaches this process...
    type(visit.patient).objects.filter(pk=visit.patient_id).update(first_name="Jordan")
    assert "Avery Rossi" in day_page(desk, day)  # ...so the copy is still shown
    another_server_publishes()  # until its commit publishes a records generation
    page = day_page(desk, day)
    assert "Jordan Rossi" in page and "Avery Rossi" not in page


def test_a_flagged_intake_shows_on_the_desks_next_page(desk, visit, day):
    assert "Red flag" not in day_page(desk, day)
    patient = visit.patient
    submitted_intake(
        first_name=patient.first_name,
        last_name=patient.last_name,
        email=patient.email,
        date_of_birth=patient.date_of_birth,
        highest_flag="urgent",
        result={"booking_allowed": False, "highest_flag": "urgent"},
    )
    assert "Red flag (urgent): not cleared" in day_page(desk, day)


def test_the_now_step_moves_on_with_the_clock(desk, front_desk_user, clinic, visit, pinned_clock):
    today = timezone.localdate()
    pinned_clock.move_to(local_time(clinic.location, today, 10, 5))
    desk.force_login(front_desk_user)  # signed in at 10:05 (hours from the pinned instant)
    page = day_page(desk, today)
    assert re.search(r'<tr class="[^"]*grid-now">\s*<th scope="row" class="grid-time">10:00', page)
    pinned_clock.move_to(local_time(clinic.location, today, 10, 16))  # inside the idle limit
    page = day_page(desk, today)
    assert re.search(
        r'<tr class="[^"]*grid-now">\s*<th[^>]*><span class="grid-quarter">10:15', page
    )


def test_the_queue_shows_a_new_intake_and_a_review_at_once(clinician, reference_data):
    first = submitted_intake(first_name="Casey")
    assert "Casey Strider" in clinician.get("/clinician/").content.decode()
    submitted_intake(first_name="Quinn", email="quinn@example.com")
    assert "Quinn Strider" in clinician.get("/clinician/").content.decode()
    response = clinician.post(f"/clinician/intake/{first.pk}/", {"action": "review"})
    assert response.status_code == 302
    queue = clinician.get("/clinician/").content.decode()
    assert "Casey Strider" not in queue and "Quinn Strider" in queue


def test_the_queues_waiting_time_follows_the_clock(clinician, reference_data, pinned_clock):
    submitted_intake(highest_flag="urgent", result={"booking_allowed": False})
    assert "waiting 0 min" in clinician.get("/clinician/").content.decode()
    pinned_clock.shift(timedelta(minutes=2))
    assert "waiting 2 min" in clinician.get("/clinician/").content.decode()


def test_nothing_is_kept_when_the_generations_cannot_be_read(desk, visit, day, monkeypatch):
    from django.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("cache table away")

    monkeypatch.setattr(caches[schedule_cache.CACHE_ALIAS], "get_many", broken)
    day_page(desk, day)
    type(visit.patient).objects.filter(pk=visit.patient_id).update(first_name="Jordan")
    assert "Jordan Rossi" in day_page(desk, day)


def test_the_queue_drops_a_visit_once_the_periodic_job_moves_it_past(clinician, clinic):
    """The periodic job writes next visits with update() (no signal): it publishes a records
    generation itself, or the queue would show a past visit as the next one."""
    from booking.services import submission_refresh_next_visit, submissions_move_past_visits

    intake = submitted_intake()
    start = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    AppointmentFactory(
        patient=PatientFactory(),
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        start=start,
        end=start + timedelta(hours=1),
        submission=intake,
    )
    submission_refresh_next_visit(submission_id=intake.pk)
    assert "None booked" not in clinician.get("/clinician/").content.decode()
    assert submissions_move_past_visits(now=start + timedelta(hours=3)) == 1
    assert "None booked" in clinician.get("/clinician/").content.decode()


def test_an_address_given_after_a_red_flag_shows_the_flag_on_the_desks_day(desk, visit, day):
    """A runner stopped at a red flag before giving an email asks for the link by email: the
    address is the one key that ties the flag to their visit."""
    from assessments.services import submission_email_link

    intake = submitted_intake(
        email="",
        last_name="Elsewhere",
        date_of_birth=visit.patient.date_of_birth.replace(year=1950),
        highest_flag="urgent",
        result={"booking_allowed": False, "highest_flag": "urgent"},
    )
    assert "Red flag" not in day_page(desk, day)
    submission_email_link(submission=intake, email=visit.patient.email)
    assert "Red flag (urgent): not cleared" in day_page(desk, day)


def test_the_writers_own_process_shows_its_change_even_if_publishing_fails(
    desk, visit, day, monkeypatch
):
    monkeypatch.setattr(schedule_cache, "_publish", lambda key: None)  # the shared cache away
    assert "Avery Rossi" in day_page(desk, day)
    visit.patient.first_name = "Jordan"
    visit.patient.save()
    assert "Jordan Rossi" in day_page(desk, day)


def test_paging_through_days_never_pushes_out_the_public_copies(desk, clinic, day, client):
    picker = "/book/?location=bethesda&type=initial-evaluation&clinician=any&safety=none"
    client.get(picker)
    with CaptureQueriesContext(connection) as queries:
        client.get(picker)
    kept = len(queries)
    for offset in range(schedule_cache.STAFF_MAX_ENTRIES + 10):
        day_page(desk, day + timedelta(days=offset))
    assert len(schedule_cache._staff_entries) == schedule_cache.STAFF_MAX_ENTRIES
    with CaptureQueriesContext(connection) as queries:
        client.get(picker)
    assert len(queries) == kept  # still served from the copies


def test_a_page_number_that_is_not_ascii_is_page_one(clinician, reference_data):
    submitted_intake()
    response = clinician.get("/clinician/", {"page": "²"})
    assert response.status_code == 200 and "Casey Strider" in response.content.decode()


def test_a_purged_draft_leaves_the_desks_day_at_once(desk, visit, day):
    """The desk sent an intake link; the draft is never finished and is purged (its visit
    keeps no intake, set by the database: no signal of the visit's)."""
    from django.conf import settings

    from assessments.services import drafts_purge_expired, submission_start

    visit.submission = submission_start()
    visit.save()
    assert "Intake link sent" in day_page(desk, day)
    later = timezone.now() + timedelta(days=settings.DRAFT_RETENTION_DAYS + 1)
    assert drafts_purge_expired(now=later) == 1
    page = day_page(desk, day)
    assert "Intake link sent" not in page and "No intake" in page


def test_the_clinic_pages_figures_are_read_again_after_their_five_minutes(
    client, reference_data, pinned_clock
):
    """Each process keeps the report it read from the shared cache (clinic.views.report_html)
    no longer than the shared copy's five minutes."""
    from itband.roles import CLINIC_LEAD
    from tests.factories import LocationFactory, StaffFactory

    LocationFactory(name="Bethesda")
    client.force_login(StaffFactory(username="lead1", roles=[CLINIC_LEAD]))
    for n in range(6):
        submitted_intake(email=f"r{n}@example.com", primary_driver="hip_mobility")
    row = '<th scope="row">Hip mobility</th><td>{}</td>'
    assert row.format(6) in client.get("/clinic/").content.decode()
    submitted_intake(email="r7@example.com", primary_driver="hip_mobility")
    assert row.format(6) in client.get("/clinic/").content.decode()  # kept
    pinned_clock.shift(timedelta(minutes=5, seconds=1))
    assert row.format(7) in client.get("/clinic/").content.decode()
