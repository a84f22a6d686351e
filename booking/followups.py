"""Reminders that bring runners back (issue 17), and the one periodic job that sends them.

- An unfinished assessment: assessments.reminders (it needs nothing from booking).
- A result without a booking: here, because it needs booking's facts: one reminder two days
  after submit with the next free times (the result page's own selector), only to a runner
  who gave an email, never for an intake the booking rule blocks, never once any appointment
  is linked to the intake or the address has unsubscribed.

Consent: the runner consented to the assessment (Submission.consented_at, always set) and gave
the email on the page whose help text says that, besides the link, we write once
with the next free times if they have not booked. That one service message about their own
intake, with a one-click unsubscribe, is what the product records as consent for it; the draft
reminder, which the runner did not ask for by giving an email, needs its own tick (remind_me).
"""

import logging
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from assessments.models import Submission
from assessments.reminders import draft_reminders_send_due
from itband.reminders import in_sending_hours, reminder_enqueue

from .models import Appointment
from .rules import booking_block_for
from .selectors import openings_for_intake

logger = logging.getLogger(__name__)


def runner_reminders_send_due(*, now: datetime | None = None) -> int:
    """The periodic job (settings.PERIODIC_JOBS): both kinds of reminder; the number queued."""
    now = now or timezone.now()
    return draft_reminders_send_due(now=now) + result_reminders_send_due(now=now)


def results_due_for_reminder(now: datetime):
    """Submitted results two days old (not so old that the nudge comes out of the blue) with
    an email, no appointment linked, not closed by a clinician, not looked at before."""
    due_before = now - timedelta(hours=settings.RESULT_REMINDER_AFTER_HOURS)
    too_old = due_before - timedelta(hours=settings.REMINDER_GIVE_UP_HOURS)
    linked = Appointment.objects.filter(submission=OuterRef("pk"))
    return (
        Submission.objects.submitted()
        .filter(
            result_reminder_checked_at__isnull=True,
            closed_at__isnull=True,
            submitted_at__lte=due_before,
            submitted_at__gt=too_old,
        )
        .exclude(email="")
        .exclude(Exists(linked))
    )


def _may_remind(intake: Submission, now: datetime) -> bool:
    """Never for an emergency or urgent intake: the booking rule (its own flag, or one of the
    same runner's intakes); a flag a clinician cleared is followed up by the clinician, not by
    an automatic email. Nor when the runner has booked without linking the intake (a visit to
    come for a patient with this email)."""
    if intake.has_red_flag or booking_block_for(intake=intake, now=now) is not None:
        return False
    return not Appointment.objects.filter(
        patient__email__iexact=intake.email,
        status__in=Appointment.UPCOMING_STATUSES,
        start__gte=now,
    ).exists()


def _openings_context(intake: Submission, now: datetime) -> dict:
    """The next three free times at each clinic for the recommended visit (what the result
    page shows), as absolute links that carry the intake's token."""
    appointment_type, clinics = openings_for_intake(
        intake_token=intake.token, type_slug=intake.recommended_appointment, count=3, now=now
    )
    return {
        "appointment_type": appointment_type.name if appointment_type else "",
        "clinics": [
            {
                "name": clinic.location.name,
                "phone": clinic.location.phone,
                "openings": [
                    {
                        "label": f"{opening.day_label}, {opening.time_label}",
                        "url": settings.SITE_URL + opening.url,
                    }
                    for opening in clinic.openings
                ],
                "more_url": settings.SITE_URL + clinic.more_url,
            }
            for clinic in clinics
        ],
    }


def result_reminders_send_due(*, now: datetime | None = None, batch_size: int = 20) -> int:
    """Queue the reminder of every result due now; the number queued."""
    now = now or timezone.now()
    if not in_sending_hours(now):
        return 0  # due in the quiet hours: the first run after 08:00 sends it
    queued = 0
    while True:
        with transaction.atomic():
            batch = list(
                results_due_for_reminder(now)
                .select_for_update(skip_locked=True)
                .order_by("submitted_at", "pk")[:batch_size]
            )
            for intake in batch:
                if not _may_remind(intake, now):
                    continue
                book = f"{reverse('booking:start')}?{urlencode({'intake': intake.token})}"
                message = reminder_enqueue(
                    key=f"result:{intake.pk}",
                    to=intake.email,
                    template="reminder_result",
                    context={
                        "first_name": intake.first_name,
                        "result_link": settings.SITE_URL
                        + reverse("assessments:result", args=[intake.token]),
                        "book_link": settings.SITE_URL + book,
                        **_openings_context(intake, now),
                    },
                    topic=f"submission:{intake.pk}",
                )
                queued += message is not None
            # Looked at once, sent or not: UPDATE keeps updated_at as it was.
            Submission.objects.filter(pk__in=[i.pk for i in batch]).update(
                result_reminder_checked_at=now
            )
        if len(batch) < batch_size:
            break
    if queued:
        logger.info("queued %d result-without-booking reminders", queued)
    return queued
