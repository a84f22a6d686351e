"""Public POST forms are limited per client IP: past RATE_LIMIT_PER_HOUR a POST gets 429 with
Retry-After and writes nothing (no Submission, Appointment or OutboxMessage, no change)."""

import pytest
from django.core.cache import cache
from django.test import Client

from assessments.models import Submission
from booking.models import Appointment
from itband.models import OutboxMessage
from tests.assessment_data import WEAK_GLUTES, make_submission
from tests.factories import AppointmentFactory

from .conftest import DETAILS, answered_draft, selection, slot_start

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture
def low_limit(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMIT_PER_HOUR = LIMIT
    settings.TRUSTED_PROXY_COUNT = 0
    cache.clear()


def counts() -> tuple[int, int, int]:
    return Submission.objects.count(), Appointment.objects.count(), OutboxMessage.objects.count()


def booked(clinic, hour: int, days: int = 5) -> Appointment:
    return AppointmentFactory(
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        start=slot_start(clinic, days=days, hour=hour),
        end=slot_start(clinic, days=days, hour=hour + 1),
    )


def assert_limited(client: Client, url: str, data: dict) -> None:
    before = counts()
    response = client.post(url, data)
    assert response.status_code == 429, (url, response.status_code)
    assert int(response["Retry-After"]) > 0
    assert "Too many" in response.content.decode() or "too many" in response.content.decode()
    assert counts() == before, f"{url}: a limited POST wrote rows"


def exhaust(client: Client, url: str, data: dict) -> None:
    for _ in range(LIMIT):
        assert client.post(url, data).status_code != 429, url


def test_consent_start(client, low_limit):
    data = {"consent": "on", "email": "runner@example.com"}
    exhaust(client, "/assessment/", data)
    assert Submission.objects.count() == LIMIT
    assert_limited(client, "/assessment/", data)
    # Another address is not affected; a forged X-Forwarded-For does not reset the count.
    assert Client(REMOTE_ADDR="10.0.0.2").post("/assessment/", data).status_code == 302
    spoofed = Client(HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert_limited(spoofed, "/assessment/", data)


@pytest.mark.parametrize("form_page", ["saved", "result/email"])
def test_email_link_forms(client, low_limit, reference_data, form_page):
    submission = answered_draft(steps=2) if form_page == "saved" else make_submission(WEAK_GLUTES)
    url = f"/assessment/{submission.token}/{form_page}/"
    for n in range(LIMIT):
        client.post(url, {"email": f"to{n}@example.com"})
    assert OutboxMessage.objects.count() >= 1
    assert_limited(client, url, {"email": "victim@example.com"})
    assert not OutboxMessage.objects.filter(to="victim@example.com").exists()


def test_the_email_limit_is_shared_by_both_email_forms(client, low_limit, reference_data):
    """Both forms count in one scope, so alternating between them gains nothing."""
    draft, done = answered_draft(steps=1), make_submission(WEAK_GLUTES)
    urls = [f"/assessment/{draft.token}/saved/", f"/assessment/{done.token}/result/email/"]
    for n in range(LIMIT):
        client.post(urls[n % 2], {"email": f"to{n}@example.com"})
    assert_limited(client, urls[1], {"email": "victim@example.com"})
    assert_limited(client, urls[0], {"email": "victim@example.com"})


def test_booking_details(client, low_limit, clinic):
    for hour in (9, 11, 13):
        data = {**selection(clinic, slot_start(clinic, hour=hour)), **DETAILS}
        assert client.post("/book/details/", data).status_code == 302
    assert Appointment.objects.count() == LIMIT
    data = {**selection(clinic, slot_start(clinic, hour=15)), **DETAILS}
    assert_limited(client, "/book/details/", data)
    # Looking at times (GET) is never limited.
    assert client.get("/book/", {"location": clinic.location.slug}).status_code == 200


def test_manage_cancel(client, low_limit, clinic):
    for hour in (9, 11, 13):
        url = f"/book/manage/{booked(clinic, hour).manage_token}/cancel/"
        assert client.post(url, {"reason": "x"}).status_code == 302
    fresh = booked(clinic, 15)
    assert_limited(client, f"/book/manage/{fresh.manage_token}/cancel/", {"reason": "x"})
    fresh.refresh_from_db()
    assert fresh.status == Appointment.Status.BOOKED


def test_manage_reschedule(client, low_limit, clinic):
    fresh = booked(clinic, 9, days=5)
    url = f"/book/manage/{fresh.manage_token}/reschedule/"
    exhaust(client, url, {"start": "not-a-time"})
    assert_limited(client, url, selection(clinic, slot_start(clinic, days=6, hour=11)))
    fresh.refresh_from_db()
    assert fresh.start == slot_start(clinic, days=5, hour=9)


def test_steps_and_review_need_a_draft_only_the_limited_consent_makes(client, low_limit):
    """Step and review POSTs are not limited themselves: each needs a draft, drafts come only
    from the limited consent form, and a draft is submitted (and its result emailed) once."""
    draft = answered_draft()
    url = f"/assessment/{draft.token}/review/"
    contact = {"first_name": "Riley", "email": "riley@example.com"}
    assert client.post(url, contact).status_code == 302
    emails = OutboxMessage.objects.count()
    for _ in range(LIMIT + 2):
        response = client.post(url, contact)
        assert response.status_code == 302
        assert response["Location"].endswith("/result/")
    assert OutboxMessage.objects.count() == emails == 1
