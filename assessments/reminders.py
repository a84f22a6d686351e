"""One reminder about an unfinished assessment: a day after the runner's last answer, only if
they gave an email and ticked "remind me", only in the clinic's sending hours, never to an
unsubscribed address. The periodic job (booking.followups) calls it; running it twice, or in
two workers at once, queues one email: rows are claimed with SKIP LOCKED and marked in the
same transaction, and the outbox key is per draft."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from itband.reminders import in_sending_hours, reminder_enqueue

from .models import Submission

logger = logging.getLogger(__name__)


def drafts_due_for_reminder(now: datetime):
    """Drafts whose runner asked for a reminder and has not answered for a day (but not so
    long that the nudge comes out of the blue), not looked at before."""
    due_before = now - timedelta(hours=settings.DRAFT_REMINDER_AFTER_HOURS)
    too_old = due_before - timedelta(hours=settings.REMINDER_GIVE_UP_HOURS)
    return (
        Submission.objects.drafts()
        .filter(
            remind_me=True,
            draft_reminder_checked_at__isnull=True,
            updated_at__lte=due_before,
            updated_at__gt=too_old,
        )
        .exclude(email="")
    )


def draft_reminders_send_due(*, now: datetime | None = None, batch_size: int = 50) -> int:
    """Queue the reminder of every draft due now; the number queued."""
    now = now or timezone.now()
    if not in_sending_hours(now):
        return 0  # due in the quiet hours: the first run after 08:00 sends it
    queued = 0
    while True:
        with transaction.atomic():
            batch = list(
                drafts_due_for_reminder(now)
                .select_for_update(skip_locked=True)
                .only("pk", "token", "email", "first_name")
                .order_by("updated_at", "pk")[:batch_size]
            )
            for draft in batch:
                path = reverse("assessments:resume", args=[draft.token])
                message = reminder_enqueue(
                    key=f"draft:{draft.pk}",
                    to=draft.email,
                    template="reminder_draft",
                    context={"first_name": draft.first_name, "link": settings.SITE_URL + path},
                    topic=f"submission:{draft.pk}",
                )
                queued += message is not None
            # UPDATE, not save(): updated_at is the draft's last answer and retention clock.
            Submission.objects.filter(pk__in=[d.pk for d in batch]).update(
                draft_reminder_checked_at=now
            )
        if len(batch) < batch_size:
            break
    if queued:
        logger.info("queued %d unfinished-assessment reminders", queued)
    return queued
