"""The clinic page in real Chromium at 1366x768, on seed_demo's months of history: charts
(SVG with a title) and their tables, the period filter, a CSV download; axe clean; and no
sideways scroll at 320 px (wide tables scroll inside their own focusable region)."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1366, "height": 768}


def test_the_clinic_lead_reads_the_clinic_page(live_server, page: Page):
    call_command("seed_demo")
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/clinic/$"))
    expect(page.get_by_role("heading", name="Clinic page", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Online funnel")).to_be_visible()
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 9
    expect(page.get_by_role("img", name="Online funnel")).to_be_visible()
    funnel = page.locator("#table-funnel tbody tr")
    expect(funnel).to_have_count(5)
    expect(funnel.first).to_contain_text("Started the core")
    expect(page.locator("#table-by-clinic")).to_contain_text("Bethesda")
    assert_accessible(page)
    screenshot(page, "clinic-page")

    # One clinic, a longer period.
    page.get_by_label("Clinic", exact=True).select_option("mclean")
    page.locator("#id_start").fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).to_contain_text("McLean, Jan 1, 2026 to")
    expect(page.locator("#table-by-clinic tbody tr")).to_have_count(1)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “By clinician” as CSV").click()
    assert download.value.suggested_filename.startswith("clinic-by-clinician-mclean-20260101-")

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
