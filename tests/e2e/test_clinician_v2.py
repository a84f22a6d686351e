"""The clinician's second version (issue 16, problems 7-10) in real Chromium at 1366×768: the
brief a DPT uses, flags as actions with staff colours, the intake's answers, and the queue as a
flow. axe-clean on every page visited."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import Submission
from tests.assessment_data import V2_CORE, WEAK_GLUTES, make_submission, with_changes
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_clinician_review import sign_in
from tests.factories import AppointmentFactory, PatientFactory, StaffFactory

pytestmark = pytest.mark.e2e

URGENT = with_changes(WEAK_GLUTES, safety_check={"safety_urgent": ["knee_locked"]})
EMERGENCY = with_changes(WEAK_GLUTES, safety_check={"safety_emergency": ["calf_clot"]})
SOFT = with_changes(WEAK_GLUTES, safety_check={"safety_soft": ["giving_way"]})
MINOR = with_changes(WEAK_GLUTES, about_you={"age_band": "under_18"})
ORANGE, RED, NEUTRAL = "rgb(253, 126, 20)", "rgb(176, 42, 55)", "rgb(86, 94, 100)"


@pytest.fixture
def clinician(live_server, page: Page) -> Page:
    page.set_viewport_size({"width": 1366, "height": 768})
    StaffFactory(username="drlee", roles=["Clinician"])
    return page


def waited(intake, hours: float) -> None:
    Submission.objects.filter(pk=intake.pk).update(
        submitted_at=timezone.now() - timedelta(hours=hours)
    )


def top(page: Page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def test_the_brief_tells_the_pain_story_first_and_prints_on_one_page(live_server, clinician: Page):
    page = clinician
    intake = make_submission(URGENT, email="urgent@example.com")
    sign_in(page, live_server.url, "drlee")
    page.goto(f"{live_server.url}/clinician/intake/{intake.pk}/brief/")
    expect(page.get_by_role("heading", name="Pain story")).to_be_visible()
    story = page.locator("#pain-story")
    expect(story).to_contain_text("Right")
    expect(story).to_contain_text("6 out of 10")
    # The pain story, then the flags as actions, then the drivers.
    assert top(page, "#pain-story") < top(page, "#flag-actions") < top(page, "#profile-title")
    actions = page.locator("#flag-actions")
    expect(actions).to_contain_text("same-day medical assessment")
    expect(actions).not_to_contain_text("don't run until you've been checked")
    expect(page.locator("#flag-state")).to_contain_text(re.compile(r"Phoned\?\s*Not yet"))
    expect(page.locator("#flag-state")).to_contain_text(re.compile(r"Cleared\?\s*Not yet"))
    assert_accessible(page)

    # A full intake (every self-test done, a soft flag, notes): still one printed page.
    full = make_submission(SOFT, first_name="Riley", last_name="Full", phone="301-555-0100")
    page.goto(f"{live_server.url}/clinician/intake/{full.pk}/")
    page.get_by_label("Private note").fill("Ran a half marathon last month; ask about shoes.")
    page.get_by_role("button", name="Save note").click()
    page.get_by_role("link", name="Pre-visit brief").click()
    expect(page.locator("#flag-actions")).to_contain_text("ligament stability")
    expect(page.locator(".findings .finding-abnormal").first).to_be_visible()
    expect(page.locator(".findings .finding-abnormal").first).to_contain_text("Abnormal:")
    assert_accessible(page)
    screenshot(page, "clinician-brief")
    pdf = page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_flags_are_staff_actions_with_their_own_colours(live_server, clinician: Page):
    page = clinician
    make_submission(EMERGENCY, first_name="Em")
    make_submission(URGENT, first_name="Ur")
    make_submission(SOFT, first_name="So")
    minor = make_submission(MINOR, first_name="Young", date_of_birth=date(2010, 2, 1))
    sign_in(page, live_server.url, "drlee")
    for css, colour in (("flag-emergency", RED), ("flag-urgent", ORANGE), ("flag-soft", NEUTRAL)):
        badge = page.locator(f"table.queue-table .{css}").first
        expect(badge).to_have_css("background-color", colour)
    expect(page.locator("table.queue-table .flag-urgent").first).to_have_css(
        "color", "rgb(0, 0, 0)"
    )
    assert_accessible(page)

    page.goto(f"{live_server.url}/clinician/intake/{minor.pk}/")
    expect(page.locator("#flag-actions")).to_have_count(0)  # under 18 is not a red flag
    expect(page.locator("#runner-age")).to_contain_text("16")
    expect(page.locator("#minor-info")).to_have_text("Minor")
    expect(page.locator("#guardian")).to_contain_text("needed before the visit")
    assert_accessible(page)


def test_the_intake_opens_the_self_tests_and_marks_what_is_abnormal(live_server, clinician: Page):
    page = clinician
    intake = make_submission(phone="(301) 555-0100", date_of_birth=date(1990, 1, 5))
    patient = PatientFactory(guardian_name="Pat Doe", guardian_phone="(301) 555-0177")
    AppointmentFactory(submission=intake, patient=patient)
    core_only = make_submission(V2_CORE, version="2")
    sign_in(page, live_server.url, "drlee")
    page.goto(f"{live_server.url}/clinician/intake/{intake.pk}/")
    expect(page.locator("#answers-strength-balance")).to_have_attribute("open", "")
    expect(page.locator('[data-link-id="single_leg_stance"]')).to_be_visible()
    expect(page.locator('[data-link-id="single_leg_stance"]')).to_contain_text("Abnormal:")
    expect(page.locator('[data-link-id="deep_squat"]')).not_to_contain_text("Abnormal")
    expect(page.locator('[data-link-id="sex"]')).to_be_hidden()  # background: collapsed
    expect(page.locator("#runner-age")).to_contain_text("36")
    expect(page.locator("#guardian")).to_contain_text("Pat Doe")
    expect(page.get_by_role("link", name="(301) 555-0100")).to_have_attribute(
        "href", "tel:3015550100"
    )
    assert_accessible(page)

    page.goto(f"{live_server.url}/clinician/intake/{core_only.pk}/")
    expect(page.locator("#answers-strength-balance")).to_contain_text("module not done")
    expect(page.locator('[data-link-id="side_plank"]')).to_have_text("Not tested")
    expect(page.locator(".driver-row", has_text="Strength balance")).to_contain_text("not measured")
    assert_accessible(page)


def test_the_queue_flows_from_one_intake_to_the_next(live_server, clinician: Page):
    page = clinician
    urgent = make_submission(URGENT, first_name="Urgent", phone="301-555-0199")
    plain = make_submission(first_name="Plain")
    waited(urgent, 3.5)
    sign_in(page, live_server.url, "drlee")
    first_row = page.locator("table.queue-table tbody tr").first
    expect(first_row).to_contain_text(f"Intake #{urgent.pk}")
    expect(first_row).to_contain_text("waiting 3 h")
    expect(page.locator("table.queue-table tbody tr").nth(1)).not_to_contain_text("waiting")
    assert_accessible(page)

    first_row.get_by_role("link").click()
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page).to_have_url(re.compile(rf"/clinician/intake/{plain.pk}/$"))
    expect(page.locator("main")).to_contain_text(f"Intake #{urgent.pk} marked as reviewed")
    assert_accessible(page)
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page).to_have_url(re.compile(r"/clinician/$"))
    expect(page.locator("main")).to_contain_text("No more intakes to review.")
    assert_accessible(page)
