"""TOTP two-factor for staff: set up an authenticator app, then a code at every sign-in.

``StaffTwoFactorMiddleware`` (itband.middleware) sends signed-in users here; these pages are
exempt from it. The pages are never cached (no-store): the set-up page shows the secret.
"""

from base64 import b32encode
from urllib.parse import urlencode
from xml.etree import ElementTree

import qrcode
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage

from .audit import audit_record
from .models import AuditEvent

DEVICE_NAME = "Authenticator app"
WRONG_CODE = (
    "That code did not match. Enter the 6-digit code your authenticator app shows now "
    "(codes change every 30 seconds)."
)
THROTTLED = "Too many wrong codes in a row. Wait a minute, then try the newest code."


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code",
        max_length=12,  # room for spaces some apps show: "123 456"
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError("Enter the 6 digits from your authenticator app.")
        return code


def qr_code_svg(data: str, *, title: str) -> SafeString:
    """An inline SVG QR code, made on the server (no script, no external image)."""
    image = qrcode.make(data, image_factory=SvgPathFillImage, border=2)
    root = image.get_image()
    # Sized by CSS (.qr-code), announced to screen readers by its label.
    root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    root.set("class", "qr-code")
    root.set("role", "img")
    root.set("aria-label", title)
    return mark_safe(ElementTree.tostring(root, encoding="unicode"))  # our own SVG, built above


def spaced_secret(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _no_store(response: HttpResponse) -> HttpResponse:
    """The set-up page shows a secret: never keep it in a cache or the back-button history.
    (The referrer is left on: these URLs carry no token, and forms post back to themselves.)"""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    return response


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The device being set up: reloading the page keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    otp_login(request, device)
    # A new session key once the session gains the second factor (as at sign-in).
    request.session.cycle_key()


def _check_code(device: TOTPDevice, code: str) -> str | None:
    """None when the code verifies; otherwise the message for the field."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return THROTTLED
    return None if device.verify_token(code) else WRONG_CODE


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: QR code and secret, confirmed with a current code."""
    user = request.user
    next_url = _next_url(request)
    existing = confirmed_device(user)
    if existing is not None:
        if not user.is_verified():
            # Replacing a device needs the old one first: a password alone is not enough.
            return redirect(_with_next("twofactor-verify", next_url))
        return _no_store(render(request, "itband/twofactor_done.html", {"device": existing}))

    device = pending_device(user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            error = _check_code(device, form.cleaned_data["code"])
            if error is None:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        if error is None:
            _mark_verified(request, device)
            audit_record(request=request, action=AuditEvent.Action.TWO_FACTOR_ENROLLED, obj=device)
            messages.success(
                request,
                "Two-factor is set up. You will be asked for a code each time you sign in.",
            )
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        form.add_error("code", error)

    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr_code_svg(
            device.config_url, title="QR code to scan with your authenticator app"
        ),
        "secret": spaced_secret(device),
        "required": settings.STAFF_REQUIRE_2FA,
    }
    return _no_store(render(request, "itband/twofactor_enrol.html", context))


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a current code from the user's authenticator app."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    device = confirmed_device(request.user)
    if device is None:
        return redirect(_with_next("twofactor-enrol", next_url))

    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            error = _check_code(device, form.cleaned_data["code"])
        if error is None:
            _mark_verified(request, device)
            audit_record(request=request, action=AuditEvent.Action.TWO_FACTOR_VERIFIED)
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        audit_record(request=request, action=AuditEvent.Action.TWO_FACTOR_FAILED)
        form.add_error("code", error)

    context = {"form": form, "next": next_url}
    return _no_store(render(request, "itband/twofactor_verify.html", context))
