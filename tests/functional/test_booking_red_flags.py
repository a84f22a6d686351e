"""No path books around a red flag (booking.rules): the intake's token, the same identity
without it, the menu link, the details POST, the manage link's reschedule, the cold /book/
screen and the desk; cancelling stays open, and a clinician's clearance lifts the block."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments.models import ClinicianNote, Submission
from assessments.services import submission_clear_flag
from booking.models import Appointment
from itband.models import AuditEvent
from tests.assessment_data import WEAK_GLUTES, make_submission, with_changes
from tests.factories import (
    RUNNER_DETAILS,
    AppointmentFactory,
    PatientFactory,
    booking_clinic,
    local_time,
    submitted_intake,
)

pytestmark = pytest.mark.django_db

EMERGENCY = with_changes(WEAK_GLUTES, safety_check={"safety_emergency": ["calf_clot"]})
URGENT = with_changes(WEAK_GLUTES, safety_check={"safety_urgent": ["knee_locked"]})
SOFT = with_changes(WEAK_GLUTES, safety_check={"safety_soft": ["giving_way"]})
ANSWERS = {"emergency": EMERGENCY, "urgent": URGENT, "soft": SOFT, "none": WEAK_GLUTES}

# The runner who books (RUNNER_DETAILS: Riley Runner, riley@example.com, born 1990-04-23).
EMAIL = RUNNER_DETAILS["email"]
BORN = date.fromisoformat(RUNNER_DETAILS["date_of_birth"])
CALL_US = "We need to speak with you before"  # the manage link's holder: their own visit
CHECK_EMAIL = "We could not complete this booking online"  # anyone refused by details typed


@pytest.fixture
def clinic(reference_data):
    return booking_clinic()


@pytest.fixture
def start(clinic):
    return local_time(clinic.location, timezone.localdate() + timedelta(days=4), 10)


def picked(clinic, start, **extra) -> dict:
    values = {
        "location": clinic.location.slug,
        "type": "initial-evaluation",
        "clinician": "any",
        "start": start.isoformat(),
        "safety": "none",
    }
    return {**values, **extra}


def book(client, clinic, start, **details):
    """Post the details form as a runner would, after the safety question."""
    return client.post("/book/details/", {**picked(clinic, start), **RUNNER_DETAILS, **details})


def intake_of(level: str, **contact) -> Submission:
    """An intake made through the product's own flow (a red flag stops it: email only)."""
    return make_submission(ANSWERS[level], **contact)


def named_red_intake(level: str, **identity) -> Submission:
    """A red-flag intake with a name and date of birth (given before the questionnaire
    stopped at once, or by a desk link)."""
    flag = {"level": level, "code": "knee_locked", "title": "Locked knee", "advice": "Today."}
    values = {"last_name": "Runner", "date_of_birth": BORN, "email": "someone.else@example.com"}
    return submitted_intake(
        result={"highest_flag": level, "flags": [flag], "booking_allowed": False},
        flag_rank=Submission.FLAG_RANKS[level],
        **{**values, **identity},
    )


def main(html: str) -> str:
    """The page's main content, without per-request tokens."""
    body = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def assert_refused_politely(response, words: str = CHECK_EMAIL) -> str:
    html = response.content.decode()
    assert response.status_code == 200
    assert words in html and "/book/details/" not in html
    assert not re.search(r'href="/book/(\?|")', html)  # no menu item, no way round it
    return html


# -- the paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_the_flagged_token_gets_its_safety_page_on_every_booking_page(client, clinic, start, level):
    intake = intake_of(level, email="casey@example.com")
    token = {"intake": intake.token}
    for response in (
        client.get("/book/", token),
        client.get("/book/details/", picked(clinic, start, **token)),
        book(client, clinic, start, **token),
    ):
        html = response.content.decode()
        assert response.status_code == 200
        assert (
            "Please get emergency care now" if level == "emergency" else "Please see a doctor today"
        ) in html
        assert clinic.location.phone in html
        assert "/book/details/" not in html and not re.search(r'href="/book/', html)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("level", ["emergency", "urgent"])
@pytest.mark.parametrize("typed", [EMAIL, EMAIL.upper(), f"  {EMAIL.title()} "])
def test_the_same_email_cannot_book_without_the_token(client, clinic, start, level, typed):
    intake_of(level, email=EMAIL)
    assert_refused_politely(book(client, clinic, start, email=typed.strip()))
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("last_name", ["Runner", "RUNNER", " runner "])
def test_the_same_last_name_and_birth_date_cannot_book(client, clinic, start, last_name):
    named_red_intake("urgent", last_name=last_name)
    response = book(client, clinic, start, email="new.address@example.com")
    assert_refused_politely(response)
    assert not Appointment.objects.exists()


def test_a_different_birth_date_or_last_name_alone_is_not_the_same_runner(client, clinic, start):
    named_red_intake("emergency", date_of_birth=date(1991, 4, 23))
    named_red_intake("emergency", last_name="Someone")
    response = book(client, clinic, start)
    assert response.status_code == 302 and Appointment.objects.count() == 1


def test_a_clean_token_of_a_flagged_runner_is_refused(client, clinic, start):
    """The same runner's earlier, clean intake does not open a way round a later flag."""
    clean = intake_of("none", email=EMAIL, first_name="Riley")
    intake_of("urgent", email=EMAIL)
    assert_refused_politely(client.get("/book/", {"intake": clean.token}))
    assert_refused_politely(book(client, clinic, start, intake=clean.token))
    assert not Appointment.objects.exists()


def test_the_refusal_says_nothing_about_the_other_person(client, clinic, start):
    """Someone typing another runner's details learns only "please call": the same words
    for an emergency, an urgent flag, and the intake's own name never shown."""
    named_red_intake("emergency", first_name="Casey", email=EMAIL)
    emergency = assert_refused_politely(book(client, clinic, start))
    Submission.objects.update(highest_flag="urgent", flag_rank=1)
    urgent = assert_refused_politely(book(client, clinic, start))
    assert main(emergency) == main(urgent)
    for secret in ("Casey", "emergency", "urgent", "flag", "intake", "doctor", "answers"):
        assert secret.lower() not in main(emergency).lower(), secret


def test_the_menu_link_from_a_safety_page_leads_to_the_question_not_to_times(client, clinic, start):
    intake = intake_of("emergency", email=EMAIL)
    safety = client.get(f"/assessment/{intake.token}/result/").content.decode()
    assert "Book an evaluation" not in safety and not re.search(r'href="[^"]*/book/', safety)
    # Typed by hand in this browser, /book/ shows the same safety page (booking_hold).
    held = client.get("/book/", {"location": clinic.location.slug}).content.decode()
    assert "Please get emergency care now" in held and "/book/details/" not in held
    # In another browser it asks the signs first (the menu link is not there to follow).
    other = client.__class__()
    cold = other.get("/book/", {"location": clinic.location.slug}).content.decode()
    assert "Before you book" in cold and "/book/details/" not in cold
    signs = other.post("/book/", {"location": clinic.location.slug, "signs": ["calf_clot"]})
    assert "Please get emergency care now" in signs.content.decode()
    # That browser is now held by its own answer; a third one answering "none of these" still
    # meets the same rule at the details, by identity.
    assert "Please get emergency care now" in book(other, clinic, start).content.decode()
    assert_refused_politely(book(client.__class__(), clinic, start))
    assert not Appointment.objects.exists()


# -- the manage link -----------------------------------------------------------------------------


def test_a_flag_after_a_booking_stops_the_reschedule_but_not_the_cancel(client, clinic, start):
    patient = PatientFactory(email=EMAIL, last_name="Runner", date_of_birth=BORN)
    appointment = AppointmentFactory(
        patient=patient,
        clinician=clinic.clinician,
        location=clinic.location,
        start=start,
        appointment_type=clinic.types["initial-evaluation"],
        submission=intake_of("none"),
    )
    intake_of("urgent", email=EMAIL.upper())  # reported later, by the same runner
    url = f"/book/manage/{appointment.manage_token}/"
    html = client.get(url).content.decode()
    assert "Choose a new time" not in html and CALL_US in html
    assert "Cancel this appointment" in html

    new_start = start + timedelta(days=1)
    reschedule = url + "reschedule/"
    assert_refused_politely(client.get(reschedule, {"date": new_start.date().isoformat()}), CALL_US)
    assert_refused_politely(client.post(reschedule, {"start": new_start.isoformat()}), CALL_US)
    appointment.refresh_from_db()
    assert appointment.start == start and appointment.sequence == 0

    response = client.post(url + "cancel/", {"reason": "Seeing my doctor first"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED_PATIENT


# -- the cold screen -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signs", "heading"),
    [
        (["calf_clot"], "Please get emergency care now"),
        (["cannot_bear_weight"], "Please see a doctor today"),
        (["knee_locked", "none"], "Please see a doctor today"),  # a sign beside "none" counts
        (["chest_breathless", "new_numbness"], "Call 911 now."),
    ],
)
def test_a_sign_on_the_cold_screen_gets_the_safety_page(client, clinic, signs, heading):
    response = client.post(
        "/book/", {"location": clinic.location.slug, "type": "initial-evaluation", "signs": signs}
    )
    html = response.content.decode()
    assert response.status_code == 200 and heading in html
    assert clinic.location.phone in html and "What to tell the doctor" in html
    assert "/book/details/" not in html and not re.search(r'href="/book/', html)


def test_the_cold_screen_comes_before_any_time(client, clinic, start):
    page = client.get("/book/", {"location": clinic.location.slug, "type": "initial-evaluation"})
    html = page.content.decode()
    assert "Before you book" in html and "/book/details/" not in html
    assert html.count('name="signs"') == 12  # eleven signs and "None of these"
    # A time link or a details post without the answer goes back to the question.
    for response in (
        client.get("/book/details/", {**picked(clinic, start), "safety": ""}),
        client.post("/book/details/", {**picked(clinic, start), **RUNNER_DETAILS, "safety": ""}),
    ):
        assert response.status_code == 302 and response["Location"].startswith("/book/?")
        assert "safety" not in response["Location"]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("signs", [[], ["not-a-sign"]])
def test_the_cold_screen_explains_a_missing_answer(client, clinic, signs):
    response = client.post("/book/", {"location": clinic.location.slug, "signs": signs})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html and 'href="#id_signs_0"' in html
    assert "aria-invalid" in html or "is-invalid" in html


def test_none_of_these_shows_the_times_and_keeps_the_answer_out_of_the_url(client, clinic, start):
    response = client.post(
        "/book/", {"location": clinic.location.slug, "type": "initial-evaluation", "signs": "none"}
    )
    assert response.status_code == 302
    assert "safety=none" in response["Location"] and "signs" not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "/book/details/" in html and "safety=none" in html
    assert book(client, clinic, start).status_code == 302
    assert Appointment.objects.count() == 1


def test_a_follow_up_for_a_patient_under_care_skips_the_screen(client, clinic):
    html = client.get(
        "/book/", {"location": clinic.location.slug, "type": "follow-up"}
    ).content.decode()
    assert "Before you book" not in html and "/book/details/" in html
    screen = client.get("/book/", {"location": clinic.location.slug}).content.decode()
    assert "type=follow-up" in screen  # offered from the question


# -- soft and none book as before ---------------------------------------------------------------


@pytest.mark.parametrize("level", ["soft", "none"])
def test_soft_flags_and_clean_intakes_book(client, clinic, start, level):
    intake = intake_of(level, email=EMAIL, first_name="Riley")
    html = client.get("/book/", {"intake": intake.token, "location": clinic.location.slug})
    assert "/book/details/" in html.content.decode()  # no question: the intake asked it
    response = book(client, clinic, start, intake=intake.token, safety="")
    assert response.status_code == 302
    assert Appointment.objects.get().submission == intake


def test_an_identity_flag_older_than_14_days_no_longer_blocks(client, clinic, start):
    intake = intake_of("emergency", email=EMAIL)
    Submission.objects.filter(pk=intake.pk).update(
        submitted_at=timezone.now() - timedelta(days=14, minutes=1)
    )
    assert book(client, clinic, start).status_code == 302
    # Its own token still shows the safety page until a clinician clears it.
    assert (
        "Please get emergency care now"
        in client.get("/book/", {"intake": intake.token}).content.decode()
    )


# -- staff: the flag is seen, only a clinician clears it -----------------------------------------


def test_a_clinicians_clearance_lifts_the_block_and_is_audited(
    client, clinic, start, clinician_user
):
    intake = intake_of("urgent", email=EMAIL)
    assert_refused_politely(book(client, clinic, start))
    staff = client.__class__()
    staff.force_login(clinician_user)
    url = f"/clinician/intake/{intake.pk}/"
    empty = staff.post(url, {"action": "clear_flag", "note": ""})
    assert empty.status_code == 400 and "Please say why" in empty.content.decode()
    staff.post(url, {"action": "clear_flag", "note": "Seen by GP, cleared for evaluation."})
    intake.refresh_from_db()
    assert intake.flag_cleared_by == clinician_user and intake.flag_cleared_at
    assert intake.highest_flag == "urgent"  # the flag stays on the record
    assert ClinicianNote.objects.filter(body__contains="cleared for evaluation").exists()
    event = AuditEvent.objects.get(action="flag_cleared")
    assert event.user == clinician_user and event.object_id == str(intake.pk)
    assert "GP" not in event.detail  # the clinical note stays out of the log
    assert "Cleared for booking by" in staff.get(url).content.decode()

    safety = client.get(f"/assessment/{intake.token}/result/").content.decode()
    assert f"/book/?intake={intake.token}" in safety  # the runner may now book
    assert book(client, clinic, start, intake=intake.token).status_code == 302
    assert Appointment.objects.get().submission == intake


def test_the_desk_cannot_clear_a_flag(client, clinic, front_desk_user):
    intake = intake_of("emergency", email=EMAIL)
    client.force_login(front_desk_user)
    response = client.post(
        f"/clinician/intake/{intake.pk}/", {"action": "clear_flag", "note": "Says fine"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        submission_clear_flag(submission=intake, user=front_desk_user, note="Says fine")
    intake.refresh_from_db()
    assert intake.flag_cleared_at is None


def test_the_desk_sees_the_flag_and_cannot_book_or_move_around_it(
    client, clinic, start, front_desk_user
):
    patient = PatientFactory(email=EMAIL, last_name="Runner", date_of_birth=BORN)
    appointment = AppointmentFactory(
        patient=patient,
        clinician=clinic.clinician,
        location=clinic.location,
        start=start,
        appointment_type=clinic.types["initial-evaluation"],
    )
    intake = intake_of("emergency", email=EMAIL)
    client.force_login(front_desk_user)
    for url in (
        f"/desk/patients/{patient.pk}/",
        f"/desk/appointments/{appointment.pk}/",
        f"/desk/appointments/{appointment.pk}/reschedule/",
        f"/desk/book/?patient={patient.pk}",
        f"/desk/?date={start.date().isoformat()}",
    ):
        html = client.get(url).content.decode()
        assert "Red flag" in html and "emergency" in html, url
        assert f"/clinician/intake/{intake.pk}/" not in html, url  # the desk opens no intake

    later = start + timedelta(days=1)
    book_url = (
        f"/desk/book/?patient={patient.pk}&location={clinic.location.slug}"
        f"&type=follow-up&clinician=any&start={later.isoformat()}"
    )
    details = {k: v for k, v in RUNNER_DETAILS.items() if k != "accept_policy"}
    response = client.post(book_url, {**details, "booking_key": "desk-flag"})
    assert response.status_code == 400 and "must speak with them" in response.content.decode()
    moved = client.post(
        f"/desk/appointments/{appointment.pk}/reschedule/", {"start": later.isoformat()}
    )
    assert moved["Location"] == f"/desk/appointments/{appointment.pk}/"
    appointment.refresh_from_db()
    assert appointment.start == start and Appointment.objects.count() == 1

    client.post(
        f"/desk/appointments/{appointment.pk}/",
        {"action": "cancel", "by": "desk", "reason": "Seeing a doctor first"},
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED_PATIENT


def test_the_clinician_sees_the_visit_a_flagged_runner_booked_before(
    client, clinic, start, clinician_user
):
    patient = PatientFactory(email=EMAIL, last_name="Runner", date_of_birth=BORN)
    AppointmentFactory(
        patient=patient,
        clinician=clinic.clinician,
        location=clinic.location,
        start=start,
        appointment_type=clinic.types["initial-evaluation"],
    )
    intake = intake_of("urgent", email=EMAIL.upper())
    client.force_login(clinician_user)
    html = client.get(f"/clinician/intake/{intake.pk}/").content.decode()
    visits = html.split('id="runner-visits"', 1)[1].split("</ul>", 1)[0]
    assert "Initial running evaluation" in visits and clinic.location.name in visits


# -- the same browser, cold /book/ -----------------------------------------------------------------


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_the_browser_that_stopped_at_a_flag_gets_its_safety_page_on_a_cold_book(
    client, clinic, start, level
):
    """The intake holds only the consent email: other details typed on a cold /book/, with
    "None of these" ticked, would match nothing. The browser itself is remembered."""
    clean = intake_of("none", email="first.address@example.com", first_name="Riley")
    intake = intake_of(level, email="first.address@example.com")
    safety = client.get(f"/assessment/{intake.token}/result/")
    cookie = safety.cookies["booking_hold"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 14 * 24 * 3600
    assert intake.token not in cookie.value  # it names the intake, never its private key

    heading = "Please get emergency care now" if level == "emergency" else "Please see a doctor"
    screened = {"location": clinic.location.slug, "type": "initial-evaluation"}
    for response in (
        client.get("/book/", screened),
        client.post("/book/", {**screened, "signs": "none"}),
        client.get("/book/details/", picked(clinic, start)),
        book(client, clinic, start, email="other.address@example.com", last_name="Other"),
        book(client, clinic, start, email="first.address@example.com"),  # also by identity
        client.get("/book/", {"intake": clean.token}),  # a clean token of the same runner
    ):
        html = response.content.decode()
        assert response.status_code == 200 and heading in html
        assert "/book/details/" not in html and not re.search(r'href="/book/', html)
    assert not Appointment.objects.exists()


def test_a_forged_or_cleared_hold_does_not_stop_a_booking(client, clinic, start, clinician_user):
    intake = intake_of("urgent", email="first.address@example.com")
    client.cookies["booking_hold"] = str(intake.pk)  # unsigned: ignored
    assert book(client, clinic, start, email="a@example.com").status_code == 302
    client.get(f"/assessment/{intake.token}/result/")
    submission_clear_flag(submission=intake, user=clinician_user, note="Seen by GP, cleared.")
    later = start + timedelta(days=1)
    assert book(client, clinic, later, email="a@example.com", booking_key="2").status_code == 302
    assert Appointment.objects.count() == 2


# -- the desk books past a flag that matches by identity only ------------------------------------


def desk_book(client, clinic, patient, start, **extra):
    url = (
        f"/desk/book/?patient={patient.pk}&location={clinic.location.slug}"
        f"&type=initial-evaluation&clinician=any&start={start.isoformat()}"
    )
    details = {k: v for k, v in RUNNER_DETAILS.items() if k != "accept_policy"}
    return client.post(url, {**details, "booking_key": f"desk-{len(extra)}", **extra})


def test_the_desk_books_past_an_identity_only_flag_with_a_reason(
    client, clinic, start, front_desk_user
):
    """Someone else's flagged intake (another email and first name) with the same last name and
    date of birth: the desk, having spoken with the caller, books with a reason; audited."""
    intake = named_red_intake("urgent", first_name="Casey", email="casey.other@example.com")
    patient = PatientFactory(**{k: RUNNER_DETAILS[k] for k in ("first_name", "email")},
                             last_name="Runner", date_of_birth=BORN)  # fmt: skip
    client.force_login(front_desk_user)

    refused = desk_book(client, clinic, patient, start)
    html = refused.content.decode()
    assert refused.status_code == 400 and "must speak with them" in html
    assert 'id="red-flag-override"' in html
    unexplained = desk_book(client, clinic, patient, start, override_confirm="on")
    assert unexplained.status_code == 400 and not Appointment.objects.exists()
    unconfirmed = desk_book(client, clinic, patient, start, override_reason="Not the caller")
    assert unconfirmed.status_code == 400 and not Appointment.objects.exists()

    reason = "Spoke with Riley: the flagged intake is a different person"
    booked = desk_book(
        client, clinic, patient, start, override_confirm="on", override_reason=reason, x="1"
    )
    assert booked.status_code == 302
    appointment = Appointment.objects.get()
    assert reason in appointment.events.get().detail
    event = AuditEvent.objects.get(action="booking_override")
    assert event.user == front_desk_user and event.object_id == str(appointment.pk)
    assert str(intake.pk) in event.detail and RUNNER_DETAILS["email"] not in event.detail
    # The flag itself stays: online booking for that identity is still refused.
    intake.refresh_from_db()
    assert intake.flag_cleared_at is None
    assert_refused_politely(book(client.__class__(), clinic, start + timedelta(days=1)))


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_the_runners_own_flag_still_needs_a_clinician(
    client, clinic, start, front_desk_user, level
):
    intake_of(level, email=EMAIL)  # stopped at once: only the email, the runner's own
    patient = PatientFactory(email=EMAIL, last_name="Runner", date_of_birth=BORN)
    client.force_login(front_desk_user)
    refused = desk_book(client, clinic, patient, start)
    assert refused.status_code == 400
    assert 'id="red-flag-override"' not in refused.content.decode()
    forced = desk_book(
        client, clinic, patient, start, override_confirm="on", override_reason="Caller insists"
    )
    assert forced.status_code == 400 and "must speak with them" in forced.content.decode()
    assert not Appointment.objects.exists()
    assert not AuditEvent.objects.filter(action="booking_override").exists()


def test_an_identity_only_flag_beside_the_runners_own_is_no_way_round(
    client, clinic, start, front_desk_user
):
    named_red_intake("emergency", first_name="Casey", email="casey.other@example.com")
    intake_of("urgent", email=EMAIL)
    patient = PatientFactory(email=EMAIL, last_name="Runner", date_of_birth=BORN)
    client.force_login(front_desk_user)
    forced = desk_book(
        client, clinic, patient, start, override_confirm="on", override_reason="Not theirs"
    )
    assert forced.status_code == 400 and not Appointment.objects.exists()


def test_a_sign_on_the_cold_screen_holds_this_browser_for_14_days(
    client, clinic, start, pinned_clock
):
    """Ticking a sign, then going back to tick "None of these", is not a way round: the same
    browser gets the safety page on /book/ and on a time link, until the 14 days are over."""
    cold = {"location": clinic.location.slug, "type": "initial-evaluation"}
    client.post("/book/", {**cold, "signs": ["cannot_bear_weight"]})
    cookie = client.cookies["booking_hold"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "cannot_bear_weight" not in cookie.value  # signed and encoded, not a readable list

    again = client.post("/book/", {**cold, "signs": "none"})
    assert again.status_code == 200 and "Please see a doctor today" in again.content.decode()
    assert (
        "Please see a doctor today"
        in client.get("/book/details/", picked(clinic, start)).content.decode()
    )
    assert book(client, clinic, start).status_code == 200
    assert not Appointment.objects.exists()

    pinned_clock.shift(timedelta(days=14, minutes=1))
    assert client.post("/book/", {**cold, "signs": "none"}).status_code == 302


def test_a_forged_cold_hold_is_ignored(client, clinic, start):
    client.cookies["booking_hold"] = '{"signs": ["calf_clot"]}'  # unsigned: ignored
    assert book(client, clinic, start).status_code == 302
    assert Appointment.objects.count() == 1
