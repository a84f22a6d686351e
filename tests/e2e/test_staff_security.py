"""Staff sign-in with two-factor in real Chromium: set up an authenticator, then verify."""

import re
from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from itband.models import OutboxMessage
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

    # A password alone is not enough: the set-up link comes by email (issue #12).
    expect(page).to_have_url(re.compile(r"/accounts/2fa/enrol/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Email me a set-up link").click()
    expect(page.get_by_role("status")).to_contain_text("We have emailed a set-up link")
    assert_accessible(page)
    emailed = OutboxMessage.objects.get(to="clin1@example.com").body_text
    link = re.search(r"https?://\S+/accounts/2fa/enrol/[\w-]+/", emailed)[0]
    page.goto(live_server.url + urlsplit(link).path)
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    expect(page.get_by_role("list", name="Backup codes").get_by_role("listitem")).to_have_count(10)
    assert_accessible(page)
    backup_code = page.get_by_role("list", name="Backup codes").locator("code").first.inner_text()
    page.get_by_role("link", name=re.compile("I have saved my codes")).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))

    # Next sign-in asks for a code. The one just used cannot be replayed, so the phone's next
    # 30-second code is typed (the server accepts one step of clock drift).
    page.context.clear_cookies()
    sign_in(page, live_server.url)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    assert_accessible(page)
    page.get_by_label("6-digit code or backup code").fill(phone_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))

    # And once without the phone: a backup code.
    page.context.clear_cookies()
    sign_in(page, live_server.url)
    page.get_by_label("6-digit code or backup code").fill(backup_code)
    page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


def test_password_reset_pages_are_accessible(live_server, page: Page):
    StaffFactory(username="clin1", roles=["Clinician"])
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("clin1@example.com")
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    emailed = OutboxMessage.objects.get(to="clin1@example.com").body_text
    page.goto(
        live_server.url + urlsplit(re.search(r"https?://\S+/accounts/reset/\S+/", emailed)[0]).path
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)


def test_lockout_page_is_accessible(live_server, page: Page):
    StaffFactory(username="clin1", roles=["Clinician"])
    for n in range(5):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("clin1")
        page.get_by_label("Password").fill(f"wrong-{n}-password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in is paused for this account")
    assert_accessible(page)
