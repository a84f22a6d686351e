"""Staff sign-in hardening through the URLs: lockout, idle and absolute limits, two-factor."""

import logging
import time
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from itband.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from itband.models import AuditEvent
from tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ENROL = "/accounts/2fa/enrol/"
VERIFY = "/accounts/2fa/verify/"


def sign_in(client, username="clin1", password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the staff member's phone shows; steps_ahead=1 is the next 30-second code, which the
    server accepts too (and which a code already used in this time step cannot block)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, drift=steps_ahead)
    return f"{code:06d}"


def wrong_code(device: TOTPDevice) -> str:
    accepted = {current_code(device, steps_ahead=n) for n in (-1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in accepted)


def shift_session(client, **seconds_ago: int) -> None:
    """Move the session's clocks into the past instead of sleeping."""
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


# --- Lockout (django-axes) -------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, clinician_user):
    statuses = [sign_in(client, password=f"wrong-{n}-password").status_code for n in range(5)]
    assert statuses[:4] == [200, 200, 200, 200]  # the form again, with its error
    assert statuses[4] in (403, 429)

    response = sign_in(client)  # the right password, sixth attempt

    assert response.status_code in (403, 429)
    page = response.content.decode()
    assert "Sign-in is paused" in page and "15 minutes" in page and "clinic admin" in page
    assert client.get("/staff/")["Location"].startswith(LOGIN)  # not signed in
    assert AuditEvent.objects.filter(action="login", user=clinician_user).count() == 0
    failures = AuditEvent.objects.filter(action="login_failed", user=clinician_user)
    assert failures.count() == 6
    assert failures.filter(detail="locked out").count() == 2


def test_lockout_is_per_username_and_address(client, clinician_user):
    for n in range(5):
        sign_in(client, password=f"wrong-{n}-password", REMOTE_ADDR="203.0.113.9")
    # The same account from the clinic's own network is not locked by someone else's guesses.
    response = sign_in(client, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302


def test_admin_login_is_locked_too(client, reference_data):
    StaffFactory(username="boss", is_superuser=True, is_staff=True)
    for n in range(5):
        client.post(
            "/admin/login/?next=/admin/", {"username": "boss", "password": f"wrong-{n}-pass"}
        )
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "boss", "password": TEST_PASSWORD}
    )
    assert response.status_code in (403, 429)
    assert "Sign-in is paused" in response.content.decode()


def test_no_password_or_username_reaches_the_logs(client, clinician_user, caplog):
    caplog.set_level(logging.DEBUG)
    for n in range(6):
        sign_in(client, password=f"secret-guess-{n}-xyz")
    assert "secret-guess" not in caplog.text
    assert "clin1" not in caplog.text  # axes masks it


def test_error_reports_never_show_posted_values(rf):
    from itband.logs import NoRequestBodyReporterFilter

    request = rf.post("/book/details/", {"email": "runner@example.com", "phone": "3015550142"})
    shown = NoRequestBodyReporterFilter().get_post_parameters(request)
    assert set(shown) == {"email", "phone"}
    assert "runner@example.com" not in str(shown) and "3015550142" not in str(shown)


# --- Idle and absolute session limits -------------------------------------------------------


def test_idle_for_fifteen_minutes_signs_out_with_a_message(client, clinician_user):
    sign_in(client)
    shift_session(client, **{SESSION_LAST_SEEN: 15 * 60 + 5})

    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/staff/"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 15 minutes without activity" in page
    assert client.get("/staff/")["Location"].startswith(LOGIN)
    event = AuditEvent.objects.get(action="session_expired")
    assert (event.user, event.detail) == (clinician_user, "idle timeout")


def test_activity_inside_the_window_keeps_the_session(client, clinician_user):
    sign_in(client)
    shift_session(client, **{SESSION_LAST_SEEN: 14 * 60})

    response = client.get("/staff/")

    assert not response["Location"].startswith(LOGIN)
    # The request counted as activity: the clock was moved forward.
    assert int(time.time()) - client.session[SESSION_LAST_SEEN] < 5


def test_last_activity_is_written_at_most_once_a_minute(client, clinician_user):
    sign_in(client)
    shift_session(client, **{SESSION_LAST_SEEN: 20})
    before = client.session[SESSION_LAST_SEEN]

    client.get("/staff/")

    assert client.session[SESSION_LAST_SEEN] == before


def test_twelve_hours_after_sign_in_ends_the_session_even_when_active(client, clinician_user):
    sign_in(client)
    shift_session(client, **{SESSION_LOGIN_AT: 12 * 3600 + 5, SESSION_LAST_SEEN: 30})

    response = client.get("/staff/")

    assert response["Location"] == f"{LOGIN}?next=/staff/"
    page = client.get(response["Location"]).content.decode()
    assert "signed in for 12 hours" in page


def test_signing_in_again_restarts_both_clocks(client, clinician_user):
    sign_in(client)
    shift_session(client, **{SESSION_LOGIN_AT: 11 * 3600})
    sign_in(client)
    assert int(time.time()) - client.session[SESSION_LOGIN_AT] < 5


def test_health_probe_does_not_touch_the_staff_session(client, clinician_user):
    sign_in(client)
    shift_session(client, **{SESSION_LAST_SEEN: 16 * 60})
    assert client.get("/healthz").status_code == 200
    assert client.get("/staff/")["Location"].startswith(LOGIN)


# --- Two-factor -----------------------------------------------------------------------------


@pytest.fixture
def require_2fa(settings):
    settings.STAFF_REQUIRE_2FA = True


def open_enrolment_link(client, user) -> None:
    """What the staff member does with the one-time link emailed to them (issue #12)."""
    from urllib.parse import urlsplit

    from itband.enrolment import enrolment_link_issue

    response = client.get(urlsplit(enrolment_link_issue(user=user)).path)
    assert response["Location"] == ENROL


def test_without_the_requirement_login_goes_straight_through(client, clinician_user):
    response = sign_in(client)
    assert response["Location"] == "/staff/"
    response = client.get("/staff/")
    assert not response["Location"].startswith("/accounts/2fa/")


@pytest.mark.parametrize("url", ["/staff/", "/admin/", "/desk/", "/clinician/"])
def test_required_two_factor_sends_an_unverified_user_to_enrol(client, require_2fa, url):
    StaffFactory(username="boss", is_superuser=True, is_staff=True)
    sign_in(client, username="boss")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next={url.replace('/', '%2F')}"


def test_an_enrolled_user_is_sent_to_verify_for_staff_pages_and_admin(client, clinician_user):
    TOTPDevice.objects.create(user=clinician_user, name="phone", confirmed=True)
    sign_in(client)
    assert client.get("/staff/")["Location"] == f"{VERIFY}?next=%2Fstaff%2F"
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    # Sign-out, the two-factor pages and probes stay reachable.
    assert client.get(VERIFY).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_enrolment_with_a_real_code_verifies_the_session(client, clinician_user, require_2fa):
    sign_in(client)
    open_enrolment_link(client, clinician_user)
    page = client.get(f"{ENROL}?next=/staff/")
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("no-store")
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html and "data:" not in html
    device = TOTPDevice.objects.get(user=clinician_user, confirmed=False)
    # The key shown for typing by hand is the device's own secret.
    shown = html.split('id="totp-secret">')[1].split("<")[0].replace(" ", "")
    assert b32decode(shown) == device.bin_key

    response = client.post(ENROL, {"code": current_code(device), "next": "/staff/"})

    # The backup codes, shown once, then on to where the user was going.
    assert response.status_code == 200
    assert 'href="/staff/"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert not client.get("/staff/")["Location"].startswith("/accounts/2fa/")
    event = AuditEvent.objects.get(action="2fa_enrolled")
    assert event.user == clinician_user and event.object_type == "otp_totp.totpdevice"
    # Now the page says it is on, and the nav says so too.
    done = client.get(ENROL).content.decode()
    assert "Two-factor sign-in is on" in done and "Two-factor: on" in done


def test_a_wrong_code_shows_an_error_next_to_the_field(client, clinician_user, require_2fa):
    sign_in(client)
    open_enrolment_link(client, clinician_user)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=clinician_user)

    response = client.post(ENROL, {"code": wrong_code(device)})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_code_error"' in html and "That code did not match" in html
    assert 'aria-invalid="true"' in html and "error-summary" in html
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_malformed_code_is_explained(client, clinician_user, require_2fa):
    sign_in(client)
    open_enrolment_link(client, clinician_user)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "12ab"})
    assert "Enter the 6 digits" in response.content.decode()


def test_verify_after_password_login(client, clinician_user):
    device = TOTPDevice.objects.create(user=clinician_user, name="phone", confirmed=True)
    sign_in(client)

    wrong = client.post(VERIFY, {"code": wrong_code(device), "next": "/staff/"})
    assert "That code did not match" in wrong.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    response = client.post(VERIFY, {"code": current_code(device), "next": "/staff/"})

    assert response["Location"] == "/staff/"
    assert not client.get("/staff/")["Location"].startswith("/accounts/2fa/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["login", "2fa_failed", "2fa_verified"]


def test_repeated_wrong_codes_are_throttled(client, clinician_user):
    device = TOTPDevice.objects.create(user=clinician_user, name="phone", confirmed=True)
    sign_in(client)
    client.post(VERIFY, {"code": wrong_code(device)})
    # Even the right code waits: each failure doubles the pause.
    response = client.post(VERIFY, {"code": current_code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/staff/")["Location"].startswith(VERIFY)


def test_verify_never_redirects_off_site(client, clinician_user):
    device = TOTPDevice.objects.create(user=clinician_user, name="phone", confirmed=True)
    sign_in(client)
    response = client.post(
        VERIFY, {"code": current_code(device), "next": "https://evil.example/steal"}
    )
    assert response["Location"] == "/staff/"


def test_a_second_device_needs_the_first(client, clinician_user):
    TOTPDevice.objects.create(user=clinician_user, name="phone", confirmed=True)
    sign_in(client)
    # A password alone cannot swap the phone: enrol sends an unverified user to verify.
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=clinician_user).count() == 1


def test_enrolment_and_verify_need_a_login(client):
    assert client.get(ENROL)["Location"].startswith(LOGIN)
    assert client.get(VERIFY)["Location"].startswith(LOGIN)


def test_staff_nav_links_to_two_factor(client, clinician_user):
    StaffFactory(username="norole")
    sign_in(client, username="norole")
    html = client.get("/staff/").content.decode()
    assert f'href="{ENROL}"' in html and "Set up two-factor" in html


def test_signing_in_again_asks_for_a_code_again(client, clinician_user):
    """A sign-in with the password starts unverified, even in a session that passed
    two-factor before as the same user (Django keeps that session; e.g. one whose sign-in
    stopped being valid when the sign-in backend changed)."""
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY

    device = TOTPDevice.objects.create(user=clinician_user, name="phone", confirmed=True)
    sign_in(client)
    client.post(VERIFY, {"code": current_code(device), "next": "/staff/"})
    assert not client.get("/staff/")["Location"].startswith("/accounts/2fa/")
    session = client.session
    session[BACKEND_SESSION_KEY] = "a.backend.no.longer.listed"  # this session reads as signed out
    session.save()
    assert client.get("/staff/")["Location"].startswith(LOGIN)
    assert DEVICE_ID_SESSION_KEY in client.session  # what the old session still holds
    sign_in(client)
    assert client.get("/staff/")["Location"] == f"{VERIFY}?next=%2Fstaff%2F"
