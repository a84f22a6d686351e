"""Staff password reset by email: Django's own views and tokens, with the email through the Outbox.

- No account enumeration: every request gets the same "check your email" page, known address
  or not, and the per-address rate limit answers both alike.
- At most one reset email per account per hour (the Outbox key), so the form is no email bomb;
  a link stays valid for PASSWORD_RESET_TIMEOUT.
- Lockout rules are kept: a reset neither signs anyone in nor clears a django-axes lockout or
  the per-username throttle, and two-factor still follows at sign-in. Other sessions of the
  account end (Django's session hash follows the password).
- All of it is audited: requests (known or not), completed resets, invalid links.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator

from .audit import audit_record
from .http import mark_private
from .models import AuditEvent
from .outbox import outbox_enqueue
from .ratelimit import rate_limited


class OutboxPasswordResetForm(PasswordResetForm):
    def save(self, *args, request=None, **kwargs):
        self._request = request
        with transaction.atomic():
            if not any(True for _ in self.get_users(self.cleaned_data["email"])):
                audit_record(
                    request=request,
                    action=AuditEvent.Action.PASSWORD_RESET_REQUESTED,
                    detail="no active account with that address",
                )
            super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):  # fmt: skip
        user = context["user"]
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        outbox_enqueue(
            key=f"password-reset:{user.pk}:{timezone.now():%Y%m%d%H}",
            to=to_email,
            template="password_reset",
            context={
                "user": user,
                "reset_url": settings.SITE_URL + path,
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            topic=f"user:{user.pk}",
        )
        audit_record(
            request=self._request, action=AuditEvent.Action.PASSWORD_RESET_REQUESTED, obj=user
        )


@method_decorator(rate_limited("password-reset"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    http_method_names = ["get", "head", "post"]


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link's token is in the URL: no caching and no referrer."""

    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # (A good link first redirects to a token-free URL: only the failure page is 200.)
        if not self.validlink and response.status_code == 200:
            audit_record(request=request, action=AuditEvent.Action.PASSWORD_RESET_LINK_INVALID)
        return mark_private(response)

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            request=self.request, action=AuditEvent.Action.PASSWORD_RESET_DONE, obj=form.user
        )
        return response
