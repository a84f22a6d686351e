"""Red flags in real Chromium: an emergency answer stops the self-assessment at once, and the
booking page's safety question; axe on every page."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Submission
from tests.assessment_data import V2_CORE
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_assessment import continue_, fill_step
from tests.factories import LocationFactory, booking_clinic

pytestmark = pytest.mark.e2e

LATER = ("hip-mobility", "strength-balance", "pelvic-position", "movement-technique")


@pytest.fixture
def clinics():
    clinic = booking_clinic()
    LocationFactory(name="McLean", phone="(703) 555-0187")
    return clinic


def assert_no_way_to_book(page: Page) -> None:
    expect(page.locator("a[href*='/book']")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Book"))).to_have_count(0)


def test_an_emergency_answer_stops_at_the_safety_step(live_server, page: Page, clinics):
    page.goto(live_server.url + "/assessment/")
    page.get_by_label(re.compile("I understand this is a self-check")).check()
    page.get_by_role("button", name="Start the self-assessment").click()
    fill_step(page, V2_CORE["your-running"])
    continue_(page)
    fill_step(page, V2_CORE["your-pain"])
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Safety check")
    page.get_by_label("Pain, swelling or warmth in the calf").check()
    page.get_by_role("button", name="See my result").click()

    # The safety page at once, other answers and details left out: no result, no home tests.
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get emergency care now")
    expect(page).to_have_url(re.compile(r"/result/$"))
    expect(page.locator(".safety-now")).to_contain_text("emergency department now")
    expect(page.get_by_text("(703) 555-0187").first).to_be_visible()
    expect(page.get_by_text(clinics.location.phone).first).to_be_visible()
    expect(page.locator(".driver-chart")).to_have_count(0)
    assert_no_way_to_book(page)
    assert_accessible(page)

    submission = Submission.objects.get()
    assert submission.is_submitted and submission.highest_flag == "emergency"
    base = f"{live_server.url}/assessment/{submission.token}"
    for url in [*(f"{base}/step/{slug}/" for slug in LATER), f"{base}/review/", f"{base}/"]:
        page.goto(url)
        expect(page).to_have_url(f"{base}/result/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Please get emergency care now")
    assert_no_way_to_book(page)


def test_the_booking_page_asks_the_signs_first(live_server, page: Page, clinics):
    page.goto(f"{live_server.url}/book/?location={clinics.location.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you book")
    expect(page.locator("a[href*='/book/details/']")).to_have_count(0)
    assert_accessible(page)
    # Phone-sized targets: every sign is at least 44 px tall.
    for label in page.locator(".safety-screen .form-check-label").all():
        assert label.bounding_box()["height"] >= 44

    # Nothing ticked: the error summary, focused.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page)

    page.get_by_label("After a fall, twist or knock: you can't take four steps").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please see a doctor today")
    assert_no_way_to_book(page)
    assert_accessible(page)

    # Back to the question in the same browser: the answer holds, no "None of these" way round.
    page.goto(f"{live_server.url}/book/?location={clinics.location.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Please see a doctor today")
    assert_no_way_to_book(page)

    # Another browser that never ticked a sign answers "None of these" and sees times.
    other = page.context.browser.new_page(viewport={"width": 390, "height": 844})
    other.goto(f"{live_server.url}/book/?location={clinics.location.slug}")
    other.get_by_label("None of these").check()
    other.get_by_role("button", name="Continue").click()
    expect(other.locator(".time-list a").first).to_be_visible()
    other.close()
