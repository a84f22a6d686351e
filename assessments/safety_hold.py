"""The browser that stopped at a red flag: a signed cookie naming the intake, set by the safety
page, so going to /book/ cold and answering "none" to the safety question still leads back to
that safety page. Whether the intake still blocks a booking is booking's rule (booking.rules);
this module only marks the browser and reads the mark."""

from datetime import timedelta

from django.conf import settings
from django.core import signing

HOLD_COOKIE = "booking_hold"
HOLD_SALT = "booking.rules.hold"  # unchanged when the code moved: holds already set stay valid
HOLD_FOR = timedelta(days=14)  # the red-flag window of booking.rules


def hold_browser(response, intake):
    """Mark this browser as the one that stopped at ``intake``, for 14 days. Signed (no one can
    forge another intake's hold or lift their own), HttpOnly, Lax."""
    response.set_cookie(
        HOLD_COOKIE,
        signing.dumps(intake.pk, salt=HOLD_SALT),
        max_age=int(HOLD_FOR.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def hold_browser_for_signs(response, codes):
    """Mark this browser as one that ticked these emergency or urgent signs on the booking
    page's own safety question (no intake, so no one can clear it: the runner calls us).
    Without the mark, the back button and "None of these" would book around the answer."""
    response.set_cookie(
        HOLD_COOKIE,
        signing.dumps({"signs": sorted(codes)}, salt=HOLD_SALT),
        max_age=int(HOLD_FOR.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _held(request):
    value = request.COOKIES.get(HOLD_COOKIE)
    if not value:
        return None
    try:
        return signing.loads(value, salt=HOLD_SALT, max_age=HOLD_FOR)
    except signing.BadSignature:
        return None


def held_intake_pk(request) -> int | None:
    """The intake this browser stopped at, if its mark is genuine and less than 14 days old."""
    held = _held(request)
    return held if isinstance(held, int) else None


def held_signs(request) -> tuple[str, ...]:
    """The signs this browser ticked on the booking page's safety question (genuine mark, less
    than 14 days old), else nothing."""
    held = _held(request)
    if isinstance(held, dict) and isinstance(held.get("signs"), list):
        return tuple(code for code in held["signs"] if isinstance(code, str))
    return ()
