"""The front desk finds a patient and edits schedules in real Chromium (with axe checks)."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from booking.models import Closure, WeeklyAvailability
from tests.assessment_data import make_submission
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    TEST_PASSWORD,
    AppointmentFactory,
    LocationFactory,
    PatientFactory,
    StaffFactory,
    booking_clinic,
)

pytestmark = pytest.mark.e2e


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def clinic(transactional_db):
    clinic = booking_clinic(weekdays=range(5))  # Monday to Friday at Bethesda, 8:00 AM–5:00 PM
    clinic.mclean = LocationFactory(name="McLean", city="McLean", region="VA")
    StaffFactory(username="frontdesk", roles=["Front desk"])
    return clinic


def test_desk_finds_a_patient_and_sees_a_summary(live_server, page: Page, clinic):
    born = date(1990, 4, 23)
    riley = PatientFactory(
        first_name="Riley", last_name="Runner", email="riley@example.com", date_of_birth=born
    )
    intake = make_submission(
        first_name="Riley", last_name="Runner", email="riley@example.com", date_of_birth=born
    )
    AppointmentFactory(
        patient=riley, clinician=clinic.clinician, location=clinic.location, submission=intake
    )
    sign_in(page, live_server.url, "frontdesk")

    page.goto(live_server.url + "/desk/patients/")
    assert_accessible(page)
    page.get_by_label("Name, email, phone or date of birth").fill("runner riley")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_contain_text("1 patient matching")
    assert_accessible(page)

    page.get_by_role("link", name="Runner, Riley").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riley Runner")
    expect(page.locator("table.patient-appointments")).to_contain_text(
        clinic.clinician.display_name
    )
    expect(page.locator("table.patient-intakes")).to_contain_text("Awaiting review")
    expect(page.locator("main")).not_to_contain_text("Outside of the knee")
    assert_accessible(page)

    page.get_by_role("textbox", name="Email", exact=True).fill("not an email")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.locator("#id_email_error")).to_contain_text("Enter an email address")
    expect(page.get_by_label("First name")).to_have_value("Riley")
    assert_accessible(page)


def test_desk_adds_weekly_hours_and_a_closure(live_server, page: Page, clinic):
    sign_in(page, live_server.url, "frontdesk")
    page.goto(live_server.url + "/desk/schedules/")
    expect(page.locator("table.schedule-grid")).to_contain_text("Bethesda 8:00 AM–5:00 PM")
    assert_accessible(page)

    page.get_by_role("link", name=clinic.clinician.display_name).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(clinic.clinician.display_name)
    assert_accessible(page)
    form = page.locator("form", has=page.get_by_role("button", name="Add hours"))

    # Monday morning at McLean overlaps the Bethesda hours: refused next to the fields.
    form.get_by_label("Clinic").select_option(label="McLean")
    form.get_by_label("Day of the week").select_option(label="Monday")
    form.get_by_label("From").fill("07:00")
    form.get_by_label("To").fill("12:00")
    form.get_by_role("button", name="Add hours").click()
    expect(page.locator("#id_start_error")).to_contain_text(
        "Overlaps this clinician's hours on Monday at Bethesda"
    )
    assert_accessible(page)

    form.get_by_label("Day of the week").select_option(label="Saturday")
    form.get_by_role("button", name="Add hours").click()
    expect(page.locator(".messages")).to_contain_text(
        "Hours added: Saturday, McLean 7:00 AM–12:00 PM."
    )
    assert_accessible(page)
    assert WeeklyAvailability.objects.filter(
        clinician=clinic.clinician, location=clinic.mclean, weekday=5
    ).exists()

    page.get_by_role("link", name="Remove Saturday McLean 7:00 AM–12:00 PM").click()
    expect(page.get_by_role("button", name="Remove these hours")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Keep them").click()
    # Back on the clinician's page before the next click (not on the page being left).
    expect(page.get_by_role("button", name="Remove these hours")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(clinic.clinician.display_name)

    page.get_by_role("link", name="Schedules", exact=True).first.click()
    page.get_by_role("link", name="Manage closures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinic closures and holidays")
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=10)
    page.get_by_label("Clinic").select_option(label="Both clinics")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Reason").fill("Staff training")
    page.get_by_role("button", name="Add closure").click()
    expect(page.locator(".messages")).to_contain_text("Closure added: Bethesda and McLean")
    expect(page.locator("table.closures-table")).to_contain_text("Staff training")
    assert_accessible(page)
    assert Closure.objects.filter(date=day).count() == 2
