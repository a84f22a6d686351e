"""A runner completes the self-assessment (version 2's core) in real Chromium, as on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Submission
from tests.assessment_data import V2_CORE
from tests.e2e.conftest import assert_accessible
from tests.factories import booking_clinic

pytestmark = pytest.mark.e2e


def fill_step(page: Page, answers: dict) -> None:
    """Answer a page as a thumb does: tap the option's row (its label), type numbers."""
    for name, value in answers.items():
        values = value if isinstance(value, list) else [value]
        inputs = page.locator(f"input[name='{name}']")
        if inputs.first.get_attribute("type") in ("radio", "checkbox"):
            for item in values:
                option = page.locator(f"input[name='{name}'][value='{item}']")
                page.locator(f"label[for='{option.get_attribute('id')}']").click()
                expect(option).to_be_checked()
        else:
            page.locator(f"[name='{name}']").fill(value)


def continue_(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_runner_completes_the_assessment_and_sees_the_result(live_server, page: Page, browser):
    booking_clinic()
    page.goto(live_server.url + "/assessment/")
    expect(page.locator("main")).to_contain_text("About 4 minutes; 13 more if you want")
    assert_accessible(page)
    page.get_by_role("button", name="Start the self-assessment").click()
    # Forgot to consent: the message is next to the box and the error summary gets focus.
    expect(page.locator("#id_consent_error")).to_contain_text("tick the box")
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page)
    page.get_by_label(re.compile("I understand this is a self-check")).check()
    page.get_by_role("button", name="Start the self-assessment").click()

    # Page 1, with a mistake: a required answer left out, then corrected.
    answers = V2_CORE["your-running"]
    expect(page.locator(".progress-named")).to_contain_text("Your running")
    expect(page.locator(".progress-named")).to_be_visible()  # the step names, on a phone
    fill_step(page, {k: v for k, v in answers.items() if k != "sitting_hours"})
    continue_(page)
    expect(page.locator("#error-sitting_hours")).to_be_visible()
    expect(page.locator("input[name='age_band'][value='35_to_54']")).to_be_checked()
    assert_accessible(page)
    fill_step(page, {"sitting_hours": answers["sitting_hours"]})
    continue_(page)

    # Page 2, with the tap scale, then the browser's back button: the answers are there.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your pain")
    assert_accessible(page)
    fill_step(page, V2_CORE["your-pain"])
    for label in page.locator(".tap-scale-point").all():
        assert label.bounding_box()["height"] >= 44
    for row in page.locator(".option-row").all():
        assert row.bounding_box()["height"] >= 44
    continue_(page)
    # Back only once the next page has loaded (mid-navigation, Chromium may drop the page).
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety check")
    page.go_back()
    expect(page.locator("input[name='pain_worst'][value='6']")).to_be_checked()
    continue_(page)

    # Page 3: the safety lists, "check your answers" collapsed, the optional details.
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety check")
    fill_step(page, V2_CORE["safety-check"])
    expect(page.locator(".check-answers dl").first).to_be_hidden()
    page.get_by_text("Check your answers").click()
    expect(page.locator(".check-answers")).to_contain_text("Outside of the knee")
    assert_accessible(page)
    page.get_by_label("First name").fill("Riley")
    page.get_by_label("Phone").fill("12")
    page.get_by_role("button", name="See my result").click()
    expect(page.locator("#id_contact-phone_error")).to_contain_text("7 to 15 digits")
    expect(page.get_by_label("First name")).to_have_value("Riley")
    assert_accessible(page)
    page.get_by_label("Phone").fill("(301) 555-0100")
    page.get_by_role("button", name="See my result").click()

    expect(page.locator(".result-headline")).to_contain_text("Your result, Riley")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your pain fits the usual IT band pattern."
    )
    expect(page.locator(".opening-time")).to_have_count(3)
    token = Submission.objects.get().token
    expect(page.locator(".opening-time").first).to_have_attribute(
        "href", re.compile(f"intake={token}")
    )
    assert_accessible(page)


def test_resume_link_works_in_a_fresh_browser(live_server, page: Page, browser):
    page.goto(live_server.url + "/assessment/")
    page.get_by_label(re.compile("I understand this is a self-check")).check()
    page.get_by_role("button", name="Start the self-assessment").click()
    fill_step(page, V2_CORE["your-running"])
    continue_(page)
    fill_step(page, {"pain_side": "left"})
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    assert_accessible(page)
    resume_url = page.locator("#resume-url").get_attribute("href")

    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        fresh = other.new_page()
        fresh.goto(resume_url)
        expect(fresh.get_by_role("heading", level=1)).to_have_text("Your pain")
        expect(fresh.locator("input[name='pain_side'][value='left']")).to_be_checked()
    finally:
        other.close()


def keyboard_answer_step(page: Page, answers: dict, *, max_tabs: int = 200) -> None:
    """Answer a step with the keyboard alone: Tab through it, arrows for radios, Space for
    checkboxes, typing into number fields, Enter on Continue."""
    done: set[str] = set()
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; return {tag: e.tagName, type: e.type,"
            " name: e.name, value: e.value, checked: e.checked, text: e.textContent}; }"
        )
        name, kind = focused["name"], focused["type"]
        wanted = answers.get(name)
        if kind == "radio" and name not in done and wanted is not None:
            for _ in range(10):
                current = page.evaluate("() => document.activeElement.value")
                if current == wanted:
                    page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
            done.add(name)
        elif (
            kind == "checkbox" and wanted and focused["value"] in wanted and not focused["checked"]
        ):
            page.keyboard.press("Space")
        elif kind == "number" and wanted is not None and name not in done:
            page.keyboard.type(wanted)
            done.add(name)
        elif focused["tag"] == "BUTTON" and focused["value"] == "next":
            page.keyboard.press("Enter")
            return
    raise AssertionError("never reached the Continue button")


def test_the_whole_questionnaire_works_with_the_keyboard_alone(live_server, page: Page):
    page.goto(live_server.url + "/assessment/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "consent":
            break
    page.keyboard.press("Space")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.tagName") == "BUTTON":
            break
    page.keyboard.press("Enter")
    for slug, answers in V2_CORE.items():
        expect(page).to_have_url(re.compile(f"/step/{slug}/$"))
        keyboard_answer_step(page, answers)
    expect(page.locator(".result-headline")).to_contain_text("Your result")
    expect(page.get_by_role("heading", level=2, name="Book your evaluation")).to_be_visible()
