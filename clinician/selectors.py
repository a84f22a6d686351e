"""Reads for the clinician's workspace: the review queue as plain rows."""

from dataclasses import dataclass

from django.urls import reverse

from assessments.models import Submission, driver_label
from itband.datefmt import short_datetime

STATES = (("awaiting", "To review"), ("reviewed", "Reviewed"), ("closed", "Closed"), ("all", "All"))


@dataclass(frozen=True)
class QueueRow:
    pk: int
    url: str
    name: str
    flag: str
    driver: str
    next_visit: str
    submitted: str
    state: str


# The queue reads these columns only, as plain values (no model instances, no JSON).
QUEUE_COLUMNS = (
    "pk",
    "first_name",
    "last_name",
    "highest_flag",
    "primary_driver",
    "questionnaire_version",
    "next_visit_at",
    "submitted_at",
    "reviewed_at",
    "closed_at",
    "reviewed_by__first_name",
    "reviewed_by__last_name",
    "reviewed_by__username",
)


def queue_rows(intakes) -> list[QueueRow]:
    """Rows for the queue table from ``QUEUE_COLUMNS`` values."""
    intake_url = reverse("clinician:intake", args=[0]).removesuffix("0/")
    rows = []
    for intake in intakes:
        if intake["reviewed_at"]:
            reviewer = f"{intake['reviewed_by__first_name']} {intake['reviewed_by__last_name']}"
            state = f"Reviewed by {reviewer.strip() or intake['reviewed_by__username']}"
        else:
            state = "Closed" if intake["closed_at"] else "To review"
        name = f"{intake['first_name']} {intake['last_name']}".strip()
        next_visit = intake["next_visit_at"]
        rows.append(
            QueueRow(
                pk=intake["pk"],
                url=f"{intake_url}{intake['pk']}/",
                name=name or "Name not given",
                flag=intake["highest_flag"],
                driver=driver_label(intake["primary_driver"], intake["questionnaire_version"]),
                next_visit=short_datetime(next_visit) if next_visit else "",
                submitted=short_datetime(intake["submitted_at"], weekday=False),
                state=state,
            )
        )
    return rows


def review_queue(*, state: str, location: str = "", clinician_user=None):
    """The queue's intakes in order (red flags first, then by visit), as ``QUEUE_COLUMNS``
    values: paged by the view."""
    return Submission.objects.review_queue(
        state=state, location=location, clinician_user=clinician_user
    ).values(*QUEUE_COLUMNS)
