"""NUL bytes: PostgreSQL's driver refuses them in a query ("A string literal cannot contain NUL
(0x00) characters"), which surfaced as a 500 wherever raw request data reached a lookup. Every
such place answers like any other unknown value. (SQLite accepts NULs; make test runs this on
PostgreSQL, where it matters.)"""

from urllib.parse import urlencode

import pytest
from django.test import Client

from booking.models import Appointment
from tests.factories import PatientFactory

from .conftest import DETAILS, selection, slot_start

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


def lenient(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/assessment/%00/",
        "/assessment/a%00b/step/about-you/",
        "/book/manage/%00/",
        "/book/manage/%00/calendar.ics",
        "/book/?intake=%00",
        "/book/details/?intake=%00",
        "/book/waitlist/%00/",
        "/book/waitlist/offer/%00/",
        "/book/waitlist/?intake=%00&type=follow-up",
        "/unsubscribe/%00/",
        "/unsubscribe/a%00bcdefghijklmnopqrstuvwxyz/",
        "/outcomes/c/%00/",
        "/outcomes/c/a%00bcdefghijklmnopqrstuvwxyz/",
    ],
)
def test_public_urls(no_rate_limits, clinic, url):
    assert lenient().get(url).status_code in (200, 302, 404)


def test_public_booking_post(no_rate_limits, clinic):
    data = {**selection(clinic, slot_start(clinic)), **DETAILS, "booking_key": NUL, "intake": NUL}
    response = lenient().post("/book/details/", data)
    assert response.status_code == 302
    assert Appointment.objects.get().booking_key == "ab"


@pytest.mark.parametrize(
    "url",
    [
        "/desk/patients/?q=%00",
        "/desk/?location=%00",
        "/desk/week/?location=%00",
        "/desk/book/?q=%00",
        "/desk/export.csv?location=%00&start=2026-01-01&end=2026-01-02",
    ],
)
def test_desk_urls(front_desk_user, url):
    assert lenient(front_desk_user).get(url).status_code in (200, 400)


@pytest.mark.parametrize("key", [NUL, "k" * 100], ids=["nul", "overlong"])
def test_desk_booking_post(front_desk_user, clinic, key):
    patient = PatientFactory(**{k: v for k, v in DETAILS.items() if k in {"first_name", "email"}})
    query = urlencode({**selection(clinic, slot_start(clinic)), "patient": patient.pk})
    data = {**DETAILS, "date_of_birth": patient.date_of_birth.isoformat(), "booking_key": key}
    response = lenient(front_desk_user).post(f"/desk/book/?{query}", data)
    assert response.status_code == 302, response.status_code
    assert Appointment.objects.get().booking_key == key.replace("\x00", "")[:64]


@pytest.mark.parametrize("url", ["/clinician/?location=%00", "/clinician/?state=%00&mine=%00"])
def test_clinician_urls(clinician_user, url):
    assert lenient(clinician_user).get(url).status_code == 200
