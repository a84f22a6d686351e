"""CSRF: a POST without the token to any public or staff form gets 403 and changes nothing.

Each case is first sent without a token (Client(enforce_csrf_checks=True)), then, as the
control, the very same data through a client that skips the check: the control must change
something, which proves the refused POST carried a valid form.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from booking.models import Appointment, Closure, WeeklyAvailability
from tests.assessment_data import (
    V2_CORE,
    V2_MODULES,
    WEAK_GLUTES,
    make_submission,
    make_submission_v2,
)
from tests.factories import TEST_PASSWORD, AppointmentFactory, PatientFactory

from .conftest import DETAILS, answered_draft, selection, slot_start

pytestmark = pytest.mark.django_db

WATCHED_APPS = ("itband", "assessments", "booking", "otp_totp")


def snapshot() -> dict:
    """Every row of the product's own tables (and the staff's TOTP devices)."""
    state = {}
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = sorted(
                model.objects.values_list(flat=False).order_by("pk"), key=repr
            )
    state["sessions"] = sorted(Session.objects.values_list("session_key", "session_data"))
    return state


@pytest.fixture
def world(no_rate_limits, clinic, front_desk_user, clinician_user):
    intake = make_submission(WEAK_GLUTES, first_name="Casey", email="casey@example.com")
    draft = answered_draft(steps=0)
    complete_draft = answered_draft()
    intake_v2 = make_submission_v2(first_name="Casey", email="casey@example.com")
    last_page_v2 = answered_draft(steps=2, version="2")
    patient = PatientFactory(first_name="Riley", last_name="Runner", email="riley@example.com")
    appointments = [
        AppointmentFactory(
            patient=patient,
            clinician=clinic.clinician,
            location=clinic.location,
            appointment_type=clinic.types["initial-evaluation"],
            start=slot_start(clinic, days=6, hour=9 + 2 * n),
            end=slot_start(clinic, days=6, hour=10 + 2 * n),
        )
        for n in range(3)
    ]
    block = WeeklyAvailability.objects.filter(clinician=clinic.clinician).first()
    closure = Closure.objects.create(
        location=clinic.location, date=timezone.localdate() + timedelta(days=30), reason="Holiday"
    )
    return {
        "clinic": clinic,
        "intake": intake,
        "draft": draft,
        "complete_draft": complete_draft,
        "intake_v2": intake_v2,
        "last_page_v2": last_page_v2,
        "patient": patient,
        "appointments": appointments,
        "block": block,
        "closure": closure,
        "desk": front_desk_user,
        "clinician": clinician_user,
    }


def public_cases(w) -> list[tuple[str, str, dict]]:
    clinic, (first, second, _) = w["clinic"], w["appointments"]
    token, draft, done = w["intake"].token, w["draft"].token, w["complete_draft"].token
    new_start = slot_start(clinic, days=7, hour=11)
    return [
        ("consent", "/assessment/", {"consent": "on", "email": "a@example.com"}),
        ("step", f"/assessment/{draft}/step/about-you/", {**WEAK_GLUTES["about-you"], "action": "next"}),
        ("step save", f"/assessment/{draft}/step/about-you/", {**WEAK_GLUTES["about-you"], "action": "save"}),
        ("review", f"/assessment/{done}/review/", {"first_name": "Casey", "email": "c@example.com"}),
        ("saved email", f"/assessment/{draft}/saved/", {"email": "b@example.com"}),
        ("result email", f"/assessment/{token}/result/email/", {"email": "d@example.com"}),
        ("v2 last page", f"/assessment/{w['last_page_v2'].token}/step/safety-check/", {**V2_CORE["safety-check"], "contact-first_name": "Casey", "action": "next"}),
        ("v2 module", f"/assessment/{w['intake_v2'].token}/module/pelvic-position/", V2_MODULES["pelvic-position"]),
        ("booking details", "/book/details/", {**selection(clinic, slot_start(clinic)), **DETAILS}),
        ("manage cancel", f"/book/manage/{first.manage_token}/cancel/", {"reason": "Sick"}),
        ("manage reschedule", f"/book/manage/{second.manage_token}/reschedule/", selection(clinic, new_start)),
        ("login", "/accounts/login/", {"username": "desk1", "password": TEST_PASSWORD}),
    ]  # fmt: skip


def desk_cases(w) -> list[tuple[str, str, dict]]:
    clinic, patient = w["clinic"], w["patient"]
    first, second, third = (appointment.pk for appointment in w["appointments"])
    start = slot_start(clinic, days=8, hour=14)
    book = f"/desk/book/?patient={patient.pk}&" + urlencode(
        selection(clinic, slot_start(clinic, days=9, hour=14))
    )
    clinician = f"/desk/schedules/clinicians/{clinic.clinician.pk}/"
    off_day = (timezone.localdate() + timedelta(days=40)).isoformat()
    return [
        ("check in", f"/desk/appointments/{first}/", {"action": "check_in"}),
        ("desk cancel", f"/desk/appointments/{second}/", {"action": "cancel", "by": "clinic", "reason": "Ill"}),
        ("desk reschedule", f"/desk/appointments/{third}/reschedule/", {"start": start.isoformat(), "clinician": str(clinic.clinician.pk)}),
        ("desk book", book, {**DETAILS, "booking_key": "k1"}),
        ("patient edit", f"/desk/patients/{patient.pk}/", {**DETAILS, "first_name": "Rylee", "date_of_birth": "1990-04-23"}),
        ("add hours", clinician, {"action": "add_hours", "location": clinic.location.pk, "weekday": "0", "start": "18:00", "end": "19:00"}),
        ("add time off", clinician, {"action": "add_time_off", "off_start_date": off_day, "off_start_time": "09:00", "off_end_date": off_day, "off_end_time": "10:00", "off_reason": "Course"}),
        ("remove hours", clinician, {"action": "remove_hours", "pk": w["block"].pk}),
        ("add closure", "/desk/schedules/closures/", {"action": "add_closure", "clinic": clinic.location.slug, "day": off_day, "reason": "Snow"}),
        ("remove closure", "/desk/schedules/closures/", {"action": "remove_closure", "pk": w["closure"].pk}),
        ("logout", "/accounts/logout/", {}),
    ]  # fmt: skip


def clinician_cases(w) -> list[tuple[str, str, dict]]:
    url = f"/clinician/intake/{w['intake'].pk}/"
    return [
        ("mark reviewed", url, {"action": "review"}),
        ("note", url, {"action": "note", "body": "Check Ober."}),
        ("close", url, {"action": "close", "reason": "Seen elsewhere"}),
        ("contact", url, {"action": "contact", "note": "Called back"}),
        ("2fa enrol", "/accounts/2fa/enrol/", {"token": "123456"}),
    ]


def assert_refused_then_control_changes(name, url, data, *, user=None) -> None:
    strict = Client(enforce_csrf_checks=True)
    lenient = Client()
    if user is not None:
        strict.force_login(user)
        lenient.force_login(user)
    before = snapshot()
    response = strict.post(url, data)
    assert response.status_code == 403, (name, response.status_code)
    assert snapshot() == before, f"{name}: a POST without a CSRF token changed data"
    if name == "2fa enrol":
        return  # a wrong code changes nothing either way; the 403 is what is under test
    control = lenient.post(url, data)
    assert control.status_code < 500, (name, control.status_code)
    assert snapshot() != before, f"{name}: the control POST changed nothing (bad test data?)"


def test_public_forms_refuse_posts_without_a_token(world):
    cases = public_cases(world)
    for name, url, data in cases:
        assert_refused_then_control_changes(name, url, data)
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() >= 1


def test_desk_forms_refuse_posts_without_a_token(world):
    for name, url, data in desk_cases(world):
        assert_refused_then_control_changes(name, url, data, user=world["desk"])


def test_clinician_forms_refuse_posts_without_a_token(world):
    for name, url, data in clinician_cases(world):
        assert_refused_then_control_changes(name, url, data, user=world["clinician"])
