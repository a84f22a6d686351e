"""The one gate to an intake's health data for staff."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from itband.roles import CLINICIAN, has_role

from .models import Submission


def can_read_intake(user) -> bool:
    """Clinicians (and the clinic admin) read full intakes; the front desk never does."""
    return has_role(user, CLINICIAN)


def get_submission_for_clinician(user, pk: int) -> Submission:
    """A submitted intake a clinician may read: 403 for other roles, 404 for drafts."""
    if not can_read_intake(user):
        raise PermissionDenied
    return get_object_or_404(Submission.objects.submitted(), pk=pk)
