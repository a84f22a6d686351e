"""Middleware: a lost database becomes a friendly 503 with Retry-After, never a 500; staff
sessions end after idle and absolute limits; two-factor is enforced for staff."""

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

from .http import database_unavailable_response

logger = logging.getLogger(__name__)

DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    """Catches database connection errors raised by views (process_exception) and by the
    middleware below this one. Errors raised elsewhere reach ``itband.views.server_error``,
    which makes the same decision."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DATABASE_DOWN_ERRORS:
            logger.error("database unavailable for %s %s", request.method, request.path_info)
            return database_unavailable_response()

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            logger.error("database unavailable for %s %s", request.method, request.path_info)
            return database_unavailable_response()
        return None


# --- Methods the site never accepts ----------------------------------------------------------

# The site takes GET, HEAD and POST (and OPTIONS/TRACE reach views, which refuse them).
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS", "TRACE"})
DEFAULT_ALLOWED = ("GET", "HEAD", "POST")


def allowed_methods(view) -> tuple[str, ...]:
    """The methods a view accepts: a class-based view's handlers, or the list given to Django's
    require_http_methods somewhere down the decorator chain; else the site's default."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        # (Django's FormView also has put(); the site refuses PUT whatever the view says.)
        names = {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
        if "GET" in names:
            names.add("HEAD")  # View.setup() answers HEAD with get()
        return tuple(m for m in DEFAULT_ALLOWED if m in names)
    func = view
    while func is not None:
        code, closure = getattr(func, "__code__", None), getattr(func, "__closure__", None)
        if code is not None and closure and "request_method_list" in code.co_freevars:
            return tuple(closure[code.co_freevars.index("request_method_list")].cell_contents)
        func = getattr(func, "__wrapped__", None)
    return DEFAULT_ALLOWED


class MethodNotAllowedMiddleware:
    """PUT, PATCH, DELETE and other methods the site never takes get 405 with an Allow header,
    before the CSRF check would answer 403 (a wrong method is not a forgery). Place just before
    itband.csrf.NoReferrerOriginMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, view_args, view_kwargs):
        if request.method in KNOWN_METHODS:
            return None
        return HttpResponseNotAllowed(allowed_methods(view))


# --- Staff sessions: idle and absolute limits ------------------------------------------------

SESSION_LOGIN_AT = "staff_login_at"  # epoch seconds of the sign-in
SESSION_LAST_SEEN = "staff_last_seen"  # epoch seconds, refreshed at most once a minute
LAST_SEEN_WRITE_INTERVAL = 60
# Probes and static files never touch the session (/healthz must not need the database).
UNTRACKED_PREFIXES = ("/healthz", "/readyz", "/static/", "/favicon.ico")


def start_staff_session(sender=None, request=None, user=None, **kwargs) -> None:
    """Start both clocks at sign-in (connected to ``user_logged_in`` in itband.apps)."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_LAST_SEEN] = now


def _minutes_text(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class StaffSessionTimeoutMiddleware:
    """Signs a staff user out after STAFF_IDLE_TIMEOUT without a request, and in any case
    STAFF_ABSOLUTE_TIMEOUT after signing in; the login page then says why.

    Last activity is written to the session at most once a minute, so an idle sign-out may
    come up to a minute early (never late). Place after AuthenticationMiddleware and
    MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(UNTRACKED_PREFIXES):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._check(request)
            if expired is not None:
                return expired
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = int(time.time())
        login_at = session.get(SESSION_LOGIN_AT)
        last_seen = session.get(SESSION_LAST_SEEN)
        if not isinstance(login_at, int | float) or not isinstance(last_seen, int | float):
            # A session from before this middleware (or force_login in tests): start now.
            start_staff_session(request=request)
            return None
        if now - login_at > settings.STAFF_ABSOLUTE_TIMEOUT.total_seconds():
            limit = _minutes_text(settings.STAFF_ABSOLUTE_TIMEOUT)
            return self._sign_out(
                request,
                reason="absolute limit",
                message=f"You were signed out because you had been signed in for {limit}. "
                "Please sign in again.",
            )
        if now - last_seen > settings.STAFF_IDLE_TIMEOUT.total_seconds():
            idle = _minutes_text(settings.STAFF_IDLE_TIMEOUT)
            return self._sign_out(
                request,
                reason="idle timeout",
                message=f"You were signed out after {idle} without activity. Please sign in again.",
            )
        if now - last_seen >= LAST_SEEN_WRITE_INTERVAL:
            session[SESSION_LAST_SEEN] = now
        return None

    def _sign_out(self, request, *, reason: str, message: str):
        request.audit_logout_reason = reason
        logout(request)
        messages.info(request, message)
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect_to_login(next_url or settings.LOGIN_REDIRECT_URL)


# --- Two-factor gate -------------------------------------------------------------------------


def _two_factor_exempt(path: str) -> bool:
    exempt = (
        reverse("login"),
        reverse("logout"),
        reverse("admin:logout"),
        reverse("twofactor-verify"),
    )
    # The set-up page and its one-time links (/accounts/2fa/enrol/<token>/).
    prefixes = (*UNTRACKED_PREFIXES, reverse("twofactor-enrol"))
    return path in exempt or path.startswith(prefixes)


class StaffTwoFactorMiddleware:
    """A signed-in user who has not passed two-factor in this session goes to the verify page
    (or, when STAFF_REQUIRE_2FA is on and they have no device yet, to set one up) for every
    URL, /admin/ included, except sign-in, sign-out, the two-factor pages and probes.

    With STAFF_REQUIRE_2FA off, only users who have set up a device are asked for a code.
    Place after OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Visitors (nearly every request) first: the exempt paths cost five reverse() calls.
        if user is None or not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        if not _two_factor_exempt(request.path_info):
            target = None
            if user_has_device(user, confirmed=True):
                target = "twofactor-verify"
            elif settings.STAFF_REQUIRE_2FA:
                target = "twofactor-enrol"
            if target is not None:
                next_url = request.get_full_path() if request.method == "GET" else ""
                query = f"?{urlencode({'next': next_url})}" if next_url else ""
                return HttpResponseRedirect(reverse(target) + query)
        return self.get_response(request)
