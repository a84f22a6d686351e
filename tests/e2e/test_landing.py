"""The landing page in real Chromium: accessible, and its call to action works."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.factories import LocationFactory

pytestmark = pytest.mark.e2e


def test_landing_is_accessible_and_leads_to_the_assessment(live_server, page: Page):
    LocationFactory(name="Bethesda", is_demo=True)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Foam rolling")
    assert_accessible(page)
    page.get_by_role("link", name="Start the free self-assessment").click()
    expect(page).to_have_url(re.compile(r"/assessment/$"))
    assert_accessible(page)


def test_landing_works_with_the_keyboard(live_server, page: Page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
