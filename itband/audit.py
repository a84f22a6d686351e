"""The append-only audit log: who saw or changed what, and every staff sign-in.

Views call ``audit_record`` explicitly for each staff view of health data and each change.
Sign-ins, failed sign-ins and sign-outs arrive through Django's auth signals (connected in
``itband.apps``), because the login view is Django's own.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import models

from .http import client_ip
from .models import AuditEvent

# A detail is a short note for people reading the log: never health data or contact details.
# As a safety net, anything shaped like an email address or a phone number is blanked.
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
REDACTED = "[redacted]"


def clean_detail(detail: str) -> str:
    detail = _EMAIL.sub(REDACTED, detail or "")
    detail = _PHONE.sub(REDACTED, detail)
    return _fit(detail, AuditEvent._meta.get_field("detail"))


def _fit(value: str, field: models.Field) -> str:
    return (value or "")[: field.max_length]


def _request_user(request):
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not user.is_authenticated:
        return None
    return user


def audit_record(
    *,
    request,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    detail: str = "",
) -> AuditEvent:
    """Write one audit event. User, IP and user agent come from the request (which may be
    ``None`` for system events); ``obj`` gives the type ("app_label.model") and the pk."""
    user = _request_user(request)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return _write(
        request=request,
        action=action,
        user=user,
        username=user.get_username() if user is not None else "",
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )


def _write(*, request, action: str, user, username: str, object_type="", object_id="", detail=""):
    ip = client_ip(request) if request is not None else ""
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    field = AuditEvent._meta.get_field
    return AuditEvent.objects.create(
        user_id=user.pk if user is not None else None,
        username=_fit(username, field("username")),
        action=action,
        object_type=_fit(object_type, field("object_type")),
        object_id=_fit(object_id, field("object_id")),
        ip=_valid_ip(ip),
        user_agent=_fit(agent, field("user_agent")),
        detail=clean_detail(detail),
    )


def _valid_ip(value: str) -> str | None:
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


# --- Auth signal receivers (connected in ItbandConfig.ready) ---------------------------------


def record_login(sender, request, user, **kwargs) -> None:
    _write(request=request, action=AuditEvent.Action.LOGIN, user=user, username=user.get_username())


def record_logout(sender, request, user, **kwargs) -> None:
    # user is None when the session had already ended; the reason comes from our middleware.
    reason = getattr(request, "audit_logout_reason", "")
    _write(
        request=request,
        action=AuditEvent.Action.SESSION_EXPIRED if reason else AuditEvent.Action.LOGOUT,
        user=user,
        username=user.get_username() if user is not None else "",
        detail=reason,
    )


def record_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """The typed username is kept (linked to the account when one matches); never the password."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    username = _fit(username, AuditEvent._meta.get_field("username"))
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    detail = ""
    if getattr(request, "axes_locked_out", False):
        detail = "locked out"
    elif getattr(request, "login_throttled", False):
        detail = "throttled: too many failures for this username this hour"
    _write(
        request=request,
        action=AuditEvent.Action.LOGIN_FAILED,
        user=user,
        username=username,
        detail=detail,
    )
