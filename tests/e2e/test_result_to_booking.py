"""From a runner's result page to a confirmed booking, in real Chromium."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from booking.models import Appointment
from tests.assessment_data import make_submission
from tests.e2e.conftest import assert_accessible
from tests.factories import booking_clinic

pytestmark = pytest.mark.e2e


def test_a_runner_books_from_their_result(live_server, page: Page):
    clinic = booking_clinic(clinicians=2)
    intake = make_submission(
        first_name="Riley",
        last_name="Runner",
        email="riley@example.com",
        phone="(301) 555-0100",
        date_of_birth=date(1990, 4, 23),
    )
    page.goto(f"{live_server.url}/assessment/{intake.token}/result/")
    assert_accessible(page)
    page.get_by_role("link", name="Book a 1-on-1 evaluation in Bethesda or McLean").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Book a 1-on-1 evaluation")
    expect(page.get_by_label("Initial running evaluation", exact=False).first).to_be_checked()
    page.get_by_label(clinic.location.name).check()
    page.locator(".time-list a").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    expect(page.get_by_role("textbox", name="First name", exact=True)).to_have_value("Riley")
    expect(page.get_by_role("textbox", name="Email", exact=True)).to_have_value("riley@example.com")
    expect(page.get_by_label("Date of birth")).to_have_value("1990-04-23")
    assert_accessible(page)
    page.get_by_label("I accept the cancellation policy.").check()
    page.get_by_role("button", name="Confirm booking").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You're booked")
    assert_accessible(page)
    appointment = Appointment.objects.get()
    assert appointment.submission == intake
    assert appointment.appointment_type.slug == intake.recommended_appointment
    assert appointment.patient.email == "riley@example.com"
