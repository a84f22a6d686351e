"""A front-desk morning in real Chromium: book for a caller, check in, reschedule, no-show."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from booking.models import Appointment
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_clinician_review import sign_in
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    StaffFactory,
    booking_clinic,
    local_time,
)

pytestmark = pytest.mark.e2e


def test_front_desk_runs_the_day(live_server, page: Page):
    StaffFactory(username="fran", roles=["Front desk"])
    clinic = booking_clinic(clinicians=2)
    today = timezone.localdate()
    later = timezone.now() + timedelta(hours=2)
    arriving = AppointmentFactory(
        clinician=clinic.clinicians[0],
        location=clinic.location,
        start=later,
        end=later + timedelta(hours=1),
        appointment_type=clinic.types["initial-evaluation"],
        patient=PatientFactory(first_name="Maya", last_name="Brooks"),
    )
    moving_start = local_time(clinic.location, today + timedelta(days=3), 9)
    moving = AppointmentFactory(
        clinician=clinic.clinicians[1],
        location=clinic.location,
        start=moving_start,
        end=moving_start + timedelta(hours=1),
        appointment_type=clinic.types["initial-evaluation"],
        patient=PatientFactory(first_name="Ethan", last_name="Park"),
    )
    PatientFactory(first_name="Sofia", last_name="Reyes", email="sofia@example.com")

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    sign_in(page, live_server.url, "fran")
    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(page.locator("main")).to_contain_text("Maya Brooks")
    assert_accessible(page)

    # Check Maya in from the day view: one click, her name and birthday confirmed in the page.
    page.get_by_role("link", name=re.compile("Maya Brooks")).click()
    assert_accessible(page)
    expect(page.locator("#check-in-who")).to_contain_text("Maya Brooks, born")
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("#appointment-status")).to_have_text("Checked in")
    # A wrong click is taken back in the page, for a few minutes.
    page.get_by_role("button", name="Undo check-in").click()
    expect(page.locator("#appointment-status")).to_have_text("Booked")
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("#appointment-status")).to_have_text("Checked in")
    assert_accessible(page)

    # A no-show asks in the page, not in a pop-up.
    page.locator("summary", has_text="Mark no-show").click()
    page.get_by_role("button", name="Yes, mark no-show").click()
    expect(page.locator("#appointment-status")).to_have_text("No-show")
    assert dialogs == []  # no browser pop-up on any routine action
    expect(page.locator("#history-title + ul")).to_contain_text(
        "Checked in → Booked (undone), by Sam Staff"
    )

    # Reschedule Ethan to the next free time on another day: his clinician is kept.
    page.goto(f"{live_server.url}/desk/appointments/{moving.pk}/reschedule/")
    assert_accessible(page)
    page.locator("main ul li a.btn:not([aria-current])").first.click()
    page.locator("main ul li a", has_text="with Dr B.").first.click()
    expect(page.locator("#confirm-move")).to_contain_text("with Dr B. Test, PT, DPT")
    assert_accessible(page)
    page.get_by_role("button", name="Move and email the patient").click()
    expect(page.locator(".messages")).to_contain_text("Moved to")
    expect(page.locator(".messages")).to_contain_text("with Dr B. Test, PT, DPT.")
    expect(page.locator("#history-title + ul")).to_contain_text(
        re.compile(r"Moved: .* with Dr B\. Test, PT, DPT → .* with Dr B\. Test, PT, DPT")
    )
    moving.refresh_from_db()
    assert moving.start != moving_start
    assert moving.clinician == clinic.clinicians[1]

    # Book for a caller found by email.
    page.get_by_role("button", name="Open the menu").click()  # a phone-sized screen
    page.get_by_role("link", name="Book for a caller").click()
    page.get_by_label("Find the caller").fill("sofia@example.com")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Book for Sofia")).click()
    page.get_by_role("button", name="Show times").click()
    assert_accessible(page)
    page.locator("main ul li a.btn-outline-dark").first.click()
    expect(page.get_by_label("First name")).to_have_value("Sofia")
    page.get_by_role("textbox", name="Phone", exact=True).fill("(703) 555-0101")
    assert_accessible(page)
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator(".messages")).to_contain_text("Booked")
    assert (
        Appointment.objects.filter(patient__email="sofia@example.com", source="desk").count() == 1
    )

    page.get_by_role("button", name="Open the menu").click()
    page.get_by_role("link", name="Week").first.click()
    assert_accessible(page)
    arriving.refresh_from_db()
    assert arriving.status == Appointment.Status.NO_SHOW
