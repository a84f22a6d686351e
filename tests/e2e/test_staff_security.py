"""Staff sign-in with two-factor in real Chromium: set up an authenticator, then verify."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.e2e


def phone_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key the page displayed."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill("clin1")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_enrol_then_verify_two_factor(live_server, page: Page, settings):
    settings.STAFF_REQUIRE_2FA = True
    StaffFactory(username="clin1", roles=["Clinician"])

    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    sign_in(page, live_server.url)

    expect(page).to_have_url(re.compile(r"/accounts/2fa/enrol/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)

    secret = page.locator("#totp-secret").inner_text()
    accepted = {phone_code(secret, steps_ahead=n) for n in (-1, 0, 1, 2)}
    page.get_by_label("6-digit code").fill(
        next(c for c in ("000000", "111111") if c not in accepted)
    )
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.locator("#id_code_error")).to_contain_text("did not match")
    assert_accessible(page)

    page.wait_for_timeout(1100)  # the server pauses a second after a wrong code
    page.get_by_label("6-digit code").fill(phone_code(secret))
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))

    # Next sign-in asks for a code. The one just used cannot be replayed, so the phone's next
    # 30-second code is typed (the server accepts one step of clock drift).
    page.context.clear_cookies()
    sign_in(page, live_server.url)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    assert_accessible(page)
    page.get_by_label("6-digit code").fill(phone_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


def test_lockout_page_is_accessible(live_server, page: Page):
    StaffFactory(username="clin1", roles=["Clinician"])
    for n in range(5):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("clin1")
        page.get_by_label("Password").fill(f"wrong-{n}-password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in is paused for this account")
    assert_accessible(page)
