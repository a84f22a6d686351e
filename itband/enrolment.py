"""One-time links to set up two-factor sign-in (issue #12).

A password alone must not be enough to attach an authenticator: whoever learned it would get
the second factor too. The first set-up therefore also needs a link that reaches the staff
member another way: emailed to the address on their staff account (through the Outbox), or
issued by the clinic admin (the user admin's action, or ``manage.py twofactor_link``).
Opening the link, signed in as that user, lets the session set up a device.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import OutboxMessage, TwoFactorEnrolment
from .outbox import outbox_enqueue

LINK_LIFETIME = timedelta(hours=24)
DEVICE_NAME = "Authenticator app"
# The session's permission to set up a device: the pk of the user whose link it opened.
SESSION_GRANT = "twofactor_enrolment_grant"


class LinkRefused(Exception):
    """The link is unknown, used, expired, or someone else's."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def enrolment_link_issue(*, user, issued_by=None, now: datetime | None = None) -> str:
    """A new one-time link for ``user`` (their earlier unused links stop working)."""
    now = now or timezone.now()
    TwoFactorEnrolment.objects.filter(user=user, used_at__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    TwoFactorEnrolment.objects.create(
        user=user, token_hash=_hash(token), expires_at=now + LINK_LIFETIME, issued_by=issued_by
    )
    return settings.SITE_URL + reverse("twofactor-enrol-link", args=[token])


@transaction.atomic
def enrolment_link_send(*, user, issued_by=None, now: datetime | None = None) -> bool:
    """Email a link to the staff address. At most one an hour per user (per admin), so the
    button cannot flood a mailbox, and a second click never voids the link already sent.
    False when there is no address to send to."""
    now = now or timezone.now()
    if not user.email:
        return False
    sender = f"admin{issued_by.pk}" if issued_by is not None else "self"
    key = f"twofactor-link:{user.pk}:{sender}:{now:%Y%m%d%H}"
    if OutboxMessage.objects.filter(key=key).exists():
        return True
    url = enrolment_link_issue(user=user, issued_by=issued_by, now=now)
    outbox_enqueue(
        key=key,
        to=user.email,
        template="twofactor_link",
        context={"user": user, "link": url, "hours": int(LINK_LIFETIME.total_seconds() // 3600)},
        topic=f"user:{user.pk}",
    )
    return True


@transaction.atomic
def enrolment_link_redeem(*, user, token: str, now: datetime | None = None) -> TwoFactorEnrolment:
    """Mark the link used, once. Raises LinkRefused with the reason for the audit log."""
    now = now or timezone.now()
    enrolment = (
        TwoFactorEnrolment.objects.select_for_update().filter(token_hash=_hash(token)).first()
    )
    if enrolment is None:
        raise LinkRefused("unknown link")
    if enrolment.user_id != user.pk:
        raise LinkRefused("another user's link")
    if enrolment.used_at is not None:
        raise LinkRefused("link already used")
    if enrolment.expires_at <= now:
        raise LinkRefused("link expired")
    enrolment.used_at = now
    enrolment.save(update_fields=["used_at"])
    # A fresh secret for this link: one shown earlier (to a password-only session, or leaked
    # from a screen) must never become the confirmed factor.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return enrolment
