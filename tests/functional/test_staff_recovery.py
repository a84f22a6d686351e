"""Staff second factor and passwords (issue #12): the first two-factor set-up needs a one-time
link as well as the password; backup codes are shown once and work once each; a password reset
goes by email through the Outbox, tells nobody whether an address has an account, and keeps the
lockout rules. Every step leaves an audit row."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from itband.enrolment import enrolment_link_issue
from itband.models import AuditEvent, OutboxMessage
from itband.twofactor import spaced_secret
from tests.factories import StaffFactory
from tests.functional.test_staff_security import (
    ENROL,
    LOGIN,
    VERIFY,
    current_code,
    sign_in,
)

pytestmark = pytest.mark.django_db

PINNED = datetime(2026, 5, 12, 14, 20, tzinfo=UTC)
BACKUP = "/accounts/2fa/backup-codes/"


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(PINNED, tick=True):
        yield


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.STAFF_REQUIRE_2FA = True


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def link_path(text: str) -> str:
    match = re.search(r"https?://\S+/accounts/2fa/enrol/[\w-]+/", text)
    assert match, text
    return urlsplit(match.group(0)).path


def enrol_with_link(client: Client, user) -> list[str]:
    """Open a fresh link, confirm the app's code; returns the backup codes shown."""
    assert client.get(urlsplit(enrolment_link_issue(user=user)).path)["Location"] == ENROL
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(ENROL, {"code": current_code(device)})
    assert page.status_code == 200
    return re.findall(r"<code>(\w{4} \w{4})</code>", page.content.decode())


# --- Enrolment needs the one-time link -----------------------------------------------------------


def test_a_password_alone_cannot_enrol_an_authenticator(client, clinician_user):
    """A leaked password must not yield the second factor: no secret, no QR code, and a code
    posted anyway is refused."""
    sign_in(client)
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "one-time set-up link" in html and "<svg" not in html and "totp-secret" not in html
    assert not TOTPDevice.objects.exists()

    refused = client.post(ENROL, {"code": "123456"})

    assert refused.status_code == 403
    assert not TOTPDevice.objects.exists()
    assert client.get("/staff/")["Location"].startswith(ENROL)  # still not through
    assert "2fa_enrol_refused" in actions()


def test_a_set_up_link_mints_a_fresh_secret(client, clinician_user):
    """A secret made before the link was opened (shown to an earlier password-only session,
    or read off a screen) never becomes the confirmed factor: opening a link replaces it."""
    leaked = TOTPDevice.objects.create(user=clinician_user, name="old", confirmed=False)
    sign_in(client)
    assert client.get(urlsplit(enrolment_link_issue(user=clinician_user)).path).status_code == 302
    fresh = TOTPDevice.objects.get(user=clinician_user, confirmed=False)
    assert fresh.pk != leaked.pk and fresh.key != leaked.key
    assert not TOTPDevice.objects.filter(pk=leaked.pk).exists()
    assert spaced_secret(fresh) in client.get(ENROL).content.decode()  # the one shown now

    refused = client.post(ENROL, {"code": current_code(leaked)})  # the old secret's code
    assert refused.status_code == 200 and "did not match" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=clinician_user, confirmed=True).exists()
    # A second link mints another: the first link's secret is gone too.
    client.get(urlsplit(enrolment_link_issue(user=clinician_user)).path)
    assert TOTPDevice.objects.get(user=clinician_user, confirmed=False).pk != fresh.pk


def test_the_migration_drops_unconfirmed_devices():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("itband.migrations.0007_audit_booking_refusals")
    user = StaffFactory()
    TOTPDevice.objects.create(user=user, name="pending", confirmed=False)
    kept = TOTPDevice.objects.create(user=user, name="in use", confirmed=True)
    migration.delete_unconfirmed_totp_devices(apps, None)
    assert list(TOTPDevice.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_link_is_emailed_to_the_staff_address_once_an_hour(client, clinician_user):
    sign_in(client)
    page = client.post(ENROL, {"action": "send-link"})
    assert "We have emailed a set-up link" in page.content.decode()
    client.post(ENROL, {"action": "send-link"})  # a second click: no second email

    message = OutboxMessage.objects.get()
    assert message.to == clinician_user.email
    assert link_path(message.body_text) not in page.content.decode()  # never on the screen
    # The emailed link still works after the second click.
    assert client.get(link_path(message.body_text))["Location"] == ENROL
    assert "totp-secret" in client.get(ENROL).content.decode()
    assert actions().count("2fa_link_sent") == 2 and "2fa_link_used" in actions()


def test_the_link_works_once_for_its_own_user_within_a_day(client, clinician_user):
    path = urlsplit(enrolment_link_issue(user=clinician_user)).path
    other = Client()
    sign_in(other, username=StaffFactory(username="someone", roles=["Clinician"]).username)
    assert other.get(path).status_code == 404  # another account's link
    assert "totp-secret" not in other.get(ENROL).content.decode()

    sign_in(client)
    assert client.get(path)["Location"] == ENROL
    assert Client().get(path)["Location"].startswith(LOGIN)  # needs a sign-in first
    again = Client()
    sign_in(again)
    assert again.get(path).status_code == 404  # used

    late = urlsplit(enrolment_link_issue(user=clinician_user)).path
    with time_machine.travel(PINNED + timedelta(hours=24, seconds=1), tick=True):
        stale = Client()
        sign_in(stale)
        assert stale.get(late).status_code == 404
    reasons = AuditEvent.objects.filter(action="2fa_link_refused").values_list("detail", flat=True)
    assert sorted(reasons) == ["another user's link", "link already used", "link expired"]


def test_the_admin_issues_links_by_email_or_command(client, reference_data):
    boss = StaffFactory(username="boss", is_superuser=True, is_staff=True)
    new = StaffFactory(username="newhire", roles=["Front desk"])
    client.force_login(boss)
    device = TOTPDevice.objects.create(user=boss, name="phone", confirmed=True)
    client.post(VERIFY, {"code": current_code(device)})
    response = client.post(
        "/admin/itband/user/",
        {"action": "send_twofactor_link", "_selected_action": [new.pk]},
    )
    assert response.status_code == 302
    assert OutboxMessage.objects.get().to == new.email

    out = StringIO()
    call_command("twofactor_link", "newhire", stdout=out)
    assert "/accounts/2fa/enrol/" in out.getvalue()
    assert AuditEvent.objects.filter(action="2fa_link_sent", object_id=str(new.pk)).count() == 2


# --- Backup codes ----------------------------------------------------------------------------


def test_backup_codes_are_shown_once_and_each_works_once(client, clinician_user):
    sign_in(client)
    codes = enrol_with_link(client, clinician_user)
    assert len(codes) == 10 and len(set(codes)) == 10
    status = client.get(BACKUP).content.decode()
    assert "10 unused backup codes" in status
    assert not any(code in status or code.replace(" ", "") in status for code in codes)

    for attempt in range(2):
        fresh = Client()
        sign_in(fresh)
        response = fresh.post(VERIFY, {"code": codes[0], "next": "/staff/"})
        if attempt == 0:
            assert response["Location"] == "/staff/"
            assert not fresh.get("/staff/")["Location"].startswith("/accounts/2fa/")
        else:
            assert "did not match, or it has been used" in response.content.decode()
    assert StaticToken.objects.count() == 9
    event = AuditEvent.objects.get(action="backup_code_used")
    assert event.detail == "9 backup codes left"
    assert "backup_codes_created" in actions()


def test_new_backup_codes_replace_the_old(client, clinician_user):
    sign_in(client)
    old = enrol_with_link(client, clinician_user)
    page = client.post(BACKUP).content.decode()
    new = re.findall(r"<code>(\w{4} \w{4})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    fresh = Client()
    sign_in(fresh)
    assert "did not match" in fresh.post(VERIFY, {"code": old[1]}).content.decode()


# --- Password reset --------------------------------------------------------------------------

RESET = "/accounts/password_reset/"


def test_the_reset_page_says_the_same_for_unknown_addresses(client, clinician_user):
    known = client.post(RESET, {"email": clinician_user.email})
    unknown = client.post(RESET, {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    done = client.get(known["Location"]).content.decode()
    assert "If the address matches a staff account" in done
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == [clinician_user.email]
    assert actions() == ["password_reset_requested", "password_reset_requested"]


def test_a_reset_by_email_changes_the_password_and_signs_no_one_in(client, clinician_user):
    client.post(RESET, {"email": clinician_user.email})
    client.post(RESET, {"email": clinician_user.email})  # once an hour: one email
    message = OutboxMessage.objects.get()
    link = urlsplit(re.search(r"https?://\S+/accounts/reset/\S+/", message.body_text)[0]).path
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "Choose a new password" in form_page.content.decode()
    assert form_page["Referrer-Policy"] == "no-referrer"
    new_password = "a-brand-new-long-password-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done["Location"] == "/accounts/reset/done/"
    assert client.get("/staff/")["Location"].startswith(LOGIN)  # not signed in
    clinician_user.refresh_from_db()
    assert clinician_user.check_password(new_password)
    assert client.get(link).status_code == 200  # the link is spent:
    assert "cannot be used" in client.get(link).content.decode()
    assert "password_reset_done" in actions() and "password_reset_invalid" in actions()
    # The second factor still follows the new password.
    fresh = Client()
    assert sign_in(fresh, password=new_password)["Location"] == "/staff/"
    assert fresh.get("/staff/")["Location"].startswith(ENROL)


def test_a_reset_keeps_the_lockout(client, clinician_user, settings):
    settings.AXES_ENABLED = True
    cache.clear()
    for n in range(5):
        sign_in(client, password=f"wrong-{n}-password")
    client.post(RESET, {"email": clinician_user.email})
    link = urlsplit(
        re.search(r"https?://\S+/accounts/reset/\S+/", OutboxMessage.objects.get().body_text)[0]
    ).path
    form_page = client.get(link, follow=True)
    new_password = "a-brand-new-long-password-42"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert sign_in(client, password=new_password).status_code in (403, 429)


def test_reset_requests_are_rate_limited_alike(client, clinician_user, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMIT_PER_HOUR = 2
    cache.clear()
    for email in (clinician_user.email, "nobody@example.com"):
        client.post(RESET, {"email": email})
    known = client.post(RESET, {"email": clinician_user.email})
    unknown = client.post(RESET, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 429


def test_the_sign_in_page_links_to_the_reset(client):
    assert f'href="{RESET}"' in client.get(LOGIN).content.decode()
