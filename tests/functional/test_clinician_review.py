"""The clinician's review workspace through its URLs, and who may open it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.models import ClinicianNote, Submission
from itband.models import AuditEvent
from tests.assessment_data import WEAK_GLUTES, make_submission, with_changes

pytestmark = pytest.mark.django_db

EMERGENCY = with_changes(WEAK_GLUTES, safety_check={"safety_emergency": ["calf_clot"]})
URGENT = with_changes(WEAK_GLUTES, safety_check={"safety_urgent": ["knee_locked"]})
SOFT = with_changes(WEAK_GLUTES, safety_check={"safety_soft": ["giving_way"]})


def login(client, user):
    client.force_login(user)


@pytest.mark.date_sensitive
def test_queue_lists_red_flags_first_then_oldest(client, clinician_user):
    plain_old = make_submission(first_name="Plain", last_name="Old")
    soft = make_submission(SOFT, first_name="Soft")
    emergency = make_submission(EMERGENCY, first_name="Emergency")
    urgent = make_submission(URGENT, first_name="Urgent")
    plain_new = make_submission(first_name="Plain", last_name="New")
    Submission.objects.filter(pk=plain_old.pk).update(
        submitted_at=timezone.now() - timedelta(days=2)
    )
    login(client, clinician_user)
    response = client.get("/clinician/")
    order = [s.pk for s in response.context["intakes"]]
    assert order == [emergency.pk, urgent.pk, soft.pk, plain_old.pk, plain_new.pk]
    counts = response.context["counts"]
    assert counts["awaiting"] == 5 and counts["flagged"] == 3


@pytest.mark.date_sensitive
def test_reviewed_intakes_leave_the_queue_and_show_under_reviewed(client, clinician_user):
    intake = make_submission(first_name="Riley")
    login(client, clinician_user)
    client.post(f"/clinician/intake/{intake.pk}/", {"action": "review"})
    intake.refresh_from_db()
    assert intake.reviewed_by == clinician_user and intake.reviewed_at
    assert list(client.get("/clinician/").context["intakes"]) == []
    reviewed = client.get("/clinician/?state=reviewed").context["intakes"]
    assert [s.pk for s in reviewed] == [intake.pk]


def test_intake_detail_shows_scores_reasons_answers_and_is_audited(client, clinician_user):
    intake = make_submission(
        with_changes(WEAK_GLUTES, hip_mobility={"hip_rotation": "not_sure"}),
        first_name="Riley",
        phone="301-555-0100",
    )
    login(client, clinician_user)
    response = client.get(f"/clinician/intake/{intake.pk}/")
    html = response.content.decode()
    assert response["Cache-Control"].startswith("no-store")
    assert "Strength balance (primary)" in html
    assert "side plank" in html.lower()
    assert "Not sure" in html  # unknown self-tests are shown as such
    assert "Noble compression" in html  # suggested tests for an ITB pattern
    assert "Hip abductor strength" in html
    assert "version 1" in html
    event = AuditEvent.objects.get(action="view_intake")
    assert event.user == clinician_user and event.object_id == str(intake.pk)


def test_notes_are_private_saved_and_audited(client, clinician_user):
    intake = make_submission()
    login(client, clinician_user)
    response = client.post(f"/clinician/intake/{intake.pk}/", {"action": "note", "body": ""})
    assert response.status_code == 400
    assert "Please write the note first." in response.content.decode()
    client.post(f"/clinician/intake/{intake.pk}/", {"action": "note", "body": "Check <b>Ober</b>."})
    note = ClinicianNote.objects.get()
    assert note.author == clinician_user and note.body == "Check <b>Ober</b>."
    html = client.get(f"/clinician/intake/{intake.pk}/").content.decode()
    assert "Check &lt;b&gt;Ober&lt;/b&gt;." in html
    assert AuditEvent.objects.filter(action="notes_change", object_id=str(intake.pk)).exists()


def test_red_flag_intake_can_be_contacted_and_closed(client, clinician_user):
    intake = make_submission(URGENT, email="riley@example.com")  # stopped: the email only
    login(client, clinician_user)
    client.post(
        f"/clinician/intake/{intake.pk}/", {"action": "contact", "note": "Sent to urgent care."}
    )
    client.post(f"/clinician/intake/{intake.pk}/", {"action": "close", "reason": "Seen in the ER."})
    intake.refresh_from_db()
    assert intake.contacted_at and intake.closed_at
    assert list(client.get("/clinician/").context["intakes"]) == []
    assert [s.pk for s in client.get("/clinician/?state=closed").context["intakes"]] == [intake.pk]


def test_brief_is_printable_and_audited(client, clinician_user):
    intake = make_submission(first_name="Riley")
    login(client, clinician_user)
    html = client.get(f"/clinician/intake/{intake.pk}/brief/").content.decode()
    assert "Pre-visit brief" in html and "print.css" in html
    assert AuditEvent.objects.filter(action="view_intake", detail="brief").count() == 1


@pytest.mark.parametrize(
    "url", ["/clinician/", "/clinician/intake/{pk}/", "/clinician/intake/{pk}/brief/"]
)
def test_front_desk_and_anonymous_cannot_open_clinician_pages(client, front_desk_user, url):
    intake = make_submission()
    url = url.format(pk=intake.pk)
    assert client.get(url)["Location"].startswith("/accounts/login/")
    login(client, front_desk_user)
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="view_intake").exists()


def test_runner_token_never_opens_staff_pages(client):
    intake = make_submission()
    for url in (f"/clinician/intake/{intake.pk}/", f"/clinician/?token={intake.token}"):
        assert client.get(url).status_code == 302


def test_drafts_are_not_reachable_by_id(client, clinician_user):
    from assessments.services import submission_start

    draft = submission_start()
    login(client, clinician_user)
    assert client.get(f"/clinician/intake/{draft.pk}/").status_code == 404


def test_queue_query_count_is_flat(client, clinician_user, django_assert_max_num_queries):
    for _ in range(3):
        make_submission(first_name="A")
    login(client, clinician_user)
    with django_assert_max_num_queries(12) as small:
        client.get("/clinician/")
    for _ in range(20):
        make_submission(first_name="B")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/clinician/")


def test_the_queue_is_paged_and_every_intake_is_reachable(client, clinician_user, monkeypatch):
    from clinician import views as clinician_views

    monkeypatch.setattr(clinician_views, "QUEUE_PAGE_SIZE", 2)
    intakes = [make_submission(first_name=f"R{i}") for i in range(5)]
    client.force_login(clinician_user)
    seen = []
    for number in (1, 2, 3):
        response = client.get(f"/clinician/?state=awaiting&page={number}")
        seen += [s.pk for s in response.context["intakes"]]
    assert sorted(seen) == sorted(s.pk for s in intakes)
    assert "Page 1 of 3" in client.get("/clinician/").content.decode()
    assert client.get("/clinician/?page=abc").status_code == 200


@pytest.mark.date_sensitive
def test_queue_orders_by_the_next_visit_and_follows_booking_changes(client, clinician_user):
    from booking.services import (
        PatientDetails,
        appointment_book,
        appointment_cancel,
        appointment_reschedule,
        available_slots,
    )
    from tests.factories import booking_clinic

    clinic = booking_clinic()
    today = timezone.localdate()
    later, soon, unbooked = (make_submission(first_name=n) for n in ("Later", "Soon", "None"))

    def slot(days):
        return available_slots(
            location=clinic.location,
            appointment_type=clinic.types["initial-evaluation"],
            start_date=today + timedelta(days=days),
            end_date=today + timedelta(days=days),
        )[0].start

    def book(intake, days):
        return appointment_book(
            start=slot(days),
            appointment_type=clinic.types["initial-evaluation"],
            location=clinic.location,
            clinician=None,
            patient=PatientDetails(
                intake.first_name,
                "R",
                f"{intake.pk}@x.com",
                "3015550100",
                date(1990, 6, 15),
            ),
            submission=intake,
        )

    visit_later = book(later, 9)
    visit_soon = book(soon, 3)
    client.force_login(clinician_user)

    def order():
        return [s.pk for s in client.get("/clinician/").context["intakes"]]

    assert order() == [soon.pk, later.pk, unbooked.pk]
    appointment_reschedule(appointment=visit_later, new_start=slot(2), by="desk")
    assert order() == [later.pk, soon.pk, unbooked.pk]
    appointment_cancel(appointment=visit_soon, by="clinic", reason="ill")
    soon.refresh_from_db()
    assert soon.next_visit_at is None
    # Without a visit, "soon" falls back to submission time: before "unbooked".
    assert order() == [later.pk, soon.pk, unbooked.pk]


@pytest.mark.date_sensitive
def test_a_visit_that_has_passed_is_no_longer_the_next_visit(clinician_user):
    from booking.services import submission_refresh_next_visit, submissions_move_past_visits
    from tests.factories import AppointmentFactory

    intake = make_submission(first_name="Past")
    start = timezone.now() + timedelta(days=1)
    AppointmentFactory(submission=intake, start=start, end=start + timedelta(hours=1))
    submission_refresh_next_visit(submission_id=intake.pk)
    intake.refresh_from_db()
    assert intake.next_visit_at == start
    assert submissions_move_past_visits(now=start + timedelta(hours=1)) == 0  # under way
    assert submissions_move_past_visits(now=start + timedelta(hours=3)) == 1
    intake.refresh_from_db()
    assert intake.next_visit_at is None


def test_a_core_only_v2_intake_reads_not_clear_yet_in_the_queue(client, clinician_user):
    """Version 2 measures the drivers only in the optional home tests: a core-only intake has
    no driver yet, which is not the same as a v1 intake where none stood out."""
    from tests.assessment_data import V2_CORE

    make_submission(V2_CORE, version="2", first_name="Core")
    login(client, clinician_user)
    response = client.get("/clinician/")
    rows = {row.name.split()[0]: row.driver for row in response.context["intakes"]}
    assert rows == {"Core": "Not clear yet (home tests optional)"}
    assert "Not clear yet (home tests optional)" in response.content.decode()
