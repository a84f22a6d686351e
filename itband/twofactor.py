"""TOTP two-factor for staff: set up an authenticator app, then a code at every sign-in.

``StaffTwoFactorMiddleware`` (itband.middleware) sends signed-in users here; these pages are
exempt from it. The pages are never cached (no-store): the set-up page shows the secret.

The first set-up needs a one-time link on top of the password (itband.enrolment). It ends with
ten backup codes (django-otp's static device), shown once; each works once at the code prompt.
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
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage

from .audit import audit_record
from .enrolment import (
    DEVICE_NAME,
    SESSION_GRANT,
    LinkRefused,
    enrolment_link_redeem,
    enrolment_link_send,
)
from .forms import CrispyForm
from .models import AuditEvent

WRONG_CODE = (
    "That code did not match. Enter the 6-digit code your authenticator app shows now "
    "(codes change every 30 seconds)."
)
THROTTLED = "Too many wrong codes in a row. Wait a minute, then try the newest code."
WRONG_BACKUP_CODE = "That backup code did not match, or it has been used already."
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODES = 10


def _code_input(*, backup: bool) -> forms.TextInput:
    """One-time-code input: digits on a phone's keypad, or text where backup codes are taken."""
    return forms.TextInput(
        attrs={
            "class": "code-input",
            "inputmode": "text" if backup else "numeric",
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
        }
    )


class TwoFactorCodeForm(CrispyForm):
    code = forms.CharField(
        label="6-digit code",
        max_length=12,  # room for spaces some apps show: "123 456"
        widget=_code_input(backup=False),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "code"
        ].help_text = f"The 6 digits your authenticator app shows for {settings.CLINIC_NAME}."

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError("Enter the 6 digits from your authenticator app.")
        return code


class VerifyCodeForm(CrispyForm):
    """The sign-in prompt: a 6-digit code, or one of the 8-character backup codes."""

    code = forms.CharField(
        label="6-digit code or backup code",
        max_length=20,
        widget=_code_input(backup=True),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            f"The 6 digits your authenticator app shows for {settings.CLINIC_NAME}, "
            "or one of your backup codes."
        )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
        is_totp = len(code) == 6 and code.isdigit()
        is_backup = len(code) == 8 and all(c in "abcdefghijklmnopqrstuvwxyz234567" for c in code)
        if not (is_totp or is_backup):
            raise forms.ValidationError(
                "Enter the 6 digits from your authenticator app, or one of your 8-character "
                "backup codes."
            )
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


def backup_codes_create(*, user) -> list[str]:
    """Ten new backup codes (the old ones stop working), returned once for display."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def _backup_codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    audit_record(request=request, action=AuditEvent.Action.BACKUP_CODES_CREATED)
    context = {
        "codes": [f"{code[:4]} {code[4:]}" for code in codes],
        "next": next_url or settings.LOGIN_REDIRECT_URL,
    }
    return _no_store(render(request, "itband/twofactor_backup_codes.html", context))


def _link_needed(request: HttpRequest, next_url: str, *, sent: bool = False, status=200):
    context = {
        "next": next_url,
        "sent": sent,
        "has_email": bool(request.user.email),
        "required": settings.STAFF_REQUIRE_2FA,
    }
    return _no_store(render(request, "itband/twofactor_link_needed.html", context, status=status))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: QR code and secret, confirmed with a current code.

    Only in a session that opened a one-time set-up link (``enrol_link``); otherwise the page
    offers to email one to the staff address."""
    user = request.user
    next_url = _next_url(request)
    existing = confirmed_device(user)
    if existing is not None:
        if not user.is_verified():
            # Replacing a device needs the old one first: a password alone is not enough.
            return redirect(_with_next("twofactor-verify", next_url))
        return _no_store(render(request, "itband/twofactor_done.html", {"device": existing}))

    if request.session.get(SESSION_GRANT) != user.pk:
        if request.method == "POST" and request.POST.get("action") == "send-link":
            sent = enrolment_link_send(user=user)
            if sent:
                audit_record(
                    request=request,
                    action=AuditEvent.Action.TWO_FACTOR_LINK_SENT,
                    obj=user,
                    detail="emailed at the user's request",
                )
            return _link_needed(request, next_url, sent=sent)
        if request.method == "POST":  # a code without the link: refused, whatever it is
            audit_record(request=request, action=AuditEvent.Action.TWO_FACTOR_ENROL_REFUSED)
            return _link_needed(request, next_url, status=403)
        return _link_needed(request, next_url)

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
            request.session.pop(SESSION_GRANT, None)
            _mark_verified(request, device)
            audit_record(request=request, action=AuditEvent.Action.TWO_FACTOR_ENROLLED, obj=device)
            messages.success(
                request,
                "Two-factor is set up. You will be asked for a code each time you sign in.",
            )
            return _backup_codes_page(request, backup_codes_create(user=user), next_url)
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
@require_http_methods(["GET", "HEAD"])
def enrol_link(request: HttpRequest, token: str) -> HttpResponse:
    """Open a one-time set-up link, signed in as the user it was issued to."""
    try:
        enrolment_link_redeem(user=request.user, token=token)
    except LinkRefused as refused:
        audit_record(
            request=request, action=AuditEvent.Action.TWO_FACTOR_LINK_REFUSED, detail=refused.reason
        )
        response = render(request, "itband/twofactor_link_invalid.html", status=404)
        response["Referrer-Policy"] = "no-referrer"
        return _no_store(response)
    request.session[SESSION_GRANT] = request.user.pk
    audit_record(request=request, action=AuditEvent.Action.TWO_FACTOR_LINK_USED)
    # Off the token's URL at once (history, referrers).
    response = redirect("twofactor-enrol")
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """How many backup codes are left; new ones (shown once) on request. Needs a verified
    session: StaffTwoFactorMiddleware sends anyone else to the code prompt first."""
    if not request.user.is_verified():
        return redirect(_with_next("twofactor-verify", request.get_full_path()))
    if request.method == "POST":
        return _backup_codes_page(request, backup_codes_create(user=request.user), "")
    left = StaticToken.objects.filter(device__user=request.user, device__confirmed=True).count()
    return _no_store(render(request, "itband/twofactor_backup_status.html", {"left": left}))


def _verify_backup_code(user, code: str) -> tuple[StaticDevice | None, str | None]:
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return None, WRONG_BACKUP_CODE
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            return None, THROTTLED
        if not device.verify_token(code):  # a match is deleted: each code works once
            return None, WRONG_BACKUP_CODE
    return device, None


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a current code from the user's authenticator app, or
    one of their backup codes."""
    next_url = _next_url(request)
    user = request.user
    if user.is_verified():
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    device = confirmed_device(user)
    if device is None and not StaticDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(_with_next("twofactor-enrol", next_url))

    form = VerifyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if code.isdigit():
            if device is None:
                error = WRONG_CODE
            else:
                with transaction.atomic():
                    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
                    error = _check_code(device, code)
            used, action = device, AuditEvent.Action.TWO_FACTOR_VERIFIED
        else:
            used, error = _verify_backup_code(user, code)
            action = AuditEvent.Action.BACKUP_CODE_USED
        if error is None:
            _mark_verified(request, used)
            detail = ""
            if action == AuditEvent.Action.BACKUP_CODE_USED:
                detail = f"{used.token_set.count()} backup codes left"
            audit_record(request=request, action=action, detail=detail)
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        audit_record(request=request, action=AuditEvent.Action.TWO_FACTOR_FAILED)
        form.add_error("code", error)

    context = {"form": form, "next": next_url}
    return _no_store(render(request, "itband/twofactor_verify.html", context))


def forget_device_at_sign_in(sender=None, request=None, user=None, **kwargs) -> None:
    """``user_logged_in`` receiver: a sign-in with a password starts unverified. Django keeps
    the session of a sign-in as the same user (no flush), and with it a two-factor device a
    session passed before, e.g. one left signed out when its sign-in stopped being valid."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
