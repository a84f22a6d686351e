"""Guessed tokens open nothing: 1,000 guesses at every token URL, none revealing data or slow."""

import random
import string
import time
from base64 import urlsafe_b64encode

import pytest
from django.test import Client

from assessments.services import submission_start
from booking.models import Appointment
from tests.assessment_data import WEAK_GLUTES, make_submission
from tests.factories import AppointmentFactory

from .conftest import DETAILS

pytestmark = pytest.mark.django_db

GUESSES = 1000
# Generous bounds: a slow miss would hint that a lookup scans or compares in Python.
TOTAL_SECONDS = 30.0
SLOWEST_SECONDS = 2.0

# Every URL a token opens, as (method, template).
TOKEN_URLS = [
    ("get", "/assessment/{t}/"),
    ("get", "/assessment/{t}/step/about-you/"),
    ("post", "/assessment/{t}/step/about-you/"),
    ("get", "/assessment/{t}/review/"),
    ("get", "/assessment/{t}/saved/"),
    ("post", "/assessment/{t}/saved/"),
    ("get", "/assessment/{t}/result/"),
    ("post", "/assessment/{t}/result/email/"),
    ("get", "/book/manage/{t}/"),
    ("post", "/book/manage/{t}/cancel/"),
    ("get", "/book/manage/{t}/reschedule/"),
    ("post", "/book/manage/{t}/reschedule/"),
    ("get", "/book/manage/{t}/calendar.ics"),
    ("get", "/book/?intake={t}"),
    ("get", "/book/details/?intake={t}"),
]

# Odd shapes a scanner tries: encoded NULs and separators, SQL and LIKE wildcards, unicode.
ODD = [
    "%00", "a%00b", "%2e%2e", "%25", "%20", "'", "' OR '1'='1", "*", "%", "_", "-", "0", "1",
    "null", "None", "undefined", "%C3%A9", "%F0%9F%8F%83", "x" * 300, "A" * 43, "-" * 43,
]  # fmt: skip


def guesses(real: list[str]) -> list[str]:
    """Random full-length tokens, short and sequential strings, and near misses of real ones."""
    rng = random.Random(7)  # deterministic
    # The shape of secrets.token_urlsafe(32), from a seeded generator.
    found = [urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode() for _ in range(600)]
    found += [str(n) for n in range(1, 101)]
    found += [
        "".join(rng.choices(string.ascii_letters + string.digits, k=n)) for n in range(1, 101)
    ]
    for token in real:
        found += [token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), token.upper()]
        found += [token[:8], token[:20], token + "x", token.swapcase(), token[::-1]]
    found += [f"{n:043d}" for n in range(1000 - len(found))]
    return found[:GUESSES]


@pytest.fixture
def secrets_in_db(reference_data, clinic):
    """A submitted intake, a draft and a booked appointment a guess must not open."""
    intake = make_submission(WEAK_GLUTES, first_name="Secretname", email="secret@example.com")
    draft = submission_start(email="draft@example.com")
    appointment = AppointmentFactory(
        patient__first_name="Secretpatient",
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
    )
    return {"intake": intake, "draft": draft, "appointment": appointment}


def request(client: Client, method: str, url: str):
    if method == "post":
        return client.post(url, {"email": "x@example.com", "reason": "x", **DETAILS})
    return client.get(url)


def assert_reveals_nothing(response, url: str) -> None:
    html = response.content.decode(errors="replace")
    assert "Secretname" not in html and "Secretpatient" not in html, url
    assert "secret@example.com" not in html and "draft@example.com" not in html, url
    if response.status_code == 200:
        # Only the public picker answers 200, and it shows no intake.
        assert url.startswith("/book/?intake="), (url, response.status_code)
        assert response.context["intake"] is None, url
    elif response.status_code in (301, 302):
        location = response["Location"]
        assert location.startswith("/book/?") and "intake=" not in location, (url, location)
    else:
        assert response.status_code == 404, (url, response.status_code)


def test_the_real_tokens_open_their_pages(client, secrets_in_db):
    """The control: the same checks would notice a page that opens."""
    intake = secrets_in_db["intake"]
    appointment = secrets_in_db["appointment"]
    assert client.get(f"/assessment/{intake.token}/result/").status_code == 200
    assert client.get(f"/book/manage/{appointment.manage_token}/").status_code == 200
    picker = client.get(f"/book/?intake={intake.token}")
    assert picker.context["intake"] == intake


def test_a_thousand_guesses_open_nothing_and_none_is_slow(no_rate_limits, secrets_in_db):
    client = Client()
    real = [
        secrets_in_db["intake"].token,
        secrets_in_db["draft"].token,
        secrets_in_db["appointment"].manage_token,
    ]
    assert all(len(token) >= 43 for token in real)  # token_urlsafe(32): 256 bits
    rows_before = Appointment.objects.count()
    slowest, began = 0.0, time.perf_counter()
    tried = guesses(real)
    assert len(tried) == GUESSES and not set(tried) & set(real)
    for index, guess in enumerate(tried):
        method, template = TOKEN_URLS[index % len(TOKEN_URLS)]
        url = template.format(t=guess)
        started = time.perf_counter()
        response = request(client, method, url)
        slowest = max(slowest, time.perf_counter() - started)
        assert_reveals_nothing(response, url)
    total = time.perf_counter() - began
    assert total < TOTAL_SECONDS, f"{GUESSES} guesses took {total:.1f} s"
    assert slowest < SLOWEST_SECONDS, f"slowest guess took {slowest:.2f} s"
    assert Appointment.objects.count() == rows_before
    assert Appointment.objects.get().status == Appointment.Status.BOOKED


@pytest.mark.parametrize("odd", ODD)
def test_odd_tokens_are_plain_not_found(no_rate_limits, secrets_in_db, odd):
    """Encoded NULs, quotes and wildcards: a 404 (never a 500 from the database driver)."""
    client = Client(raise_request_exception=False)
    for method, template in TOKEN_URLS:
        url = template.format(t=odd)
        response = request(client, method, url)
        assert response.status_code < 500, (url, response.status_code)
        assert_reveals_nothing(response, url)
