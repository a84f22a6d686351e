"""A clinician reviews a red-flag intake in real Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.assessment_data import WEAK_GLUTES, make_submission, with_changes
from tests.e2e.conftest import assert_accessible
from tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.e2e


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_clinician_reviews_a_red_flag_intake(live_server, page: Page):
    StaffFactory(username="drlee", roles=["Clinician"])
    make_submission(first_name="Plain", last_name="Runner")
    # The questionnaire stopped at the urgent answer: only the consent email was given.
    urgent = make_submission(
        with_changes(WEAK_GLUTES, safety_check={"safety_urgent": ["knee_locked"]}),
        email="urgent.runner@example.com",
    )
    sign_in(page, live_server.url, "drlee")
    expect(page).to_have_url(re.compile(r"/clinician/$"))
    rows = page.locator("table.queue-table tbody tr")
    expect(rows.first).to_contain_text(f"Intake #{urgent.pk}")  # red flags first
    expect(rows.first).to_contain_text("Urgent")
    assert_accessible(page)

    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Red flags")).to_be_visible()
    expect(page.locator("#stopped-early")).to_be_visible()
    expect(page.locator("main")).to_contain_text("urgent.runner@example.com")
    assert_accessible(page)

    page.get_by_role("button", name="Save note").click()
    expect(page.locator("main")).to_contain_text("Please write the note first.")
    page.get_by_label("Private note").fill(
        "Called: knee locked since Tuesday, sent to urgent care."
    )
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("main")).to_contain_text("sent to urgent care")
    page.get_by_role("button", name="Mark reviewed").click()
    # The queue flows on: the next intake opens; this one now reads as reviewed.
    expect(page.locator("main")).to_contain_text(f"Intake #{urgent.pk} marked as reviewed")
    page.goto(f"{live_server.url}/clinician/intake/{urgent.pk}/")
    expect(page.locator("main")).to_contain_text("Reviewed by")
    assert_accessible(page)

    # After the phone triage, the clinician lifts the block on booking.
    page.get_by_label(re.compile("Why it can be cleared")).fill(
        "Seen by GP, cleared for evaluation."
    )
    page.get_by_role("button", name="Clear the flag for booking").click()
    expect(page.locator("#flag-cleared")).to_contain_text("Seen by GP, cleared for evaluation.")
    assert_accessible(page)

    page.get_by_role("link", name="Pre-visit brief").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pre-visit brief")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.emulate_media(media="screen")
    assert_accessible(page)
    assert urgent.pk
