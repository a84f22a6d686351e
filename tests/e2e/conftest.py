"""Playwright in the system Chromium (never a downloaded browser), with an axe check helper."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from itband.reference_data import create_reference_data

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_axe = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A phone-sized viewport: the site is mobile-first.
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


@pytest.fixture(autouse=True)
def _live_reference_data(transactional_db):
    """live_server flushes the database after each test, roles and pages included."""
    from django.apps import apps

    create_reference_data(apps)


def assert_accessible(page) -> None:
    """Run axe-core on the current page: WCAG 2.1 A/AA rules, zero violations allowed."""
    results = _axe.run(page)
    violations = results.response.get("violations", [])
    assert not violations, results.generate_report()


def screenshot(page, name: str) -> None:
    """Save a full-page picture in SCREENSHOTS_DIR when it is set (scripts/screenshots.sh
    refreshes docs/screenshots/ this way); otherwise nothing."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
