"""Staff roles are Django groups; these helpers are the one place that names them."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, StringAgg, Value

FRONT_DESK = "Front desk"
CLINICIAN = "Clinician"
# The owner and senior clinicians: the clinic page (/clinic/), the clinic's figures.
CLINIC_LEAD = "Clinic lead"
ROLE_NAMES = (FRONT_DESK, CLINICIAN, CLINIC_LEAD)


ROLE_SEPARATOR = "\n"  # no role name holds one (a group's name that does is read apart)


class RolesModelBackend(ModelBackend):
    """Django's ModelBackend, reading the signed-in user's role names in the same query as
    the user: every staff page checks a role, and that was a query of its own on every
    request (``has_role`` reads them from the user)."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.annotate(
            role_list=StringAgg("groups__name", Value(ROLE_SEPARATOR), default=Value("")),
            role_count=Count("groups"),
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        names = user.role_list.split(ROLE_SEPARATOR) if user.role_count else []
        if len(names) == user.role_count:  # else a group's name holds the separator:
            user._role_names = set(names)  # has_role then reads the names on their own
        return user if self.user_can_authenticate(user) else None


def has_role(user, role: str) -> bool:
    """True for an active staff user in the group, and for superusers (the clinic admin)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    # Cache the names on the user object: several checks on one page cost one query.
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names
    return role in names


def is_front_desk(user) -> bool:
    return has_role(user, FRONT_DESK)


def is_clinician(user) -> bool:
    return has_role(user, CLINICIAN)


def is_clinic_lead(user) -> bool:
    return has_role(user, CLINIC_LEAD)


def role_required(*roles: str) -> Callable:
    """Anonymous users go to the login page; logged-in users without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
