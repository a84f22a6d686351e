"""A slower, per-username limit on failed staff sign-ins, on top of django-axes.

django-axes locks a username *together with* an address (AXES_LOCKOUT_PARAMETERS), so a
stranger's guesses never lock real staff out, but an attacker with many addresses (a botnet)
gets five guesses per address. This module caps guesses per username across all addresses:
after LOGIN_FAILURES_PER_USERNAME_PER_HOUR failures in one clock hour, attempts for that
username are refused without checking the password, until the hour ends.

A plain per-username lock would let that same stranger lock the real user out. So, as OWASP's
"device cookie" design does, a browser that has signed in to the account before carries a
signed cookie naming it (a keyed hash, never the username), and is not subject to this limit
(axes' username + address lockout still applies to it). During an attack the real staff member
signs in as usual from their own computer; from a new one they wait until the hour ends, or ask
the clinic admin. The guesser gets at most that many guesses an hour, however many addresses.

Counters live in a database cache of their own (every process sees them; made-up usernames
cannot crowd them out of the shared one), keyed by a keyed hash of the username.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.core.signing import BadSignature
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

DEVICE_COOKIE = "staff_device"
DEVICE_COOKIE_SALT = "itband.login_throttle.device"
DEVICE_COOKIE_MAX_AGE = 90 * 24 * 3600  # renewed at every sign-in
DEVICE_COOKIE_ACCOUNTS = 5  # a shared front-desk computer remembers a few accounts
WINDOW_SECONDS = 3600


def _account_key(username: str) -> str:
    """Keyed hash of the typed username: cookies and cache keys never carry the name itself."""
    return salted_hmac(DEVICE_COOKIE_SALT, username, algorithm="sha256").hexdigest()[:24]


def _counter_key(username: str) -> str:
    return f"login-fail:{_account_key(username)}:{timezone.now():%Y%m%d%H}"


def _counters():
    return caches["login_throttle"]


def failures_this_hour(username: str) -> int:
    return int(_counters().get(_counter_key(username)) or 0)


def record_failure(sender, credentials, request=None, **kwargs) -> None:
    """``user_login_failed`` receiver: one more failure for the typed username this hour."""
    username = str(credentials.get("username") or "")
    if not username:
        return
    key, counters = _counter_key(username), _counters()
    if not counters.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            counters.incr(key)
        except ValueError:  # expired between add and incr
            counters.add(key, 1, timeout=WINDOW_SECONDS)


def _known_accounts(request) -> list[str]:
    try:
        value = request.get_signed_cookie(
            DEVICE_COOKIE, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_MAX_AGE
        )
    except (KeyError, BadSignature):
        return []
    return [key for key in value.split(".") if key][:DEVICE_COOKIE_ACCOUNTS]


def is_known_device(request, username: str) -> bool:
    return _account_key(username) in _known_accounts(request)


def remember_device(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the middleware sets the cookie on this response."""
    if request is None:
        return
    key = _account_key(user.get_username())
    accounts = [key, *(k for k in _known_accounts(request) if k != key)]
    request.staff_device_accounts = accounts[:DEVICE_COOKIE_ACCOUNTS]


class UsernameThrottleBackend:
    """An authentication backend that only refuses: listed after axes' and before Django's.

    Raising PermissionDenied stops ``authenticate()`` before the password is checked, and
    Django then sends ``user_login_failed`` (audited, counted by axes and here). No
    ``get_user``: it never signs anyone in (and force_login must not pick it)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        limit = settings.LOGIN_FAILURES_PER_USERNAME_PER_HOUR  # 0: off
        if request is None or not username or not limit:
            return None
        if failures_this_hour(username) >= limit and not is_known_device(request, username):
            request.login_throttled = True
            raise PermissionDenied
        return None


class LoginThrottleMiddleware:
    """Shows the throttled page, and sets the device cookie after a sign-in. Place just before
    axes.middleware.AxesMiddleware (outside it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "login_throttled", False):
            minutes_left = 60 - timezone.now().minute
            response = render(
                request,
                "registration/throttled.html",
                {"minutes_left": minutes_left},
                status=429,
            )
            response["Retry-After"] = str(minutes_left * 60)
        accounts = getattr(request, "staff_device_accounts", None)
        if accounts:
            response.set_signed_cookie(
                DEVICE_COOKIE,
                ".".join(accounts),
                salt=DEVICE_COOKIE_SALT,
                max_age=DEVICE_COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
