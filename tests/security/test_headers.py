"""Security headers on every kind of page, and no inline style or script anywhere.

Public, token, staff and error pages (404, 403, CSRF 403, 429, 503) all carry a CSP without
'unsafe-inline' or third-party sources, nosniff, a Referrer-Policy (no-referrer on token pages)
and frame denial. HSTS is checked in a production process over HTTPS.
"""

import json
import re
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from assessments.services import submission_start
from tests.assessment_data import WEAK_GLUTES, make_submission, make_submission_v2
from tests.conftest import free_port
from tests.factories import AppointmentFactory, PatientFactory
from tests.integration.test_settings_and_probes import PRODUCTION_ENV, run_python

from .conftest import assert_safe_html, selection, slot_start

pytestmark = pytest.mark.django_db

HSTS_MIN_SECONDS = 31536000


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, url: str, *, token_page: bool = False) -> None:
    csp = csp_directives(response)
    assert csp, f"no CSP on {url}"
    sources = [source for values in csp.values() for source in values]
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, url
    assert not [s for s in sources if re.match(r"(https?:|\*|//)", s)], (url, sources)
    assert csp.get("frame-ancestors") == ["'none'"], url
    assert csp.get("object-src") == ["'none'"], url
    assert response.get("X-Frame-Options") == "DENY", url
    assert response.get("X-Content-Type-Options") == "nosniff", url
    policy = response.get("Referrer-Policy")
    assert policy, f"no Referrer-Policy on {url}"
    if token_page:
        assert policy == "no-referrer", url
        assert response["Cache-Control"].startswith("no-store"), url


def assert_clean_page(response, url: str, **kwargs) -> None:
    assert_security_headers(response, url, **kwargs)
    if response.get("Content-Type", "").startswith("text/html"):
        assert_safe_html(response.content.decode(), url)


@pytest.fixture
def world(clinic, front_desk_user, clinician_user):
    intake = make_submission(WEAK_GLUTES, first_name="Casey", email="casey@example.com")
    draft = submission_start(version="1")
    intake_v2 = make_submission_v2(first_name="Casey", email="casey@example.com")
    draft_v2 = submission_start()
    patient = PatientFactory()
    appointment = AppointmentFactory(
        patient=patient,
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        start=slot_start(clinic, days=5),
        end=slot_start(clinic, days=5, hour=11),
        submission=intake,
    )
    return {
        "intake": intake,
        "draft": draft,
        "intake_v2": intake_v2,
        "draft_v2": draft_v2,
        "patient": patient,
        "appointment": appointment,
        "clinic": clinic,
    }


PUBLIC = ["/", "/privacy/", "/cancellation-policy/", "/assessment/", "/book/", "/accounts/login/"]


def test_public_pages(client, world):
    clinic = world["clinic"]
    urls = [*PUBLIC, "/book/details/?" + urlencode(selection(clinic, slot_start(clinic)))]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean_page(response, url, token_page=url.startswith("/book/details/"))


def test_token_pages(client, world):
    intake, draft, appointment = world["intake"], world["draft"], world["appointment"]
    urls = [
        f"/assessment/{draft.token}/step/about-you/",
        f"/assessment/{draft.token}/saved/",
        f"/assessment/{intake.token}/result/",
        f"/book/?intake={intake.token}",
        f"/book/manage/{appointment.manage_token}/",
        f"/book/manage/{appointment.manage_token}/reschedule/",
        f"/book/manage/{appointment.manage_token}/calendar.ics",
        f"/assessment/{world['draft_v2'].token}/step/your-running/",
        f"/assessment/{world['intake_v2'].token}/result/",
        f"/assessment/{world['intake_v2'].token}/module/strength-balance/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean_page(response, url, token_page=True)
    # The review page, once every step is answered.
    for slug, values in WEAK_GLUTES.items():
        client.post(f"/assessment/{draft.token}/step/{slug}/", {**values, "action": "next"})
    url = f"/assessment/{draft.token}/review/"
    response = client.get(url)
    assert response.status_code == 200
    assert_clean_page(response, url, token_page=True)


def test_staff_pages(world, desk_client, clinician_client, front_desk_user):
    appointment, patient, intake = world["appointment"], world["patient"], world["intake"]
    clinician = world["clinic"].clinician
    staff_home = desk_client.get("/staff/")
    assert staff_home.status_code == 302
    assert_security_headers(staff_home, "/staff/")
    desk_urls = [
        "/desk/",
        "/desk/week/",
        f"/desk/appointments/{appointment.pk}/",
        f"/desk/appointments/{appointment.pk}/reschedule/",
        "/desk/book/",
        f"/desk/book/?patient={patient.pk}",
        "/desk/patients/",
        f"/desk/patients/{patient.pk}/",
        "/desk/schedules/",
        f"/desk/schedules/clinicians/{clinician.pk}/",
        "/desk/schedules/closures/",
        "/accounts/2fa/enrol/",
    ]
    for url in desk_urls:
        response = desk_client.get(url)
        assert response.status_code == 200, url
        assert_clean_page(response, url)
    for url in [
        "/clinician/",
        f"/clinician/intake/{intake.pk}/",
        f"/clinician/intake/{intake.pk}/brief/",
    ]:
        response = clinician_client.get(url)
        assert response.status_code == 200, url
        assert_clean_page(response, url)
    clinician.user.groups.add(Group.objects.get(name="Clinician"))
    clinician_client.force_login(clinician.user)
    response = clinician_client.get("/clinician/schedule/")
    assert response.status_code == 200
    assert_clean_page(response, "/clinician/schedule/")


def test_error_pages(client, world, desk_client, settings):
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert_clean_page(not_found, "404")

    forbidden = desk_client.get("/clinician/")
    assert forbidden.status_code == 403
    assert_clean_page(forbidden, "403")

    csrf = Client(enforce_csrf_checks=True).post("/assessment/", {"consent": "on"})
    assert csrf.status_code == 403
    assert_clean_page(csrf, "403 CSRF")

    settings.RATE_LIMIT_PER_HOUR = 1
    client.post("/assessment/", {"consent": ""})
    limited = client.post("/assessment/", {"consent": ""})
    assert limited.status_code == 429
    assert_clean_page(limited, "429")


@pytest.mark.parametrize("url", ["/", "/assessment/", "/book/", "/desk/"])
def test_database_outage_page(desk_client, world, url):
    """The 503 page, when the database goes away mid-request (staff session included)."""
    client = desk_client
    client.raise_request_exception = False  # the outage is logged, then answered with a 503
    with mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("gone")
    ):
        response = client.get(url)
    assert response.status_code == 503, url
    assert response["Retry-After"]
    assert_clean_page(response, f"503 {url}")


PRODUCTION_PROBE = """
import django, json, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'itband.settings'
django.setup()
from django.test import Client
from django.test.utils import override_settings
# No collectstatic here: plain static storage (the manifest is not what is under test).
override_settings(STORAGES={
    'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},
    'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'},
}).enable()
client = Client(HTTP_HOST='clinic.example.com', raise_request_exception=False)
out = {}
for url in ('/healthz', '/', '/assessment/', '/no-such-page/'):
    secure = client.get(url, secure=True)
    plain = client.get(url)
    out[url] = {
        'status': secure.status_code,
        'headers': dict(secure.headers),
        'plain_status': plain.status_code,
        'plain_location': plain.get('Location'),
    }
print(json.dumps(out))
"""


def test_production_sends_hsts_over_https_and_redirects_plain_http():
    # The production process's database is a loopback port where nothing listens: the pages
    # that need it answer 503, and those must carry the headers too.
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"postgres://nobody@127.0.0.1:{free_port()}/none"}
    result = run_python(PRODUCTION_PROBE, env)
    assert result.returncode == 0, result.stderr[-3000:]
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    for url, page in pages.items():
        headers = page["headers"]
        hsts = headers.get("Strict-Transport-Security", "")
        match = re.search(r"max-age=(\d+)", hsts)
        assert match and int(match.group(1)) >= HSTS_MIN_SECONDS, (url, hsts)
        assert "includeSubDomains" in hsts, (url, hsts)
        assert headers.get("X-Content-Type-Options") == "nosniff", url
        assert "'unsafe-inline'" not in headers.get("Content-Security-Policy", "-"), url
        if url != "/healthz":
            assert page["status"] in (200, 404, 503), (url, page["status"])
            assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), url
            assert headers.get("X-Frame-Options") == "DENY", url
            # Plain HTTP is sent to HTTPS before anything else happens.
            assert page["plain_status"] == 301, url
            assert page["plain_location"].startswith("https://clinic.example.com/"), url
