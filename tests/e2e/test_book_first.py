"""Issue 15 end to end in Chromium on a 390x844 phone: the four-minute core, a result with
times above the fold, one tap to pre-filled details, booked; then a home-test module done after
booking updates the profile the clinician sees (1366x768). Axe on every page.

The walk is timed and its taps counted; ``WALK_REPORT`` (an env var naming a file) gets a
line with both, for the issue's note."""

import json
import os
import re
import time

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Submission
from booking.models import Appointment
from tests.assessment_data import V2_CORE, V2_MODULES
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_clinician_review import sign_in
from tests.factories import LocationFactory, StaffFactory, booking_clinic

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


class Thumb:
    """Taps and types as a runner does, counting each tap (a typed field counts as one)."""

    def __init__(self, page: Page):
        self.page = page
        self.taps = 0

    def tap(self, locator) -> None:
        locator.click()
        self.taps += 1

    def type(self, locator, text: str) -> None:
        locator.fill(text)
        self.taps += 1

    def answer(self, answers: dict) -> None:
        for name, value in answers.items():
            for item in value if isinstance(value, list) else [value]:
                option = self.page.locator(f"input[name='{name}'][value='{item}']")
                # The whole row is the target: tap its label, not the small circle.
                self.tap(self.page.locator(f"label[for='{option.get_attribute('id')}']"))
                expect(option).to_be_checked()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def test_core_to_booked_then_a_module_updates_the_clinicians_view(live_server, page: Page, browser):
    bethesda = booking_clinic(clinicians=2)
    booking_clinic(location=LocationFactory(name="McLean", slug="mclean"))
    StaffFactory(username="drlee", roles=["Clinician"])
    thumb = Thumb(page)
    started = time.monotonic()

    page.goto(live_server.url + "/assessment/")
    assert_accessible(page)
    thumb.tap(page.get_by_text(re.compile("I understand this is a self-check")))
    thumb.tap(page.get_by_role("button", name="Start the self-assessment"))
    for slug in ("your-running", "your-pain"):
        expect(page).to_have_url(re.compile(f"/step/{slug}/$"))
        assert_accessible(page)
        no_sideways_scroll(page)
        thumb.answer(V2_CORE[slug])
        thumb.tap(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety check")
    assert_accessible(page)
    thumb.answer(V2_CORE["safety-check"])
    thumb.type(page.get_by_label("First name"), "Riley")
    thumb.type(page.get_by_label("Last name"), "Runner")
    thumb.type(page.get_by_label("Email"), "riley@example.com")
    thumb.type(page.get_by_label("Phone"), "(301) 555-0100")
    thumb.type(page.get_by_label("Date of birth"), "1990-04-23")
    thumb.tap(page.get_by_role("button", name="See my result"))
    core_seconds = time.monotonic() - started
    core_taps = thumb.taps

    # The result: headline, then the times, above the fold and above the booking bar.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your pain fits the usual IT band pattern."
    )
    expect(page.locator(".result-headline")).to_contain_text("likely trigger")
    expect(page.locator(".result-headline")).to_contain_text("Your evaluation will check")
    times = page.locator(".opening-time")
    expect(times).to_have_count(6)  # three at each clinic
    first = times.first.bounding_box()
    bar = page.locator(".book-bar")
    expect(bar).to_be_visible()
    bar_top = bar.bounding_box()["y"]
    assert first["y"] + first["height"] < PHONE["height"], first
    assert first["y"] + first["height"] <= bar_top, (first, bar_top)
    assert_accessible(page)
    no_sideways_scroll(page)
    # The bar stays at the bottom of the screen while the runner reads on.
    page.mouse.wheel(0, 1500)
    expect(bar).to_be_in_viewport()
    assert abs(bar.bounding_box()["y"] - bar_top) < 2
    page.mouse.wheel(0, -3000)

    thumb.tap(times.first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    expect(page.get_by_role("textbox", name="First name", exact=True)).to_have_value("Riley")
    expect(page.get_by_role("textbox", name="Email", exact=True)).to_have_value("riley@example.com")
    expect(page.get_by_label("Date of birth")).to_have_value("1990-04-23")
    assert_accessible(page)
    thumb.tap(page.get_by_label("I accept the cancellation policy."))
    thumb.tap(page.get_by_role("button", name="Confirm booking"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You're booked")
    assert_accessible(page)
    booked_seconds, booked_taps = time.monotonic() - started, thumb.taps
    intake = Submission.objects.get()
    appointment = Appointment.objects.get()
    assert appointment.submission == intake and appointment.location == bethesda.location
    assert appointment.appointment_type.slug == intake.recommended_appointment
    assert appointment.patient.email == "riley@example.com"

    # After booking, through the same private link: one module, with the built-in timer.
    page.goto(f"{live_server.url}/assessment/{intake.token}/result/")
    expect(page.locator(".driver-row[data-driver='strength_balance']")).to_contain_text(
        "Not measured yet"
    )
    module_started, module_taps = time.monotonic(), thumb.taps
    thumb.tap(page.get_by_role("link", name=re.compile("^Strength balance")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Strength balance")
    expect(page.get_by_role("img", name="Side plank")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    answers = dict(V2_MODULES["strength-balance"])
    thumb.answer({"side_plank": answers.pop("side_plank")})
    timer = page.locator("button[data-timer-for='side_plank_left']")
    thumb.tap(timer)
    expect(timer).to_have_text("Stop")
    page.wait_for_timeout(1200)
    thumb.tap(timer)
    expect(page.locator("[name='side_plank_left']")).not_to_have_value("")
    assert int(page.locator("[name='side_plank_left']").input_value()) >= 1
    thumb.type(page.locator("[name='side_plank_left']"), answers.pop("side_plank_left"))
    thumb.type(page.locator("[name='side_plank_right']"), answers.pop("side_plank_right"))
    thumb.answer(answers)
    thumb.tap(page.get_by_role("button", name="Save and update my profile"))
    module_seconds = time.monotonic() - module_started
    expect(page.locator("#modules")).to_contain_text("Done: Strength balance.")
    row = page.locator(".driver-row[data-driver='strength_balance']")
    expect(row).to_contain_text("most likely")
    expect(row).not_to_contain_text("Not measured yet")
    assert_accessible(page)

    # The clinician's view of the same intake, on a desktop screen.
    desk = browser.new_context(viewport=DESKTOP)
    try:
        clinician = desk.new_page()
        sign_in(clinician, live_server.url, "drlee")
        clinician.goto(f"{live_server.url}/clinician/intake/{intake.pk}/")
        expect(clinician.locator("#modules-done")).to_contain_text("Strength balance")
        expect(clinician.locator(".driver-chart")).to_contain_text("not measured (module not done)")
        expect(clinician.locator(".driver-row.is-primary")).to_contain_text("Strength balance")
        assert_accessible(clinician)
    finally:
        desk.close()

    report = os.environ.get("WALK_REPORT")
    if report:
        with open(report, "a") as out:
            line = {
                "core_taps": core_taps,
                "core_seconds_machine": round(core_seconds, 1),
                "booked_taps": booked_taps,
                "booked_seconds_machine": round(booked_seconds, 1),
                "module_taps": thumb.taps - module_taps,
                "module_seconds_machine": round(module_seconds, 1),
            }
            out.write(json.dumps(line) + "\n")


@pytest.mark.parametrize("path", ["/", "/assessment/", "/book/", "/privacy/"])
def test_no_public_page_scrolls_sideways_at_320_px(live_server, page: Page, path):
    booking_clinic()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + path)
    no_sideways_scroll(page)
    # The brand wraps instead of pushing the page wider.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] + brand["width"] <= 320


def test_v2_pages_fit_320_px_rows_are_whole_targets_and_unticked_boxes_contrast(
    live_server, page: Page
):
    from assessments.services import submission_save_step, submission_start
    from tests.assessment_data import make_submission_v2

    booking_clinic()
    intake = make_submission_v2(first_name="Riley")
    draft = submission_start()
    for slug in ("your-running", "your-pain"):
        answers = {k: int(v) if k == "pain_worst" else v for k, v in V2_CORE[slug].items()}
        draft = submission_save_step(
            submission=draft, step_slug=slug, step_answers=answers, complete=True
        )
    page.set_viewport_size({"width": 320, "height": 640})
    paths = [
        *(f"{draft.token}/step/{slug}/" for slug in V2_CORE),
        f"{intake.token}/result/",
        *(f"{intake.token}/module/{key}/" for key in V2_MODULES),
    ]
    for path in paths:
        page.goto(f"{live_server.url}/assessment/{path}")
        no_sideways_scroll(page)
    # The whole row is the target: a tap at its far right edge ticks the box.
    page.goto(f"{live_server.url}/assessment/{draft.token}/step/safety-check/")
    row = page.locator(".option-row").filter(has_text="Chest pain or shortness of breath")
    box = row.bounding_box()
    assert box["height"] >= 44
    row.click(position={"x": box["width"] - 4, "y": box["height"] / 2})
    expect(page.get_by_label("Chest pain or shortness of breath")).to_be_checked()
    # The unticked radio's border against white: at least 3:1.
    colour = page.locator(".form-check-input").first.evaluate(
        "e => getComputedStyle(e).borderTopColor"
    )
    red, green, blue = (int(n) for n in re.findall(r"\d+", colour)[:3])

    def luminance(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * luminance(red) + 0.7152 * luminance(green) + 0.0722 * luminance(blue)
    assert (1.05) / (lum + 0.05) >= 3, colour
