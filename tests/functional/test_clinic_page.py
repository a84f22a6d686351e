"""The clinic page through its URLs: who may open it, two-factor, the audit log, the charts
and tables, and the CSV exports (suppressed like the page)."""

import csv
import io
from datetime import date

import pytest
from django.utils import timezone

from itband.models import AuditEvent
from itband.roles import CLINIC_LEAD
from tests.factories import TEST_PASSWORD, LocationFactory, StaffFactory, submitted_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(reference_data):
    return StaffFactory(username="lead1", roles=[CLINIC_LEAD])


@pytest.fixture
def lead_client(client, lead):
    LocationFactory(name="Bethesda")
    LocationFactory(name="McLean")
    client.force_login(lead)
    return client


def test_the_role_exists_after_migrate(reference_data):
    from django.contrib.auth.models import Group

    assert Group.objects.filter(name=CLINIC_LEAD).exists()


def test_anonymous_goes_to_login(client):
    for url in ("/clinic/", "/clinic/export/funnel.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_front_desk_and_clinicians_without_the_role_are_refused(
    client, front_desk_user, clinician_user
):
    for user in (front_desk_user, clinician_user):
        client.force_login(user)
        assert client.get("/clinic/").status_code == 403
        assert client.get("/clinic/export/funnel.csv").status_code == 403
    assert AuditEvent.objects.filter(action="view_denied").count() == 4


def test_the_lead_and_the_clinic_admin_may_open_it(client, lead):
    admin = StaffFactory(username="boss", is_superuser=True, is_staff=True)
    for user in (lead, admin):
        client.force_login(user)
        assert client.get("/clinic/").status_code == 200


def test_staff_home_takes_a_lead_to_the_clinic_page(client, lead):
    client.post("/accounts/login/", {"username": "lead1", "password": TEST_PASSWORD})
    assert client.get("/staff/")["Location"] == "/clinic/"


def test_required_two_factor_applies(client, lead, settings):
    settings.STAFF_REQUIRE_2FA = True
    client.post("/accounts/login/", {"username": "lead1", "password": TEST_PASSWORD})
    response = client.get("/clinic/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/enrol/")


def test_the_page_shows_charts_and_tables_and_is_audited(lead_client, lead):
    for n in range(3):
        submitted_intake(email=f"r{n}@example.com", primary_driver="hip_mobility")
    response = lead_client.get("/clinic/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    html = response.content.decode()
    assert html.count('role="img"') >= 8
    assert '<title id="chart-drivers-title">Primary driver</title>' in html
    assert "Hip mobility: &lt;5" in html  # the chart's description, suppressed
    assert '<th scope="row">Hip mobility</th><td>&lt;5</td><td>—</td>' in html
    assert 'href="/clinic/export/funnel.csv?start=' in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_CLINIC)
    today = timezone.localdate()
    assert event.user == lead and event.object_type == "clinic.report"
    assert event.detail.startswith("both ") and event.detail.endswith(f"..{today:%Y-%m-%d}")


def test_the_period_and_clinic_come_from_the_form(lead_client):
    response = lead_client.get("/clinic/?start=2026-01-01&end=2026-03-31&clinic=mclean")
    assert response.status_code == 200
    assert "McLean</strong>, Jan 1, 2026 to Mar 31, 2026" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_CLINIC)
    assert event.detail == "mclean 2026-01-01..2026-03-31"


def test_a_bad_period_is_explained(lead_client):
    response = lead_client.get("/clinic/?start=2026-05-01&end=2026-04-01")
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert lead_client.get("/clinic/export/funnel.csv?start=x&end=y").status_code == 400


def test_each_table_exports_as_csv_suppressed_and_audited(lead_client, lead):
    for n in range(7):
        submitted_intake(email=f"r{n}@example.com", primary_driver="hip_mobility")
    submitted_intake(email="x@example.com", primary_driver="pelvic_position")
    response = lead_client.get("/clinic/export/drivers.csv?start=2026-06-01&end=2026-06-10")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"].startswith("no-store")
    assert "clinic-drivers-both-20260601-20260610.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Primary driver", "Results", "Share"]
    by_label = {row[0]: row[1:] for row in rows[1:]}
    # 7 and 87.5 % would give the hidden 1 back (8 results): the next smallest is hidden too.
    assert by_label["Hip mobility"] == ["—", "—"]
    assert by_label["Pelvic position"] == ["<5", "—"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.user, event.object_type, event.object_id) == (lead, "clinic.report", "drivers")
    assert event.detail == "both 2026-06-01..2026-06-10"


def test_every_table_on_the_page_has_its_csv(lead_client):
    from clinic import report, selectors

    period = selectors.period_for(start=date(2026, 6, 1), end=date(2026, 6, 10))
    for table in report.all_tables(period):
        response = lead_client.get(f"/clinic/export/{table.key}.csv")
        assert response.status_code == 200, table.key
        assert next(csv.reader(io.StringIO(response.content.decode()))) == list(table.columns)
    assert lead_client.get("/clinic/export/nothing.csv").status_code == 404


def test_the_clinician_pages_link_to_it_for_a_lead_only(client, clinician_user):
    client.force_login(clinician_user)
    assert 'href="/clinic/"' not in client.get("/clinician/").content.decode()
    owner = StaffFactory(username="owner", roles=["Clinician", CLINIC_LEAD])
    client.force_login(owner)
    assert 'href="/clinic/"' in client.get("/clinician/").content.decode()


def test_the_figures_are_kept_five_minutes_and_every_view_is_still_audited(
    lead_client, pinned_clock
):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(6):
        submitted_intake(email=f"r{n}@example.com", primary_driver="hip_mobility")
    first = lead_client.get("/clinic/").content.decode()
    assert '<th scope="row">Hip mobility</th><td>6</td>' in first
    assert "Figures as of" in first
    submitted_intake(email="r7@example.com", primary_driver="hip_mobility")
    with CaptureQueriesContext(connection) as kept:
        again = lead_client.get("/clinic/").content.decode()
    assert '<th scope="row">Hip mobility</th><td>6</td>' in again  # the kept figures
    assert not any("assessments_submission" in q["sql"] for q in kept.captured_queries)
    pinned_clock.shift(timedelta(minutes=5, seconds=1))
    fresh = lead_client.get("/clinic/").content.decode()
    assert '<th scope="row">Hip mobility</th><td>7</td>' in fresh
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_CLINIC).count() == 3
