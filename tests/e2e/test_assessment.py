"""A runner completes the self-assessment in real Chromium, as they would on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Submission
from tests.assessment_data import WEAK_GLUTES
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def fill_step(page: Page, answers: dict) -> None:
    """Answer a step with the mouse-free Playwright helpers (label-driven where possible)."""
    for name, value in answers.items():
        if isinstance(value, list):
            for item in value:
                page.locator(f"input[name='{name}'][value='{item}']").check()
        elif page.locator(f"input[type=radio][name='{name}']").count():
            page.locator(f"input[name='{name}'][value='{value}']").check()
        else:
            page.locator(f"[name='{name}']").fill(value)


def continue_(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_runner_completes_the_assessment_and_sees_the_result(live_server, page: Page, browser):
    page.goto(live_server.url + "/assessment/")
    assert_accessible(page)
    page.get_by_role("button", name="Start the self-assessment").click()
    # Forgot to consent: the message is next to the box and the error summary gets focus.
    expect(page.locator("#consent-error")).to_contain_text("tick the box")
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page)
    page.get_by_label(re.compile("I understand this is a self-check")).check()
    page.get_by_role("button", name="Start the self-assessment").click()

    steps = list(WEAK_GLUTES.items())
    # Step 1, with a mistake: a required answer left out, then corrected.
    slug, answers = steps[0]
    fill_step(page, {k: v for k, v in answers.items() if k != "weekly_distance"})
    continue_(page)
    expect(page.locator("#error-weekly_distance")).to_be_visible()
    expect(page.locator("input[name='age_band'][value='35_to_54']")).to_be_checked()
    assert_accessible(page)
    fill_step(page, {"weekly_distance": answers["weekly_distance"]})
    continue_(page)

    # Step 2, then the browser's back button: step 1's answers are still there.
    slug, answers = steps[1]
    expect(page.get_by_role("heading", level=1)).to_have_text("Your pain")
    assert_accessible(page)
    fill_step(page, answers)
    continue_(page)
    page.go_back()
    expect(page.locator("input[name='pain_side'][value='right']")).to_be_checked()
    continue_(page)

    # The branching question shows only once the plank was held (JavaScript on).
    for slug, answers in steps[2:]:
        expect(page).to_have_url(re.compile(f"/step/{slug}/$"))
        if slug == "strength-balance":
            expect(page.locator("#q-side_plank_left")).to_be_hidden()
        fill_step(page, answers)
        if slug == "strength-balance":
            expect(page.locator("#q-side_plank_left")).to_be_visible()
        assert_accessible(page)
        continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    assert_accessible(page)
    page.get_by_label("First name").fill("Riley")
    page.get_by_label("Date of birth").fill("1988-05-04")
    page.get_by_label("Phone").fill("12")
    page.get_by_role("button", name="See my result").click()
    expect(page.locator("#id_phone-error")).to_contain_text("7 to 15 digits")
    expect(page.get_by_label("First name")).to_have_value("Riley")
    page.get_by_label("Phone").fill("(301) 555-0100")
    page.get_by_role("button", name="See my result").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your result, Riley")
    expect(
        page.get_by_role("heading", level=2, name=re.compile("Strength balance"))
    ).to_be_visible()
    book = page.get_by_role("link", name="Book a 1-on-1 evaluation in Bethesda or McLean")
    token = Submission.objects.get().token
    expect(book).to_have_attribute("href", f"/book/?intake={token}")
    assert_accessible(page)


def test_resume_link_works_in_a_fresh_browser(live_server, page: Page, browser):
    page.goto(live_server.url + "/assessment/")
    page.get_by_label(re.compile("I understand this is a self-check")).check()
    page.get_by_role("button", name="Start the self-assessment").click()
    fill_step(page, WEAK_GLUTES["about-you"])
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
    for slug, answers in WEAK_GLUTES.items():
        expect(page).to_have_url(re.compile(f"/step/{slug}/$"))
        keyboard_answer_step(page, answers)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "See my result":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
