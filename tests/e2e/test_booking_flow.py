"""Booking in real Chromium: keyboard only, the manage link, an intake; axe on every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from booking.models import Appointment
from tests.e2e.conftest import assert_accessible
from tests.factories import booking_clinic, submitted_intake

pytestmark = pytest.mark.e2e


@pytest.fixture
def clinic():
    return booking_clinic(clinicians=2)


def tab_to(page: Page, locator, limit: int = 80) -> None:
    """Press Tab until ``locator`` has the focus (a keyboard user's way through the page)."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("never reached the element with Tab")


def fill_details(page: Page, *, keyboard: bool) -> None:
    values = [
        ("First name", "Riley"),
        ("Last name", "Runner"),
        ("Email", "riley@example.com"),
        ("Phone", "(301) 555-0100"),
    ]
    for label, value in values:
        field = page.get_by_role("textbox", name=label, exact=True)
        if keyboard:
            tab_to(page, field)
            page.keyboard.type(value)
        else:
            field.fill(value)
    page.get_by_label("Date of birth").fill("1990-04-23")
    policy = page.get_by_label("I accept the cancellation policy.")
    if keyboard:
        tab_to(page, policy)
        page.keyboard.press("Space")
    else:
        policy.check()


def test_book_with_the_keyboard_then_reschedule_and_cancel(live_server, page: Page, clinic):
    page.goto(live_server.url + "/book/")
    # Without a self-assessment, the safety question first (keyboard only too).
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you book")
    none_of_these = page.get_by_label("None of these")
    tab_to(page, none_of_these)
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a 1-on-1 evaluation")
    assert_accessible(page)

    # Keyboard only: choose the clinic; the times update in place (JavaScript).
    clinic_radio = page.get_by_label(clinic.location.name)
    tab_to(page, clinic_radio)
    page.keyboard.press("Space")
    times = page.locator(".time-list a")
    expect(times.first).to_be_visible()
    assert "/book/?" in page.url or page.url.endswith("/book/")  # no page load was needed
    assert_accessible(page)

    # The second day on offer, with the keyboard.
    second_day = page.locator(".day-list a").nth(1)
    day_label = second_day.inner_text().split(",")[0:2]
    tab_to(page, second_day)
    page.keyboard.press("Enter")
    expect(page.locator(".day-list a[aria-current=date]")).to_contain_text(day_label[1].strip())
    first_time = page.locator(".time-list a").first
    expect(first_time).to_be_visible()
    tab_to(page, first_time)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    assert_accessible(page)
    fill_details(page, keyboard=True)
    confirm = page.get_by_role("button", name="Confirm booking")
    tab_to(page, confirm)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("You're booked")
    assert_accessible(page)
    appointment = Appointment.objects.get()
    assert appointment.patient.email == "riley@example.com"
    manage_url = page.url

    # Reschedule through the manage link.
    page.get_by_role("link", name="Choose a new time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new time")
    assert_accessible(page)
    third_day = page.locator(".day-list a").nth(2)
    third_label = third_day.inner_text().split(",")[1].strip()
    third_day.click()
    # The list is swapped in place: wait for the new day before picking one of its times.
    expect(page.locator(".day-list a[aria-current=date]")).to_contain_text(third_label)
    page.locator(".time-list a").nth(1).click()
    expect(page.get_by_role("button", name="Confirm the new time")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the new time").click()
    expect(page.get_by_text("Your appointment has been moved")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.sequence == 1
    assert page.url == manage_url

    # Then cancel it.
    page.get_by_label("Reason (optional)").fill("Travelling for work")
    page.get_by_role("button", name="Cancel this appointment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This appointment is cancelled")
    assert_accessible(page)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED_PATIENT


def test_book_from_an_intake_with_the_recommendation_prefilled(live_server, page: Page, clinic):
    intake = submitted_intake()
    page.goto(f"{live_server.url}/book/?intake={intake.token}")
    assert_accessible(page)
    expect(page.get_by_label(re.compile(r"^Initial running evaluation with gait"))).to_be_checked()
    expect(page.get_by_text("Recommended for you")).to_be_visible()
    page.get_by_label(clinic.location.name).check()
    page.locator(".time-list a").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    expect(page.get_by_role("textbox", name="First name", exact=True)).to_have_value("Casey")
    expect(page.get_by_role("textbox", name="Email", exact=True)).to_have_value("casey@example.com")
    expect(page.get_by_label("Date of birth")).to_have_value("1988-06-01")
    assert_accessible(page)
    page.get_by_label("I accept the cancellation policy.").check()
    page.get_by_role("button", name="Confirm booking").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You're booked")
    appointment = Appointment.objects.get()
    assert appointment.submission == intake
    assert appointment.appointment_type.slug == "initial-evaluation-gait"
    assert appointment.end - appointment.start == timedelta(minutes=90)
    assert appointment.start > timezone.now()


def test_bad_input_shows_the_error_summary(live_server, page: Page, clinic):
    page.goto(
        f"{live_server.url}/book/?location={clinic.location.slug}&type=initial-evaluation"
        "&safety=none"  # the safety question answered "None of these"
    )
    page.locator(".time-list a").first.click()
    page.get_by_role("textbox", name="First name", exact=True).fill("Riley")
    page.get_by_role("button", name="Confirm booking").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.get_by_role("textbox", name="First name", exact=True)).to_have_value("Riley")
    assert_accessible(page)
